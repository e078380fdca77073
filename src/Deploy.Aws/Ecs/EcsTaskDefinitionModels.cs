using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deploy.Aws.Ecs;

// Shapes follow botocore's ecs/2014-11-13 model. Types shared by requests and responses avoid
// `required` so that a sparse response still deserializes.

/// <summary>ECS tag (lower-case <c>key</c>/<c>value</c> on the wire).</summary>
public sealed record EcsTag(string Key, string Value);

/// <summary>The model's <c>KeyValuePair</c> (environment variables, statistics, attachment details).</summary>
public sealed record NameValuePair(string? Name, string? Value);

public sealed record Secret(string Name, string ValueFrom);

public sealed record PortMapping
{
    public int? ContainerPort { get; init; }

    public int? HostPort { get; init; }

    /// <summary><c>tcp</c> or <c>udp</c>.</summary>
    public string? Protocol { get; init; }

    public string? Name { get; init; }

    /// <summary><c>http</c>, <c>http2</c> or <c>grpc</c>.</summary>
    public string? AppProtocol { get; init; }

    public string? ContainerPortRange { get; init; }
}

public sealed record HealthCheck
{
    /// <summary>E.g. <c>["CMD-SHELL", "curl -f http://localhost/ || exit 1"]</c>.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    public int? Interval { get; init; }

    public int? Timeout { get; init; }

    public int? Retries { get; init; }

    public int? StartPeriod { get; init; }
}

public sealed record LogConfiguration
{
    /// <summary>E.g. <c>awslogs</c>.</summary>
    public string? LogDriver { get; init; }

    /// <summary>For awslogs: <c>awslogs-group</c>, <c>awslogs-region</c>, <c>awslogs-stream-prefix</c>.</summary>
    public IReadOnlyDictionary<string, string>? Options { get; init; }

    public IReadOnlyList<Secret>? SecretOptions { get; init; }
}

/// <param name="ContainerName">The container this one waits for.</param>
/// <param name="Condition"><c>START</c>, <c>COMPLETE</c>, <c>SUCCESS</c> or <c>HEALTHY</c>.</param>
public sealed record ContainerDependency(string ContainerName, string Condition);

public sealed record RepositoryCredentials(string CredentialsParameter);

public sealed record EnvironmentFile(string Value, string Type);

public sealed record MountPoint(string? SourceVolume, string? ContainerPath, bool? ReadOnly);

public sealed record VolumeFrom(string? SourceContainer, bool? ReadOnly);

public sealed record HostEntry(string Hostname, string IpAddress);

public sealed record Ulimit(string Name, int SoftLimit, int HardLimit);

public sealed record SystemControl(string? Namespace, string? Value);

public sealed record ResourceRequirement(string Value, string Type);

public sealed record KernelCapabilities(IReadOnlyList<string>? Add, IReadOnlyList<string>? Drop);

public sealed record LinuxParameters
{
    public KernelCapabilities? Capabilities { get; init; }

    public bool? InitProcessEnabled { get; init; }

    public int? SharedMemorySize { get; init; }

    public int? MaxSwap { get; init; }

    public int? Swappiness { get; init; }
}

public sealed record FirelensConfiguration(string Type, IReadOnlyDictionary<string, string>? Options = null);

public sealed record ContainerRestartPolicy(bool Enabled, IReadOnlyList<int>? IgnoredExitCodes = null, int? RestartAttemptPeriod = null);

/// <summary>One container of a task definition.</summary>
public sealed record ContainerDefinition
{
    public string? Name { get; init; }

    public string? Image { get; init; }

    public RepositoryCredentials? RepositoryCredentials { get; init; }

    public int? Cpu { get; init; }

    /// <summary>Hard memory limit in MiB.</summary>
    public int? Memory { get; init; }

    public int? MemoryReservation { get; init; }

    public IReadOnlyList<string>? Links { get; init; }

    public IReadOnlyList<PortMapping>? PortMappings { get; init; }

    public bool? Essential { get; init; }

    public ContainerRestartPolicy? RestartPolicy { get; init; }

