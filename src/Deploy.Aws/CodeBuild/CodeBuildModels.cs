namespace Deploy.Aws.CodeBuild;

// Shapes follow botocore's codebuild/2016-10-06 model.

public sealed record CodeBuildTag(string Key, string Value);

public sealed record GitSubmodulesConfig(bool FetchSubmodules);

public sealed record SourceAuth(string Type, string? Resource = null);

public sealed record ProjectSource
{
    /// <summary><c>CODECOMMIT</c>, <c>CODEPIPELINE</c>, <c>GITHUB</c>, <c>GITLAB</c>, <c>S3</c>, <c>NO_SOURCE</c>, ...</summary>
    public required string Type { get; init; }

    public string? Location { get; init; }

    public int? GitCloneDepth { get; init; }

    public GitSubmodulesConfig? GitSubmodulesConfig { get; init; }

    /// <summary>A buildspec file path or inline YAML.</summary>
    public string? Buildspec { get; init; }

    public SourceAuth? Auth { get; init; }

    public bool? ReportBuildStatus { get; init; }

    public bool? InsecureSsl { get; init; }

    public string? SourceIdentifier { get; init; }
}

public sealed record ProjectSourceVersion(string SourceIdentifier, string SourceVersion);

public sealed record ProjectArtifacts
{
    /// <summary><c>CODEPIPELINE</c>, <c>S3</c> or <c>NO_ARTIFACTS</c>.</summary>
    public required string Type { get; init; }

    public string? Location { get; init; }

    public string? Path { get; init; }

    public string? NamespaceType { get; init; }

    public string? Name { get; init; }

    public string? Packaging { get; init; }

    public bool? OverrideArtifactName { get; init; }

    public bool? EncryptionDisabled { get; init; }

    public string? ArtifactIdentifier { get; init; }
}

public sealed record ProjectCache
{
    /// <summary><c>NO_CACHE</c>, <c>S3</c> or <c>LOCAL</c>.</summary>
    public required string Type { get; init; }

    public string? Location { get; init; }

    /// <summary>For LOCAL: <c>LOCAL_DOCKER_LAYER_CACHE</c>, <c>LOCAL_SOURCE_CACHE</c>, <c>LOCAL_CUSTOM_CACHE</c>.</summary>
    public IReadOnlyList<string>? Modes { get; init; }
}

/// <param name="Name">The variable name.</param>
/// <param name="Value">The value, or the parameter/secret reference.</param>
/// <param name="Type"><c>PLAINTEXT</c> (default), <c>PARAMETER_STORE</c> or <c>SECRETS_MANAGER</c>.</param>
public sealed record EnvironmentVariable(string Name, string Value, string? Type = null)
{
    // Values of PARAMETER_STORE/SECRETS_MANAGER variables are references, PLAINTEXT ones may be secrets users put there.
    public override string ToString() => $"EnvironmentVariable {{ Name = {Name}, Type = {Type ?? "PLAINTEXT"}, Value = *** }}";
}

public sealed record RegistryCredential(string Credential, string CredentialProvider);

public sealed record ProjectEnvironment
{
    /// <summary>E.g. <c>LINUX_CONTAINER</c> or <c>ARM_CONTAINER</c>.</summary>
    public required string Type { get; init; }

    /// <summary>E.g. <c>aws/codebuild/standard:7.0</c>.</summary>
    public required string Image { get; init; }

    /// <summary>E.g. <c>BUILD_GENERAL1_SMALL</c>.</summary>
    public required string ComputeType { get; init; }

    public IReadOnlyList<EnvironmentVariable>? EnvironmentVariables { get; init; }

    /// <summary>Needed to run Docker inside the build.</summary>
    public bool? PrivilegedMode { get; init; }

    public string? Certificate { get; init; }

    public RegistryCredential? RegistryCredential { get; init; }

    public string? ImagePullCredentialsType { get; init; }
}

public sealed record VpcConfig(string? VpcId = null, IReadOnlyList<string>? Subnets = null, IReadOnlyList<string>? SecurityGroupIds = null);

/// <param name="Status"><c>ENABLED</c> or <c>DISABLED</c>.</param>
/// <param name="GroupName">The log group; CodeBuild picks one when null.</param>
/// <param name="StreamName">The log stream prefix.</param>
public sealed record CloudWatchLogsConfig(string Status, string? GroupName = null, string? StreamName = null);

public sealed record S3LogsConfig(string Status, string? Location = null, bool? EncryptionDisabled = null);

public sealed record LogsConfig(CloudWatchLogsConfig? CloudWatchLogs = null, S3LogsConfig? S3Logs = null);

public sealed record CreateProjectRequest
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public required ProjectSource Source { get; init; }

    public IReadOnlyList<ProjectSource>? SecondarySources { get; init; }

    public string? SourceVersion { get; init; }

    public required ProjectArtifacts Artifacts { get; init; }

    public IReadOnlyList<ProjectArtifacts>? SecondaryArtifacts { get; init; }

    public ProjectCache? Cache { get; init; }

    public required ProjectEnvironment Environment { get; init; }

    public required string ServiceRole { get; init; }

    public int? TimeoutInMinutes { get; init; }

    public int? QueuedTimeoutInMinutes { get; init; }

    public string? EncryptionKey { get; init; }

    public IReadOnlyList<CodeBuildTag>? Tags { get; init; }

    public VpcConfig? VpcConfig { get; init; }

    public bool? BadgeEnabled { get; init; }

    public LogsConfig? LogsConfig { get; init; }

    public int? ConcurrentBuildLimit { get; init; }
}

