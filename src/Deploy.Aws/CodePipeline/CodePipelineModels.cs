using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deploy.Aws.CodePipeline;

// Shapes follow botocore's codepipeline/2015-07-09 model. Declarations are read by GetPipeline and sent back
// by UpdatePipeline, so they keep members this library does not name (conditions, triggers, ...) in
// AdditionalMembers instead of dropping them.

public sealed record PipelineTag(string Key, string Value);

public sealed record EncryptionKey(string Id, string Type);

/// <param name="Type">Always <c>S3</c>.</param>
/// <param name="Location">The artifact bucket.</param>
/// <param name="EncryptionKey">A KMS key; the AWS managed key when null.</param>
public sealed record ArtifactStore(string Type, string Location, EncryptionKey? EncryptionKey = null);

/// <param name="Category"><c>Source</c>, <c>Build</c>, <c>Deploy</c>, <c>Test</c>, <c>Invoke</c>, <c>Approval</c> or <c>Compute</c>.</param>
/// <param name="Owner"><c>AWS</c>, <c>ThirdParty</c> or <c>Custom</c>.</param>
/// <param name="Provider">E.g. <c>CodeCommit</c>, <c>CodeBuild</c>, <c>ECS</c>.</param>
/// <param name="Version">Usually <c>1</c>.</param>
public sealed record ActionTypeId(string Category, string Owner, string Provider, string Version);

public sealed record OutputArtifact(string Name, IReadOnlyList<string>? Files = null);

public sealed record InputArtifact(string Name);

public sealed record PipelineEnvironmentVariable(string Name, string Value, string? Type = null);

public sealed record ActionDeclaration
{
    public string? Name { get; init; }

    public ActionTypeId? ActionTypeId { get; init; }

    public int? RunOrder { get; init; }

    /// <summary>Provider settings, e.g. for ECS: <c>ClusterName</c>, <c>ServiceName</c>, <c>FileName</c>.</summary>
    public IReadOnlyDictionary<string, string>? Configuration { get; init; }

    public IReadOnlyList<string>? Commands { get; init; }

    public IReadOnlyList<OutputArtifact>? OutputArtifacts { get; init; }

    public IReadOnlyList<InputArtifact>? InputArtifacts { get; init; }

    public IReadOnlyList<string>? OutputVariables { get; init; }

    public string? RoleArn { get; init; }

    public string? Region { get; init; }

    public string? Namespace { get; init; }

    public int? TimeoutInMinutes { get; init; }

    public IReadOnlyList<PipelineEnvironmentVariable>? EnvironmentVariables { get; init; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalMembers { get; init; }
}

public sealed record BlockerDeclaration(string Name, string Type);

public sealed record StageDeclaration
{
    public string? Name { get; init; }

    public IReadOnlyList<BlockerDeclaration>? Blockers { get; init; }

    public IReadOnlyList<ActionDeclaration>? Actions { get; init; }

    /// <summary>onFailure / onSuccess / beforeEntry conditions, passed through.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalMembers { get; init; }
}

public sealed record PipelineVariableDeclaration(string Name, string? DefaultValue = null, string? Description = null);

public sealed record PipelineDeclaration
{
    public string? Name { get; init; }

    public string? RoleArn { get; init; }

    public ArtifactStore? ArtifactStore { get; init; }

    /// <summary>Per-region stores for cross-region actions (instead of <see cref="ArtifactStore"/>).</summary>
    public IReadOnlyDictionary<string, ArtifactStore>? ArtifactStores { get; init; }

    public IReadOnlyList<StageDeclaration>? Stages { get; init; }

    /// <summary>Set by the service; UpdatePipeline expects the version it returned.</summary>
    public int? Version { get; init; }

    /// <summary><c>QUEUED</c>, <c>SUPERSEDED</c> or <c>PARALLEL</c>.</summary>
    public string? ExecutionMode { get; init; }

    /// <summary><c>V1</c> or <c>V2</c>.</summary>
    public string? PipelineType { get; init; }

    public IReadOnlyList<PipelineVariableDeclaration>? Variables { get; init; }

