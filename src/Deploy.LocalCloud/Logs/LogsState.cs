namespace Deploy.LocalCloud.Logs;

/// <summary>Persisted CloudWatch Logs state: groups → streams → events (times in epoch milliseconds, as on the wire).</summary>
internal sealed class LogsState
{
    public Dictionary<string, LogGroupRecord> Groups { get; set; } = new(StringComparer.Ordinal);

    public long LastEventId { get; set; }
}

internal sealed class LogGroupRecord
{
    public long CreationTime { get; set; }

    public int? RetentionInDays { get; set; }

    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, LogStreamRecord> Streams { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class LogStreamRecord
{
    public long CreationTime { get; set; }

    public long? LastIngestionTime { get; set; }

    /// <summary>Kept sorted by timestamp (then arrival), so reads can page by index.</summary>
    public List<LogEventRecord> Events { get; set; } = [];
}

internal sealed record LogEventRecord(long Timestamp, string Message, long IngestionTime, long EventId);