    public IReadOnlyList<string>? EntryPoint { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyList<NameValuePair>? Environment { get; init; }

    public IReadOnlyList<EnvironmentFile>? EnvironmentFiles { get; init; }

    public IReadOnlyList<MountPoint>? MountPoints { get; init; }

    public IReadOnlyList<VolumeFrom>? VolumesFrom { get; init; }

    public LinuxParameters? LinuxParameters { get; init; }

    public IReadOnlyList<Secret>? Secrets { get; init; }

    public IReadOnlyList<ContainerDependency>? DependsOn { get; init; }

    public int? StartTimeout { get; init; }

    public int? StopTimeout { get; init; }

    public string? Hostname { get; init; }

    public string? User { get; init; }

    public string? WorkingDirectory { get; init; }

    public bool? DisableNetworking { get; init; }

    public bool? Privileged { get; init; }

    public bool? ReadonlyRootFilesystem { get; init; }

    public IReadOnlyList<string>? DnsServers { get; init; }

    public IReadOnlyList<string>? DnsSearchDomains { get; init; }

    public IReadOnlyList<HostEntry>? ExtraHosts { get; init; }

    public IReadOnlyList<string>? DockerSecurityOptions { get; init; }

    public bool? Interactive { get; init; }

    public bool? PseudoTerminal { get; init; }

    public IReadOnlyDictionary<string, string>? DockerLabels { get; init; }

    public IReadOnlyList<Ulimit>? Ulimits { get; init; }

    public LogConfiguration? LogConfiguration { get; init; }

    public HealthCheck? HealthCheck { get; init; }

    public IReadOnlyList<SystemControl>? SystemControls { get; init; }

    public IReadOnlyList<ResourceRequirement>? ResourceRequirements { get; init; }

    public FirelensConfiguration? FirelensConfiguration { get; init; }

    public IReadOnlyList<string>? CredentialSpecs { get; init; }

    /// <summary>Model members this record does not name (newer features); kept so a described
    /// definition registers again without loss.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalMembers { get; init; }
}

public sealed record HostVolumeProperties(string? SourcePath);

public sealed record DockerVolumeConfiguration
{
    /// <summary><c>task</c> or <c>shared</c>.</summary>
    public string? Scope { get; init; }

    public bool? Autoprovision { get; init; }

    public string? Driver { get; init; }