    /// <summary>Triggers and newer members, passed through.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalMembers { get; init; }
}

public sealed record CreatePipelineRequest(PipelineDeclaration Pipeline, IReadOnlyList<PipelineTag>? Tags = null);

public sealed record CreatePipelineResponse(PipelineDeclaration? Pipeline, IReadOnlyList<PipelineTag>? Tags);

public sealed record UpdatePipelineRequest(PipelineDeclaration Pipeline);

public sealed record UpdatePipelineResponse(PipelineDeclaration? Pipeline);

public sealed record GetPipelineRequest(string Name, int? Version = null);

public sealed record PipelineMetadata(string? PipelineArn, DateTimeOffset? Created, DateTimeOffset? Updated, DateTimeOffset? PollingDisabledAt);

public sealed record GetPipelineResponse(PipelineDeclaration? Pipeline, PipelineMetadata? Metadata);

public sealed record GetPipelineStateRequest(string Name);

/// <param name="PipelineExecutionId">The pipeline execution that runs or ran the stage.</param>
/// <param name="Status"><c>InProgress</c>, <c>Succeeded</c>, <c>Failed</c>, <c>Stopped</c>, <c>Stopping</c>, <c>Cancelled</c> or <c>Skipped</c>.</param>
/// <param name="Type"><c>STANDARD</c> or <c>ROLLBACK</c>.</param>
public sealed record StageExecution(string? PipelineExecutionId, string? Status, string? Type = null);

public sealed record TransitionState(bool? Enabled, string? LastChangedBy, DateTimeOffset? LastChangedAt, string? DisabledReason);

public sealed record ActionRevision(string? RevisionId, string? RevisionChangeId, DateTimeOffset? Created);

public sealed record ErrorDetails(string? Code, string? Message);

public sealed record ActionExecution
{
    public string? ActionExecutionId { get; init; }

    /// <summary><c>InProgress</c>, <c>Abandoned</c>, <c>Succeeded</c> or <c>Failed</c>.</summary>
    public string? Status { get; init; }

    public string? Summary { get; init; }

    public DateTimeOffset? LastStatusChange { get; init; }

    public string? LastUpdatedBy { get; init; }

    public string? ExternalExecutionId { get; init; }

    public string? ExternalExecutionUrl { get; init; }

    public int? PercentComplete { get; init; }

    /// <summary>Why the action failed.</summary>
    public ErrorDetails? ErrorDetails { get; init; }
}

public sealed record ActionState
{
    public string? ActionName { get; init; }

    public ActionRevision? CurrentRevision { get; init; }

    public ActionExecution? LatestExecution { get; init; }

    public string? EntityUrl { get; init; }

    public string? RevisionUrl { get; init; }
}

public sealed record StageState
{
    public string? StageName { get; init; }

    public StageExecution? InboundExecution { get; init; }

    public TransitionState? InboundTransitionState { get; init; }

    public IReadOnlyList<ActionState>? ActionStates { get; init; }

    public StageExecution? LatestExecution { get; init; }
}

public sealed record GetPipelineStateResponse
{
    public string? PipelineName { get; init; }

    public int? PipelineVersion { get; init; }

    public IReadOnlyList<StageState>? StageStates { get; init; }

    public DateTimeOffset? Created { get; init; }

    public DateTimeOffset? Updated { get; init; }
}

public sealed record PipelineVariable(string Name, string Value);

/// <param name="ActionName">The source action whose revision is overridden.</param>
/// <param name="RevisionValue">The commit id, image digest or S3 version.</param>
/// <param name="RevisionType"><c>COMMIT_ID</c>, <c>IMAGE_DIGEST</c>, <c>S3_OBJECT_VERSION_ID</c> or <c>S3_OBJECT_KEY</c>.</param>
public sealed record SourceRevisionOverride(string ActionName, string RevisionType, string RevisionValue);

public sealed record StartPipelineExecutionRequest
{
    public required string Name { get; init; }

    public IReadOnlyList<PipelineVariable>? Variables { get; init; }

    public string? ClientRequestToken { get; init; }

    public IReadOnlyList<SourceRevisionOverride>? SourceRevisions { get; init; }
}

public sealed record StartPipelineExecutionResponse(string? PipelineExecutionId);

public sealed record GetPipelineExecutionRequest(string PipelineName, string PipelineExecutionId);

/// <param name="PipelineName">The pipeline.</param>
/// <param name="StageName">The stage to run again.</param>
/// <param name="PipelineExecutionId">The execution whose stage failed (it keeps its id).</param>
/// <param name="RetryMode"><c>FAILED_ACTIONS</c> or <c>ALL_ACTIONS</c>.</param>
public sealed record RetryStageExecutionRequest(string PipelineName, string StageName, string PipelineExecutionId, string RetryMode);

public sealed record RetryStageExecutionResponse(string? PipelineExecutionId);

public sealed record ArtifactRevision
{
    public string? Name { get; init; }

    public string? RevisionId { get; init; }

    public string? RevisionChangeIdentifier { get; init; }

    public string? RevisionSummary { get; init; }

    public DateTimeOffset? Created { get; init; }

    public string? RevisionUrl { get; init; }
}

public sealed record ResolvedPipelineVariable(string? Name, string? ResolvedValue);

public sealed record ExecutionTrigger(string? TriggerType, string? TriggerDetail);

public sealed record PipelineExecution
{
    public string? PipelineName { get; init; }

    public int? PipelineVersion { get; init; }

    public string? PipelineExecutionId { get; init; }

    /// <summary><c>InProgress</c>, <c>Succeeded</c>, <c>Failed</c>, <c>Stopped</c>, <c>Stopping</c>, <c>Superseded</c> or <c>Cancelled</c>.</summary>
    public string? Status { get; init; }

    public string? StatusSummary { get; init; }