public sealed record UpdateProjectRequest
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public ProjectSource? Source { get; init; }

    public IReadOnlyList<ProjectSource>? SecondarySources { get; init; }

    public string? SourceVersion { get; init; }

    public ProjectArtifacts? Artifacts { get; init; }

    public IReadOnlyList<ProjectArtifacts>? SecondaryArtifacts { get; init; }

    public ProjectCache? Cache { get; init; }

    public ProjectEnvironment? Environment { get; init; }

    public string? ServiceRole { get; init; }

    public int? TimeoutInMinutes { get; init; }

    public int? QueuedTimeoutInMinutes { get; init; }

    public string? EncryptionKey { get; init; }

    public IReadOnlyList<CodeBuildTag>? Tags { get; init; }

    public VpcConfig? VpcConfig { get; init; }

    public bool? BadgeEnabled { get; init; }

    public LogsConfig? LogsConfig { get; init; }

    public int? ConcurrentBuildLimit { get; init; }
}

public sealed record Project
{
    public string? Name { get; init; }

    public string? Arn { get; init; }

    public string? Description { get; init; }

    public ProjectSource? Source { get; init; }

    public IReadOnlyList<ProjectSource>? SecondarySources { get; init; }

    public string? SourceVersion { get; init; }

    public ProjectArtifacts? Artifacts { get; init; }

    public ProjectCache? Cache { get; init; }

    public ProjectEnvironment? Environment { get; init; }

    public string? ServiceRole { get; init; }

    public int? TimeoutInMinutes { get; init; }

    public int? QueuedTimeoutInMinutes { get; init; }

    public string? EncryptionKey { get; init; }

    public IReadOnlyList<CodeBuildTag>? Tags { get; init; }

    public DateTimeOffset? Created { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    public VpcConfig? VpcConfig { get; init; }

    public LogsConfig? LogsConfig { get; init; }

    public int? ConcurrentBuildLimit { get; init; }
}

public sealed record CreateProjectResponse(Project? Project);

public sealed record UpdateProjectResponse(Project? Project);

public sealed record BatchGetProjectsRequest(IReadOnlyList<string> Names);

public sealed record BatchGetProjectsResponse(IReadOnlyList<Project>? Projects, IReadOnlyList<string>? ProjectsNotFound);

public sealed record StartBuildRequest
{
    public required string ProjectName { get; init; }

    /// <summary>A commit id, branch or tag (CodeCommit: <c>refs/heads/main</c> or a commit id).</summary>
    public string? SourceVersion { get; init; }

    public ProjectArtifacts? ArtifactsOverride { get; init; }

    public IReadOnlyList<EnvironmentVariable>? EnvironmentVariablesOverride { get; init; }

    public string? SourceTypeOverride { get; init; }

    public string? SourceLocationOverride { get; init; }

    public int? GitCloneDepthOverride { get; init; }

    public string? BuildspecOverride { get; init; }

    public string? EnvironmentTypeOverride { get; init; }

    public string? ImageOverride { get; init; }

    public string? ComputeTypeOverride { get; init; }

    public ProjectCache? CacheOverride { get; init; }

    public string? ServiceRoleOverride { get; init; }

    public bool? PrivilegedModeOverride { get; init; }

    public int? TimeoutInMinutesOverride { get; init; }

    public int? QueuedTimeoutInMinutesOverride { get; init; }

    public string? IdempotencyToken { get; init; }

    public LogsConfig? LogsConfigOverride { get; init; }
}

public sealed record PhaseContext(string? StatusCode, string? Message);

public sealed record BuildPhase
{
    /// <summary>E.g. <c>INSTALL</c>, <c>PRE_BUILD</c>, <c>BUILD</c>, <c>POST_BUILD</c>.</summary>
    public string? PhaseType { get; init; }

    public string? PhaseStatus { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    public long? DurationInSeconds { get; init; }

    public IReadOnlyList<PhaseContext>? Contexts { get; init; }
}

public sealed record LogsLocation
{
    public string? GroupName { get; init; }

    public string? StreamName { get; init; }

    public string? DeepLink { get; init; }

    public string? CloudWatchLogsArn { get; init; }
}

public sealed record BuildArtifacts(string? Location = null, string? Sha256sum = null, string? Md5sum = null, string? ArtifactIdentifier = null);

public sealed record ExportedEnvironmentVariable(string? Name, string? Value);

public sealed record Build
{
    public string? Id { get; init; }

    public string? Arn { get; init; }

    public long? BuildNumber { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    public string? CurrentPhase { get; init; }

    /// <summary><c>IN_PROGRESS</c>, <c>SUCCEEDED</c>, <c>FAILED</c>, <c>FAULT</c>, <c>TIMED_OUT</c> or <c>STOPPED</c>.</summary>
    public string? BuildStatus { get; init; }

    public string? SourceVersion { get; init; }

    public string? ResolvedSourceVersion { get; init; }

    public string? ProjectName { get; init; }

    public IReadOnlyList<BuildPhase>? Phases { get; init; }

    public ProjectSource? Source { get; init; }

    public BuildArtifacts? Artifacts { get; init; }

    public ProjectEnvironment? Environment { get; init; }

    public string? ServiceRole { get; init; }

    public LogsLocation? Logs { get; init; }

    public int? TimeoutInMinutes { get; init; }

    public bool? BuildComplete { get; init; }

    public string? Initiator { get; init; }

    public IReadOnlyList<ExportedEnvironmentVariable>? ExportedEnvironmentVariables { get; init; }
}

public sealed record StartBuildResponse(Build? Build);

public sealed record BatchGetBuildsRequest(IReadOnlyList<string> Ids);

public sealed record BatchGetBuildsResponse(IReadOnlyList<Build>? Builds, IReadOnlyList<string>? BuildsNotFound);
