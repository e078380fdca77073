using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Deploy.Aws.Logs;

// Shapes follow botocore's logs/2014-03-28 model. Times are epoch milliseconds on the wire (longs);
// the *At helpers convert them.

internal static class EpochMilliseconds
{
    public static DateTimeOffset? ToTime(long? milliseconds) =>
        milliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}

public sealed record CreateLogGroupRequest
{
    public required string LogGroupName { get; init; }

    public string? KmsKeyId { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary><c>STANDARD</c> or <c>INFREQUENT_ACCESS</c>.</summary>
    public string? LogGroupClass { get; init; }
}

public sealed record DeleteLogGroupRequest(string LogGroupName);

public sealed record DescribeLogGroupsRequest
{
    public string? LogGroupNamePrefix { get; init; }

    public string? LogGroupNamePattern { get; init; }

    public string? NextToken { get; init; }

    public int? Limit { get; init; }

    public string? LogGroupClass { get; init; }
}

public sealed record LogGroup
{
    public string? LogGroupName { get; init; }

    public long? CreationTime { get; init; }

    public int? RetentionInDays { get; init; }

    public int? MetricFilterCount { get; init; }

    public string? Arn { get; init; }

    public string? LogGroupArn { get; init; }

    public long? StoredBytes { get; init; }

    public string? KmsKeyId { get; init; }

    public string? LogGroupClass { get; init; }

    [JsonIgnore]
    public DateTimeOffset? CreatedAt => EpochMilliseconds.ToTime(CreationTime);
}

public sealed record DescribeLogGroupsResponse(IReadOnlyList<LogGroup>? LogGroups, string? NextToken);

/// <param name="LogGroupName">The group.</param>
/// <param name="RetentionInDays">One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.</param>
public sealed record PutRetentionPolicyRequest(string LogGroupName, int RetentionInDays);

public sealed record DescribeLogStreamsRequest
{
    public string? LogGroupName { get; init; }

    public string? LogGroupIdentifier { get; init; }

    public string? LogStreamNamePrefix { get; init; }

    /// <summary><c>LogStreamName</c> or <c>LastEventTime</c>.</summary>
    public string? OrderBy { get; init; }

    public bool? Descending { get; init; }

    public string? NextToken { get; init; }

    public int? Limit { get; init; }
}

[SuppressMessage("Naming", "CA1711", Justification = "The botocore shape name.")]
public sealed record LogStream
{
    public string? LogStreamName { get; init; }

    public long? CreationTime { get; init; }

    public long? FirstEventTimestamp { get; init; }

    public long? LastEventTimestamp { get; init; }

    public long? LastIngestionTime { get; init; }

    public string? Arn { get; init; }

    [JsonIgnore]
    public DateTimeOffset? LastEventAt => EpochMilliseconds.ToTime(LastEventTimestamp);
}

public sealed record DescribeLogStreamsResponse(IReadOnlyList<LogStream>? LogStreams, string? NextToken);

public sealed record GetLogEventsRequest
{
    public string? LogGroupName { get; init; }

    public string? LogGroupIdentifier { get; init; }

    public required string LogStreamName { get; init; }

    public long? StartTime { get; init; }

    public long? EndTime { get; init; }

    public string? NextToken { get; init; }

    public int? Limit { get; init; }

    /// <summary>True to read oldest first; the service default is newest last page first.</summary>
    public bool? StartFromHead { get; init; }
}

public sealed record OutputLogEvent(long? Timestamp, string? Message, long? IngestionTime)
{
    [JsonIgnore]
    public DateTimeOffset? At => EpochMilliseconds.ToTime(Timestamp);
}

public sealed record GetLogEventsResponse(IReadOnlyList<OutputLogEvent>? Events, string? NextForwardToken, string? NextBackwardToken);

public sealed record FilterLogEventsRequest
{
    public string? LogGroupName { get; init; }

    public string? LogGroupIdentifier { get; init; }

    public IReadOnlyList<string>? LogStreamNames { get; init; }

    public string? LogStreamNamePrefix { get; init; }

    public long? StartTime { get; init; }

    public long? EndTime { get; init; }

    public string? FilterPattern { get; init; }

    public string? NextToken { get; init; }

    public int? Limit { get; init; }
}

public sealed record FilteredLogEvent(string? LogStreamName, long? Timestamp, string? Message, long? IngestionTime, string? EventId)
{
    [JsonIgnore]
    public DateTimeOffset? At => EpochMilliseconds.ToTime(Timestamp);
}

[SuppressMessage("Naming", "CA1711", Justification = "The botocore shape name.")]
public sealed record SearchedLogStream(string? LogStreamName, bool? SearchedCompletely);

public sealed record FilterLogEventsResponse(IReadOnlyList<FilteredLogEvent>? Events, IReadOnlyList<SearchedLogStream>? SearchedLogStreams, string? NextToken);