    public IReadOnlyDictionary<string, string>? DriverOpts { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

public sealed record Volume
{
    public string? Name { get; init; }

    public HostVolumeProperties? Host { get; init; }

    public DockerVolumeConfiguration? DockerVolumeConfiguration { get; init; }

    public bool? ConfiguredAtLaunch { get; init; }

    /// <summary>EFS/FSx and other volume kinds, passed through untouched.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalMembers { get; init; }
}

public sealed record TaskDefinitionPlacementConstraint(string? Type, string? Expression);

/// <param name="CpuArchitecture"><c>X86_64</c> or <c>ARM64</c>.</param>
/// <param name="OperatingSystemFamily">E.g. <c>LINUX</c>.</param>
public sealed record RuntimePlatform(string? CpuArchitecture = null, string? OperatingSystemFamily = null);

public sealed record EphemeralStorage(int SizeInGiB);

public sealed record ProxyConfiguration(string ContainerName, string? Type = null, IReadOnlyList<NameValuePair>? Properties = null);

public sealed record TaskAttributeRequirement(string Name, string? Value = null, string? TargetType = null, string? TargetId = null);

public sealed record RegisterTaskDefinitionRequest
{
    public required string Family { get; init; }

    public string? TaskRoleArn { get; init; }

    public string? ExecutionRoleArn { get; init; }

    /// <summary><c>awsvpc</c> for Fargate; <c>bridge</c>, <c>host</c> or <c>none</c> on EC2.</summary>
    public string? NetworkMode { get; init; }

    public required IReadOnlyList<ContainerDefinition> ContainerDefinitions { get; init; }

    public IReadOnlyList<Volume>? Volumes { get; init; }

    public IReadOnlyList<TaskDefinitionPlacementConstraint>? PlacementConstraints { get; init; }

    /// <summary>E.g. <c>["FARGATE"]</c>.</summary>
    public IReadOnlyList<string>? RequiresCompatibilities { get; init; }

    /// <summary>Task CPU units as text, e.g. <c>"256"</c> or <c>"1 vCPU"</c>.</summary>
    public string? Cpu { get; init; }

    /// <summary>Task memory as text, e.g. <c>"512"</c> or <c>"1 GB"</c>.</summary>
    public string? Memory { get; init; }

    public IReadOnlyList<EcsTag>? Tags { get; init; }

    public string? PidMode { get; init; }

    public string? IpcMode { get; init; }

    public ProxyConfiguration? ProxyConfiguration { get; init; }

    public EphemeralStorage? EphemeralStorage { get; init; }

    public RuntimePlatform? RuntimePlatform { get; init; }

    public bool? EnableFaultInjection { get; init; }
}

public sealed record TaskDefinition
{
    public string? TaskDefinitionArn { get; init; }

    public IReadOnlyList<ContainerDefinition>? ContainerDefinitions { get; init; }

    public string? Family { get; init; }

    public string? TaskRoleArn { get; init; }

    public string? ExecutionRoleArn { get; init; }

    public string? NetworkMode { get; init; }

    public int? Revision { get; init; }

    public IReadOnlyList<Volume>? Volumes { get; init; }

    /// <summary><c>ACTIVE</c>, <c>INACTIVE</c> or <c>DELETE_IN_PROGRESS</c>.</summary>
    public string? Status { get; init; }

    public IReadOnlyList<TaskAttributeRequirement>? RequiresAttributes { get; init; }

    public IReadOnlyList<TaskDefinitionPlacementConstraint>? PlacementConstraints { get; init; }

    public IReadOnlyList<string>? Compatibilities { get; init; }

    public RuntimePlatform? RuntimePlatform { get; init; }

    public IReadOnlyList<string>? RequiresCompatibilities { get; init; }

    public string? Cpu { get; init; }

    public string? Memory { get; init; }

    public string? PidMode { get; init; }

    public string? IpcMode { get; init; }

    public ProxyConfiguration? ProxyConfiguration { get; init; }

    public DateTimeOffset? RegisteredAt { get; init; }

    public DateTimeOffset? DeregisteredAt { get; init; }

    public string? RegisteredBy { get; init; }

    public EphemeralStorage? EphemeralStorage { get; init; }

    public bool? EnableFaultInjection { get; init; }

    /// <summary>
    /// The request that registers this definition again (e.g. with a new image): the writable members only,
    /// without the read-only ones (<c>taskDefinitionArn</c>, <c>revision</c>, <c>status</c>, <c>requiresAttributes</c>,
    /// <c>compatibilities</c>, <c>registeredAt</c>, <c>registeredBy</c>) that RegisterTaskDefinition rejects.
    /// </summary>
    public RegisterTaskDefinitionRequest ToRegisterRequest(IReadOnlyList<EcsTag>? tags = null) => new()
    {
        Family = Family ?? throw new InvalidOperationException("The task definition has no family."),
        TaskRoleArn = TaskRoleArn,
        ExecutionRoleArn = ExecutionRoleArn,
        NetworkMode = NetworkMode,
        ContainerDefinitions = ContainerDefinitions ?? [],
        Volumes = Volumes is { Count: > 0 } ? Volumes : null,
        PlacementConstraints = PlacementConstraints is { Count: > 0 } ? PlacementConstraints : null,
        RequiresCompatibilities = RequiresCompatibilities is { Count: > 0 } ? RequiresCompatibilities : null,
        Cpu = Cpu,
        Memory = Memory,
        Tags = tags is { Count: > 0 } ? tags : null,
        PidMode = PidMode,
        IpcMode = IpcMode,
        ProxyConfiguration = ProxyConfiguration,
        EphemeralStorage = EphemeralStorage,
        RuntimePlatform = RuntimePlatform,
        EnableFaultInjection = EnableFaultInjection,
    };
}

public sealed record RegisterTaskDefinitionResponse(TaskDefinition? TaskDefinition, IReadOnlyList<EcsTag>? Tags);

public sealed record DescribeTaskDefinitionRequest
{
    /// <summary><c>family</c>, <c>family:revision</c> or the full ARN.</summary>
    public required string TaskDefinition { get; init; }

    /// <summary><c>["TAGS"]</c> to get the tags too.</summary>
    public IReadOnlyList<string>? Include { get; init; }
}

public sealed record DescribeTaskDefinitionResponse(TaskDefinition? TaskDefinition, IReadOnlyList<EcsTag>? Tags);

public sealed record DeregisterTaskDefinitionRequest(string TaskDefinition);

public sealed record DeregisterTaskDefinitionResponse(TaskDefinition? TaskDefinition);

public sealed record ListTaskDefinitionsRequest
{
    public string? FamilyPrefix { get; init; }

    public string? Status { get; init; }

    /// <summary><c>ASC</c> or <c>DESC</c> (by family, then revision).</summary>
    public string? Sort { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }
}

public sealed record ListTaskDefinitionsResponse(IReadOnlyList<string>? TaskDefinitionArns, string? NextToken);