    public IReadOnlyList<ArtifactRevision>? ArtifactRevisions { get; init; }

    public IReadOnlyList<ResolvedPipelineVariable>? Variables { get; init; }

    public ExecutionTrigger? Trigger { get; init; }

    public string? ExecutionMode { get; init; }

    public string? ExecutionType { get; init; }
}

public sealed record GetPipelineExecutionResponse(PipelineExecution? PipelineExecution);

public sealed record SucceededInStageFilter(string? StageName);

public sealed record PipelineExecutionFilter(SucceededInStageFilter? SucceededInStage);

public sealed record ListPipelineExecutionsRequest
{
    public required string PipelineName { get; init; }

    public int? MaxResults { get; init; }

    public PipelineExecutionFilter? Filter { get; init; }

    public string? NextToken { get; init; }
}

public sealed record SourceRevision(string? ActionName, string? RevisionId, string? RevisionSummary, string? RevisionUrl);

public sealed record StopExecutionTrigger(string? Reason);

public sealed record PipelineExecutionSummary
{
    public string? PipelineExecutionId { get; init; }

    public string? Status { get; init; }

    public string? StatusSummary { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? LastUpdateTime { get; init; }

    public IReadOnlyList<SourceRevision>? SourceRevisions { get; init; }

    public ExecutionTrigger? Trigger { get; init; }

    public StopExecutionTrigger? StopTrigger { get; init; }

    public string? ExecutionMode { get; init; }
}

public sealed record ListPipelineExecutionsResponse(IReadOnlyList<PipelineExecutionSummary>? PipelineExecutionSummaries, string? NextToken);

/// <param name="PipelineExecutionId">The execution whose action executions are listed.</param>
/// <param name="StartTimeRange"><c>Latest</c> or <c>All</c>.</param>
public sealed record LatestInPipelineExecutionFilter(string PipelineExecutionId, string StartTimeRange);

/// <param name="PipelineExecutionId">Only the action executions of this pipeline execution.</param>
/// <param name="LatestInPipelineExecution">Only the latest action executions of a pipeline execution.</param>
public sealed record ActionExecutionFilter(string? PipelineExecutionId = null, LatestInPipelineExecutionFilter? LatestInPipelineExecution = null);

public sealed record ListActionExecutionsRequest
{
    public required string PipelineName { get; init; }

    public ActionExecutionFilter? Filter { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}

/// <param name="Bucket">The artifact bucket.</param>
/// <param name="Key">The artifact's object key.</param>
public sealed record ArtifactS3Location(string? Bucket, string? Key);

public sealed record ArtifactDetail
{
    public string? Name { get; init; }

    [JsonPropertyName("s3location")]
    public ArtifactS3Location? S3Location { get; init; }
}

public sealed record ActionExecutionInput
{
    public ActionTypeId? ActionTypeId { get; init; }

    /// <summary>The action's configuration as declared (e.g. ECS: <c>ClusterName</c>, <c>ServiceName</c>).</summary>
    public IReadOnlyDictionary<string, string>? Configuration { get; init; }

    /// <summary>The configuration with variables resolved.</summary>
    public IReadOnlyDictionary<string, string>? ResolvedConfiguration { get; init; }

    public string? RoleArn { get; init; }

    public string? Region { get; init; }

    public IReadOnlyList<ArtifactDetail>? InputArtifacts { get; init; }

    public string? Namespace { get; init; }
}

public sealed record ActionExecutionResult
{
    /// <summary>The provider's id of the run: for CodeBuild the build id, for CodeCommit the commit.</summary>
    public string? ExternalExecutionId { get; init; }

    public string? ExternalExecutionSummary { get; init; }

    public string? ExternalExecutionUrl { get; init; }

    /// <summary>Why the action failed.</summary>
    public ErrorDetails? ErrorDetails { get; init; }

    [JsonPropertyName("logStreamARN")]
    public string? LogStreamArn { get; init; }
}

public sealed record ActionExecutionOutput
{
    public IReadOnlyList<ArtifactDetail>? OutputArtifacts { get; init; }

    public ActionExecutionResult? ExecutionResult { get; init; }

    public IReadOnlyDictionary<string, string>? OutputVariables { get; init; }
}

public sealed record ActionExecutionDetail
{
    public string? PipelineExecutionId { get; init; }

    public string? ActionExecutionId { get; init; }

    public int? PipelineVersion { get; init; }

    public string? StageName { get; init; }

    public string? ActionName { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? LastUpdateTime { get; init; }

    public string? UpdatedBy { get; init; }

    /// <summary><c>InProgress</c>, <c>Abandoned</c>, <c>Succeeded</c> or <c>Failed</c>.</summary>
    public string? Status { get; init; }

    public ActionExecutionInput? Input { get; init; }

    public ActionExecutionOutput? Output { get; init; }
}

public sealed record ListActionExecutionsResponse(IReadOnlyList<ActionExecutionDetail>? ActionExecutionDetails, string? NextToken);
