using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation.Drift;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>Persisted CloudFormation state: stacks (deleted ones stay, as AWS shows them by id) and change sets.</summary>
internal sealed class CloudFormationState
{
    public List<StackRecord> Stacks { get; set; } = [];

    public List<ChangeSetRecord> ChangeSets { get; set; } = [];

    /// <summary>DetectStackDrift runs, newest last (a few per stack are kept).</summary>
    public List<DriftDetectionRecord> DriftDetections { get; set; } = [];
}

internal sealed class StackRecord
{
    public required string StackId { get; set; }

    public required string StackName { get; set; }

    public required string Status { get; set; }

    public string? StatusReason { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset CreationTime { get; set; }

    public DateTimeOffset? LastUpdatedTime { get; set; }

    public DateTimeOffset? DeletionTime { get; set; }

    public bool DisableRollback { get; set; }

    public string? ChangeSetId { get; set; }

    /// <summary>The template body last applied successfully (what GetTemplate returns); null in REVIEW_IN_PROGRESS.</summary>
    public string? TemplateBody { get; set; }

    public Dictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);

    public List<string> Capabilities { get; set; } = [];

    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public List<StackOutputRecord> Outputs { get; set; } = [];

    public Dictionary<string, StackResourceRecord> Resources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Newest last (the API returns them newest first).</summary>
    public List<StackEventRecord> Events { get; set; } = [];

    /// <summary>NOT_CHECKED until a drift detection completes, then its DRIFTED / IN_SYNC / UNKNOWN.</summary>
    public string DriftStatus { get; set; } = Drift.DriftStatus.NotChecked;

    public DateTimeOffset? DriftCheckedAt { get; set; }

    public bool IsDeleted => Status == StackStatus.DeleteComplete;

    public bool IsBusy => Status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal) && Status != StackStatus.ReviewInProgress;
}

internal sealed class StackResourceRecord
{
    public required string LogicalId { get; set; }

    public required string Type { get; set; }

    public string? PhysicalId { get; set; }

    public required string Status { get; set; }

    public string? StatusReason { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    /// <summary>The resolved properties last applied.</summary>
    public JsonObject Properties { get; set; } = [];

    public Dictionary<string, JsonNode?> Attributes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>NOT_CHECKED until a drift detection checks it.</summary>
    public string DriftStatus { get; set; } = Drift.DriftStatus.NotChecked;

    public DateTimeOffset? DriftCheckedAt { get; set; }

    public ProvisionedResource? Provisioned => PhysicalId is null ? null : new ProvisionedResource(PhysicalId, Attributes);
}

internal sealed record StackOutputRecord(string OutputKey, string OutputValue, string? Description, string? ExportName);

internal sealed record StackEventRecord(
    string EventId,
    string LogicalResourceId,
    string? PhysicalResourceId,
    string ResourceType,
    DateTimeOffset Timestamp,
    string ResourceStatus,
    string? ResourceStatusReason,
    string? ResourceProperties);

internal sealed class ChangeSetRecord
{
    public required string ChangeSetId { get; set; }

    public required string ChangeSetName { get; set; }

    public required string StackId { get; set; }

    public required string StackName { get; set; }

    public required string ChangeSetType { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset CreationTime { get; set; }

    public string Status { get; set; } = "CREATE_PENDING";

    public string? StatusReason { get; set; }

    public string ExecutionStatus { get; set; } = "UNAVAILABLE";

    public required string TemplateBody { get; set; }

    public Dictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);

    public List<string> Capabilities { get; set; } = [];

    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public List<ResourceChangeRecord> Changes { get; set; } = [];
}

internal sealed record ResourceChangeRecord(
    string Action,
    string LogicalResourceId,
    string? PhysicalResourceId,
    string ResourceType,
    string? Replacement,
    List<string> Scope,
    List<ResourceChangeDetailRecord> Details);

internal sealed record ResourceChangeDetailRecord(
    string Attribute,
    string? Name,
    string RequiresRecreation,
    string Evaluation,
    string ChangeSource,
    string? CausingEntity);

internal static class StackStatus
{
    public const string CreateInProgress = "CREATE_IN_PROGRESS";
    public const string CreateFailed = "CREATE_FAILED";
    public const string CreateComplete = "CREATE_COMPLETE";
    public const string RollbackInProgress = "ROLLBACK_IN_PROGRESS";
    public const string RollbackFailed = "ROLLBACK_FAILED";
    public const string RollbackComplete = "ROLLBACK_COMPLETE";
    public const string DeleteInProgress = "DELETE_IN_PROGRESS";
    public const string DeleteFailed = "DELETE_FAILED";
    public const string DeleteComplete = "DELETE_COMPLETE";
    public const string DeleteSkipped = "DELETE_SKIPPED";
    public const string UpdateInProgress = "UPDATE_IN_PROGRESS";
    public const string UpdateCompleteCleanupInProgress = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS";
    public const string UpdateComplete = "UPDATE_COMPLETE";
    public const string UpdateFailed = "UPDATE_FAILED";
    public const string UpdateRollbackInProgress = "UPDATE_ROLLBACK_IN_PROGRESS";
    public const string UpdateRollbackFailed = "UPDATE_ROLLBACK_FAILED";
    public const string UpdateRollbackCompleteCleanupInProgress = "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS";
    public const string UpdateRollbackComplete = "UPDATE_ROLLBACK_COMPLETE";
    public const string ReviewInProgress = "REVIEW_IN_PROGRESS";
    public const string StackResourceType = "AWS::CloudFormation::Stack";

    /// <summary>States from which a stack may be updated.</summary>
    public static readonly HashSet<string> Updatable = new(StringComparer.Ordinal)
    {
        CreateComplete, UpdateComplete, UpdateRollbackComplete,
    };
}
