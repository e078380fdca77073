namespace Deploy.LocalCloud.CloudFormation.Drift;

/// <summary>One DetectStackDrift run: its progress, and once complete, each checked resource's result.</summary>
internal sealed class DriftDetectionRecord
{
    public required string DetectionId { get; set; }

    public required string StackId { get; set; }

    /// <summary>DETECTION_IN_PROGRESS, DETECTION_COMPLETE or DETECTION_FAILED.</summary>
    public string DetectionStatus { get; set; } = "DETECTION_IN_PROGRESS";

    public string? DetectionStatusReason { get; set; }

    /// <summary>DRIFTED, IN_SYNC or UNKNOWN once the detection has finished.</summary>
    public string? StackDriftStatus { get; set; }

    public int? DriftedCount { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    public List<ResourceDriftRecord> Resources { get; set; } = [];
}

/// <summary>The drift of one resource as the detection found it (DescribeStackResourceDrifts' <c>StackResourceDrift</c>).</summary>
internal sealed record ResourceDriftRecord(
    string LogicalId,
    string? PhysicalId,
    string ResourceType,
    string Status,
    string? ExpectedProperties,
    string? ActualProperties,
    List<PropertyDifferenceRecord> Differences,
    string? Reason,
    DateTimeOffset Timestamp);

/// <summary>A property whose actual value differs from the template's (<c>PropertyDifference</c>).</summary>
internal sealed record PropertyDifferenceRecord(string PropertyPath, string ExpectedValue, string ActualValue, string DifferenceType);

/// <summary>The drift statuses AWS uses.</summary>
internal static class DriftStatus
{
    public const string NotChecked = "NOT_CHECKED";
    public const string InSync = "IN_SYNC";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Unknown = "UNKNOWN";
    public const string Drifted = "DRIFTED";
    public const string InProgress = "DETECTION_IN_PROGRESS";
    public const string Complete = "DETECTION_COMPLETE";
    public const string Failed = "DETECTION_FAILED";
}
