namespace Deploy.Aws.CloudFormation;

// Drift detection (DetectStackDrift, DescribeStackDriftDetectionStatus, DescribeStackResourceDrifts) and ListChangeSets shapes.

public sealed record DetectStackDriftRequest
{
    public required string StackName { get; init; }

    /// <summary>Only these resources; all of the stack's when null.</summary>
    public IReadOnlyList<string>? LogicalResourceIds { get; init; }
}

public sealed record DetectStackDriftResponse(string? StackDriftDetectionId);

public sealed record DescribeStackDriftDetectionStatusResponse
{
    public string? StackId { get; init; }

    public string? StackDriftDetectionId { get; init; }

    /// <summary><c>DRIFTED</c>, <c>IN_SYNC</c>, <c>UNKNOWN</c> or <c>NOT_CHECKED</c>.</summary>
    public string? StackDriftStatus { get; init; }

    /// <summary><c>DETECTION_IN_PROGRESS</c>, <c>DETECTION_FAILED</c> or <c>DETECTION_COMPLETE</c>.</summary>
    public string? DetectionStatus { get; init; }

    public string? DetectionStatusReason { get; init; }

    public int? DriftedStackResourceCount { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}

public sealed record DescribeStackResourceDriftsRequest
{
    public required string StackName { get; init; }

    /// <summary>Any of <c>IN_SYNC</c>, <c>MODIFIED</c>, <c>DELETED</c>, <c>NOT_CHECKED</c> (one to four).</summary>
    public IReadOnlyList<string>? StackResourceDriftStatusFilters { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }
}

public sealed record DescribeStackResourceDriftsResponse(IReadOnlyList<StackResourceDrift> StackResourceDrifts, string? NextToken);

public sealed record PhysicalResourceIdContextKeyValuePair(string? Key, string? Value);

/// <summary>A property whose actual value differs from the template's; <c>DifferenceType</c> is <c>ADD</c>, <c>REMOVE</c> or <c>NOT_EQUAL</c>.</summary>
public sealed record PropertyDifference(string? PropertyPath, string? ExpectedValue, string? ActualValue, string? DifferenceType);

public sealed record StackResourceDrift
{
    public string? StackId { get; init; }

    public string? LogicalResourceId { get; init; }

    public string? PhysicalResourceId { get; init; }

    public IReadOnlyList<PhysicalResourceIdContextKeyValuePair>? PhysicalResourceIdContext { get; init; }

    public string? ResourceType { get; init; }

    /// <summary>The template's properties as JSON text.</summary>
    public string? ExpectedProperties { get; init; }

    /// <summary>The resource's properties as JSON text (absent when it was deleted).</summary>
    public string? ActualProperties { get; init; }

    public IReadOnlyList<PropertyDifference>? PropertyDifferences { get; init; }

    /// <summary><c>IN_SYNC</c>, <c>MODIFIED</c>, <c>DELETED</c>, <c>NOT_CHECKED</c>, <c>UNKNOWN</c> or <c>UNSUPPORTED</c>.</summary>
    public string? StackResourceDriftStatus { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public ModuleInfo? ModuleInfo { get; init; }

    public string? DriftStatusReason { get; init; }
}

/// <summary>The drift statuses the client's callers branch on.</summary>
public static class DriftStatuses
{
    public const string Deleted = "DELETED";
    public const string Modified = "MODIFIED";
    public const string InSync = "IN_SYNC";
    public const string DetectionInProgress = "DETECTION_IN_PROGRESS";
    public const string DetectionComplete = "DETECTION_COMPLETE";
    public const string DetectionFailed = "DETECTION_FAILED";
}

/// <summary>One change set of a stack as ListChangeSets summarises it.</summary>
public sealed record ChangeSetSummary
{
    public string? StackId { get; init; }

    public string? StackName { get; init; }

    public string? ChangeSetId { get; init; }

    public string? ChangeSetName { get; init; }

    public string? ExecutionStatus { get; init; }

    public string? Status { get; init; }

    public string? StatusReason { get; init; }

    public DateTimeOffset? CreationTime { get; init; }

    public string? Description { get; init; }

    public bool? IncludeNestedStacks { get; init; }

    public string? ParentChangeSetId { get; init; }

    public string? RootChangeSetId { get; init; }

    public bool? ImportExistingResources { get; init; }
}

public sealed record ListChangeSetsResponse(IReadOnlyList<ChangeSetSummary> Summaries, string? NextToken);
