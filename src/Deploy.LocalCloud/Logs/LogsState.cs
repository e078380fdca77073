using System.Text.Json.Serialization;

namespace Deploy.LocalCloud.Logs;

/// <summary>
/// Persisted CloudWatch Logs state: groups → streams in <c>logs.json</c>, each stream's events in its own appended file
/// (<see cref="LogEventFiles"/>). Times in epoch milliseconds, as on the wire.
/// </summary>
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

    /// <summary>Kept sorted by timestamp (then arrival), so reads can page by index. Stored in the stream's own file.</summary>
    [JsonIgnore]
    public List<LogEventRecord> Events { get; set; } = [];

    /// <summary>Events an older logs.json held inline; read once, then moved to the stream's file.</summary>
    [JsonPropertyName("events")]
    public List<LogEventRecord>? LegacyEvents { get; set; }

    /// <summary>Events added since the last save, to be appended to the stream's file.</summary>
    [JsonIgnore]
    public List<LogEventRecord> Unsaved { get; } = [];

    /// <summary>Events left the stream (retention): its file is rewritten at the next save.</summary>
    [JsonIgnore]
    public bool NeedsRewrite { get; set; }
}

internal sealed record LogEventRecord(long Timestamp, string Message, long IngestionTime, long EventId);
