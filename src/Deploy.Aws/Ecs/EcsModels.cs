using System.Text.Json.Serialization;

namespace Deploy.Aws.Ecs;

public sealed record Failure(string? Arn, string? Reason, string? Detail);

public sealed record CapacityProviderStrategyItem(string CapacityProvider, int? Weight = null, int? Base = null);

public sealed record ClusterSetting(string? Name, string? Value);

public sealed record Attachment(string? Id, string? Type, string? Status, IReadOnlyList<NameValuePair>? Details);

public sealed record CreateClusterRequest
{
    public string? ClusterName { get; init; }

    public IReadOnlyList<EcsTag>? Tags { get; init; }

    /// <summary>E.g. <c>containerInsights</c> = <c>enabled</c>.</summary>
    public IReadOnlyList<ClusterSetting>? Settings { get; init; }

    public IReadOnlyList<string>? CapacityProviders { get; init; }

    public IReadOnlyList<CapacityProviderStrategyItem>? DefaultCapacityProviderStrategy { get; init; }
}

public sealed record Cluster
{
    public string? ClusterArn { get; init; }

    public string? ClusterName { get; init; }

    /// <summary><c>ACTIVE</c>, <c>PROVISIONING</c>, <c>DEPROVISIONING</c>, <c>FAILED</c> or <c>INACTIVE</c>.</summary>
    public string? Status { get; init; }

    public int? RegisteredContainerInstancesCount { get; init; }

    public int? RunningTasksCount { get; init; }

    public int? PendingTasksCount { get; init; }

    public int? ActiveServicesCount { get; init; }

    public IReadOnlyList<NameValuePair>? Statistics { get; init; }

    public IReadOnlyList<EcsTag>? Tags { get; init; }

    public IReadOnlyList<ClusterSetting>? Settings { get; init; }

    public IReadOnlyList<string>? CapacityProviders { get; init; }

    public IReadOnlyList<CapacityProviderStrategyItem>? DefaultCapacityProviderStrategy { get; init; }

    public IReadOnlyList<Attachment>? Attachments { get; init; }

    public string? AttachmentsStatus { get; init; }
}

public sealed record CreateClusterResponse(Cluster? Cluster);

public sealed record DescribeClustersRequest
{
    public IReadOnlyList<string>? Clusters { get; init; }

    /// <summary>Any of <c>ATTACHMENTS</c>, <c>CONFIGURATIONS</c>, <c>SETTINGS</c>, <c>STATISTICS</c>, <c>TAGS</c>.</summary>
    public IReadOnlyList<string>? Include { get; init; }
}

public sealed record DescribeClustersResponse(IReadOnlyList<Cluster>? Clusters, IReadOnlyList<Failure>? Failures);

public sealed record LoadBalancer
{
    public string? TargetGroupArn { get; init; }

    public string? LoadBalancerName { get; init; }

    public string? ContainerName { get; init; }

    public int? ContainerPort { get; init; }
}

public sealed record ServiceRegistry(string? RegistryArn = null, int? Port = null, string? ContainerName = null, int? ContainerPort = null);

/// <param name="Enable">Stop a deployment whose tasks keep failing.</param>
/// <param name="Rollback">Roll back to the last completed deployment when it stops.</param>
public sealed record DeploymentCircuitBreaker(bool Enable, bool Rollback);

public sealed record DeploymentAlarms(IReadOnlyList<string> AlarmNames, bool Rollback, bool Enable);

public sealed record DeploymentConfiguration
{
    public DeploymentCircuitBreaker? DeploymentCircuitBreaker { get; init; }

    public int? MaximumPercent { get; init; }

    public int? MinimumHealthyPercent { get; init; }

    public DeploymentAlarms? Alarms { get; init; }

    /// <summary><c>ROLLING</c>, <c>BLUE_GREEN</c>, <c>LINEAR</c> or <c>CANARY</c>.</summary>
    public string? Strategy { get; init; }

    public int? BakeTimeInMinutes { get; init; }
}

public sealed record PlacementConstraint(string? Type = null, string? Expression = null);

public sealed record PlacementStrategy(string? Type = null, string? Field = null);

/// <param name="Subnets">Subnet ids (at most 16).</param>
/// <param name="SecurityGroups">Security group ids (at most 5).</param>
/// <param name="AssignPublicIp"><c>ENABLED</c> or <c>DISABLED</c>.</param>
public sealed record AwsVpcConfiguration(IReadOnlyList<string> Subnets, IReadOnlyList<string>? SecurityGroups = null, string? AssignPublicIp = null);

public sealed record NetworkConfiguration(AwsVpcConfiguration? AwsvpcConfiguration);

/// <param name="Type"><c>ECS</c>, <c>CODE_DEPLOY</c> or <c>EXTERNAL</c>.</param>
public sealed record DeploymentController(string Type);

public sealed record CreateServiceRequest
{
    public string? Cluster { get; init; }

    public required string ServiceName { get; init; }

    public string? TaskDefinition { get; init; }

    public IReadOnlyList<LoadBalancer>? LoadBalancers { get; init; }

    public IReadOnlyList<ServiceRegistry>? ServiceRegistries { get; init; }

    public int? DesiredCount { get; init; }

    public string? ClientToken { get; init; }

    /// <summary><c>FARGATE</c>, <c>EC2</c>, <c>EXTERNAL</c> or <c>MANAGED_INSTANCES</c>.</summary>
    public string? LaunchType { get; init; }

    public IReadOnlyList<CapacityProviderStrategyItem>? CapacityProviderStrategy { get; init; }

    public string? PlatformVersion { get; init; }

    public string? Role { get; init; }

    public DeploymentConfiguration? DeploymentConfiguration { get; init; }

    public IReadOnlyList<PlacementConstraint>? PlacementConstraints { get; init; }

    public IReadOnlyList<PlacementStrategy>? PlacementStrategy { get; init; }

    public NetworkConfiguration? NetworkConfiguration { get; init; }

    public int? HealthCheckGracePeriodSeconds { get; init; }

    public string? SchedulingStrategy { get; init; }

    public DeploymentController? DeploymentController { get; init; }

    public IReadOnlyList<EcsTag>? Tags { get; init; }

    [JsonPropertyName("enableECSManagedTags")]
    public bool? EnableEcsManagedTags { get; init; }

    public string? PropagateTags { get; init; }

    public bool? EnableExecuteCommand { get; init; }

    public string? AvailabilityZoneRebalancing { get; init; }
}

public sealed record Deployment
{
    public string? Id { get; init; }

    /// <summary><c>PRIMARY</c> (the newest), <c>ACTIVE</c> (being replaced) or <c>INACTIVE</c>.</summary>
    public string? Status { get; init; }

    public string? TaskDefinition { get; init; }

    public int? DesiredCount { get; init; }

    public int? PendingCount { get; init; }

    public int? RunningCount { get; init; }

    public int? FailedTasks { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public string? LaunchType { get; init; }

    public string? PlatformVersion { get; init; }

    public NetworkConfiguration? NetworkConfiguration { get; init; }

    /// <summary><c>IN_PROGRESS</c>, <c>COMPLETED</c> or <c>FAILED</c> (the circuit breaker's verdict).</summary>
    public string? RolloutState { get; init; }

    public string? RolloutStateReason { get; init; }
}

public sealed record ServiceEvent(string? Id, DateTimeOffset? CreatedAt, string? Message);

/// <summary>The model's <c>Service</c> shape.</summary>
public sealed record EcsService
{
    public string? ServiceArn { get; init; }

    public string? ServiceName { get; init; }

    public string? ClusterArn { get; init; }

    public IReadOnlyList<LoadBalancer>? LoadBalancers { get; init; }

    public IReadOnlyList<ServiceRegistry>? ServiceRegistries { get; init; }

    /// <summary><c>ACTIVE</c>, <c>DRAINING</c> or <c>INACTIVE</c>.</summary>
    public string? Status { get; init; }

    public int? DesiredCount { get; init; }

    public int? RunningCount { get; init; }

    public int? PendingCount { get; init; }

    public string? LaunchType { get; init; }

    public IReadOnlyList<CapacityProviderStrategyItem>? CapacityProviderStrategy { get; init; }

    public string? PlatformVersion { get; init; }

    public string? TaskDefinition { get; init; }

    public DeploymentConfiguration? DeploymentConfiguration { get; init; }

    public IReadOnlyList<Deployment>? Deployments { get; init; }

    public string? RoleArn { get; init; }

    /// <summary>Newest first, as the service returns them.</summary>
    public IReadOnlyList<ServiceEvent>? Events { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public IReadOnlyList<PlacementConstraint>? PlacementConstraints { get; init; }

    public IReadOnlyList<PlacementStrategy>? PlacementStrategy { get; init; }

    public NetworkConfiguration? NetworkConfiguration { get; init; }

    public int? HealthCheckGracePeriodSeconds { get; init; }

    public string? SchedulingStrategy { get; init; }

    public DeploymentController? DeploymentController { get; init; }

    public IReadOnlyList<EcsTag>? Tags { get; init; }

    public string? CreatedBy { get; init; }

    [JsonPropertyName("enableECSManagedTags")]
    public bool? EnableEcsManagedTags { get; init; }

    public string? PropagateTags { get; init; }

    public bool? EnableExecuteCommand { get; init; }

    /// <summary>The deployment with status <c>PRIMARY</c>: the one a rollout is about.</summary>
    [JsonIgnore]
    public Deployment? PrimaryDeployment => Deployments?.FirstOrDefault(d => d.Status == "PRIMARY");
}

public sealed record CreateServiceResponse(EcsService? Service);

public sealed record UpdateServiceRequest
{
    public string? Cluster { get; init; }

    public required string Service { get; init; }

    public int? DesiredCount { get; init; }

    public string? TaskDefinition { get; init; }

    public IReadOnlyList<CapacityProviderStrategyItem>? CapacityProviderStrategy { get; init; }

    public DeploymentConfiguration? DeploymentConfiguration { get; init; }

    public string? AvailabilityZoneRebalancing { get; init; }

    public NetworkConfiguration? NetworkConfiguration { get; init; }

    public IReadOnlyList<PlacementConstraint>? PlacementConstraints { get; init; }

    public IReadOnlyList<PlacementStrategy>? PlacementStrategy { get; init; }

    public string? PlatformVersion { get; init; }

    /// <summary>Start new tasks even when nothing changed (e.g. the same tag points at a new image).</summary>
    public bool? ForceNewDeployment { get; init; }

    public int? HealthCheckGracePeriodSeconds { get; init; }

    public DeploymentController? DeploymentController { get; init; }

    public bool? EnableExecuteCommand { get; init; }

    [JsonPropertyName("enableECSManagedTags")]
    public bool? EnableEcsManagedTags { get; init; }

    public IReadOnlyList<LoadBalancer>? LoadBalancers { get; init; }

    public string? PropagateTags { get; init; }

    public IReadOnlyList<ServiceRegistry>? ServiceRegistries { get; init; }
}

public sealed record UpdateServiceResponse(EcsService? Service);

public sealed record DescribeServicesRequest
{
    public string? Cluster { get; init; }

    public required IReadOnlyList<string> Services { get; init; }

    /// <summary><c>["TAGS"]</c> to get the tags too.</summary>
    public IReadOnlyList<string>? Include { get; init; }
}

public sealed record DescribeServicesResponse(IReadOnlyList<EcsService>? Services, IReadOnlyList<Failure>? Failures);

public sealed record DeleteServiceRequest
{
    public string? Cluster { get; init; }

    public required string Service { get; init; }

    /// <summary>Delete even when the desired count is not zero.</summary>
    public bool? Force { get; init; }
}

public sealed record DeleteServiceResponse(EcsService? Service);

public sealed record ListServicesRequest
{
    public string? Cluster { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }

    public string? LaunchType { get; init; }

    public string? SchedulingStrategy { get; init; }

    public string? ResourceManagementType { get; init; }
}

public sealed record ListServicesResponse(IReadOnlyList<string>? ServiceArns, string? NextToken);

public sealed record ListTasksRequest
{
    public string? Cluster { get; init; }

    public string? ContainerInstance { get; init; }

    public string? Family { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }

    public string? StartedBy { get; init; }

    public string? ServiceName { get; init; }

    /// <summary><c>RUNNING</c> (the default), <c>PENDING</c> or <c>STOPPED</c>.</summary>
    public string? DesiredStatus { get; init; }

    public string? LaunchType { get; init; }
}

public sealed record ListTasksResponse(IReadOnlyList<string>? TaskArns, string? NextToken);

public sealed record DescribeTasksRequest
{
    public string? Cluster { get; init; }

    public required IReadOnlyList<string> Tasks { get; init; }

    public IReadOnlyList<string>? Include { get; init; }
}

public sealed record NetworkBinding
{
    [JsonPropertyName("bindIP")]
    public string? BindIp { get; init; }

    public int? ContainerPort { get; init; }

    public int? HostPort { get; init; }

    public string? Protocol { get; init; }
}

public sealed record NetworkInterface(string? AttachmentId, string? PrivateIpv4Address, string? Ipv6Address);

/// <summary>A container of a running or stopped task.</summary>
public sealed record Container
{
    public string? ContainerArn { get; init; }

    public string? TaskArn { get; init; }

    public string? Name { get; init; }

    public string? Image { get; init; }

    public string? ImageDigest { get; init; }

    public string? RuntimeId { get; init; }

    public string? LastStatus { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>Why the container stopped, e.g. <c>CannotPullContainerError: ...</c>.</summary>
    public string? Reason { get; init; }

    public IReadOnlyList<NetworkBinding>? NetworkBindings { get; init; }

    public IReadOnlyList<NetworkInterface>? NetworkInterfaces { get; init; }

    /// <summary><c>HEALTHY</c>, <c>UNHEALTHY</c> or <c>UNKNOWN</c>.</summary>
    public string? HealthStatus { get; init; }

    public string? Cpu { get; init; }

    public string? Memory { get; init; }

    public string? MemoryReservation { get; init; }
}

public sealed record ContainerOverride
{
    public string? Name { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyList<NameValuePair>? Environment { get; init; }

    public IReadOnlyList<EnvironmentFile>? EnvironmentFiles { get; init; }

    public int? Cpu { get; init; }

    public int? Memory { get; init; }

    public int? MemoryReservation { get; init; }

    public IReadOnlyList<ResourceRequirement>? ResourceRequirements { get; init; }
}

public sealed record TaskOverride
{
    public IReadOnlyList<ContainerOverride>? ContainerOverrides { get; init; }

    public string? Cpu { get; init; }

    public string? ExecutionRoleArn { get; init; }

    public string? Memory { get; init; }

    public string? TaskRoleArn { get; init; }

    public EphemeralStorage? EphemeralStorage { get; init; }
}

/// <summary>The model's <c>Task</c> shape.</summary>
public sealed record EcsTask
{
    public IReadOnlyList<Attachment>? Attachments { get; init; }

    public string? AvailabilityZone { get; init; }

    public string? CapacityProviderName { get; init; }

    public string? ClusterArn { get; init; }

    public string? Connectivity { get; init; }

    public string? ContainerInstanceArn { get; init; }

    public IReadOnlyList<Container>? Containers { get; init; }

    public string? Cpu { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public string? DesiredStatus { get; init; }

    public bool? EnableExecuteCommand { get; init; }

    public DateTimeOffset? ExecutionStoppedAt { get; init; }

    /// <summary>E.g. <c>service:web</c> for tasks a service started.</summary>
    public string? Group { get; init; }

    public string? HealthStatus { get; init; }

    public string? LastStatus { get; init; }

    public string? LaunchType { get; init; }

    public string? Memory { get; init; }

    public TaskOverride? Overrides { get; init; }

    public string? PlatformVersion { get; init; }

    public string? PlatformFamily { get; init; }

    public DateTimeOffset? PullStartedAt { get; init; }

    public DateTimeOffset? PullStoppedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public string? StartedBy { get; init; }

    /// <summary>E.g. <c>TaskFailedToStart</c> or <c>EssentialContainerExited</c>.</summary>
    public string? StopCode { get; init; }

    public DateTimeOffset? StoppedAt { get; init; }

    public string? StoppedReason { get; init; }

    public DateTimeOffset? StoppingAt { get; init; }

    public IReadOnlyList<EcsTag>? Tags { get; init; }

    public string? TaskArn { get; init; }

    public string? TaskDefinitionArn { get; init; }

    public long? Version { get; init; }

    public EphemeralStorage? EphemeralStorage { get; init; }
}

public sealed record DescribeTasksResponse(IReadOnlyList<EcsTask>? Tasks, IReadOnlyList<Failure>? Failures);

public sealed record RunTaskRequest
{
    public IReadOnlyList<CapacityProviderStrategyItem>? CapacityProviderStrategy { get; init; }

    public string? Cluster { get; init; }

    public int? Count { get; init; }

    [JsonPropertyName("enableECSManagedTags")]
    public bool? EnableEcsManagedTags { get; init; }

    public bool? EnableExecuteCommand { get; init; }

    public string? Group { get; init; }

    public string? LaunchType { get; init; }

    public NetworkConfiguration? NetworkConfiguration { get; init; }

    public TaskOverride? Overrides { get; init; }

    public IReadOnlyList<PlacementConstraint>? PlacementConstraints { get; init; }

    public IReadOnlyList<PlacementStrategy>? PlacementStrategy { get; init; }

    public string? PlatformVersion { get; init; }

    public string? PropagateTags { get; init; }

    public string? ReferenceId { get; init; }

    public string? StartedBy { get; init; }

    public IReadOnlyList<EcsTag>? Tags { get; init; }

    public required string TaskDefinition { get; init; }

    public string? ClientToken { get; init; }
}

public sealed record RunTaskResponse(IReadOnlyList<EcsTask>? Tasks, IReadOnlyList<Failure>? Failures);

public sealed record StopTaskRequest
{
    public string? Cluster { get; init; }

    public required string Task { get; init; }

    public string? Reason { get; init; }
}

public sealed record StopTaskResponse(EcsTask? Task);

public sealed record TagResourceRequest(string ResourceArn, IReadOnlyList<EcsTag> Tags);
