using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Logs;

/// <summary>
/// CloudWatch Logs storage and rules shared by the API and by internal producers (the ECS part appends
/// container output through <see cref="AppendContainerOutput"/>).
/// </summary>
internal sealed class LogsStore
{
    /// <summary>AWS rejects events older than 14 days or more than 2 hours in the future.</summary>
    private static readonly TimeSpan MaxEventAge = TimeSpan.FromDays(14);
    private static readonly TimeSpan MaxEventFutureSkew = TimeSpan.FromHours(2);

    private readonly LogEventFiles events;
    private readonly JsonStateFile<LogsState> file;

    public LogsStore(LocalCloudOptions options, TimeProvider clock)
    {
        this.options = options;
        this.clock = clock;
        events = new LogEventFiles(options.StateDirectory);
        file = new JsonStateFile<LogsState>(options.StateDirectory, "logs.json", afterLoad: events.Load);
    }

    private readonly LocalCloudOptions options;
    private readonly TimeProvider clock;

    public long NowMilliseconds => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public TResult Read<TResult>(Func<LogsState, TResult> read) => file.Read(read);

    /// <summary>Changes the state; new events are appended to their streams' files, then logs.json (no events in it) is saved.</summary>
    public TResult Update<TResult>(Func<LogsState, TResult> change) => file.Update(state =>
    {
        var result = change(state);
        events.Save(state);
        return result;
    });

    public static LogGroupRecord Group(LogsState state, string name) =>
        state.Groups.GetValueOrDefault(name)
        ?? throw new AwsServiceException("ResourceNotFoundException", "The specified log group does not exist.");

    public static LogStreamRecord Stream(LogGroupRecord group, string name) =>
        group.Streams.GetValueOrDefault(name)
        ?? throw new AwsServiceException("ResourceNotFoundException", "The specified log stream does not exist.");

    /// <summary>
    /// Appends events the way PutLogEvents does and reports which leading/trailing ranges were rejected
    /// for being too old or too new (indexes as in AWS's rejectedLogEventsInfo).
    /// </summary>
    public static AppendResult Append(LogsState state, LogGroupRecord group, LogStreamRecord stream, IReadOnlyList<(long Timestamp, string Message)> events, long now)
    {
        var oldest = now - (long)MaxEventAge.TotalMilliseconds;
        if (group.RetentionInDays is { } days)
        {
            oldest = Math.Max(oldest, now - (days * 86_400_000L));
        }

        var newest = now + (long)MaxEventFutureSkew.TotalMilliseconds;
        int? tooOldEnd = null;
        int? tooNewStart = null;
        for (var i = 0; i < events.Count; i++)
        {
            var (timestamp, message) = events[i];
            if (timestamp < oldest)
            {
                tooOldEnd = i;
                continue;
            }

            if (timestamp > newest)
            {
                tooNewStart ??= i;
                continue;
            }

            var record = new LogEventRecord(timestamp, message, now, ++state.LastEventId);
            var at = stream.Events.FindLastIndex(e => e.Timestamp <= timestamp) + 1;
            stream.Events.Insert(at, record);
            stream.Unsaved.Add(record);
        }

        stream.LastIngestionTime = now;
        Expire(group, now);
        return new AppendResult(tooOldEnd, tooNewStart);
    }

    /// <summary>Retention: events older than the group's retention disappear.</summary>
    public static void Expire(LogGroupRecord group, long now)
    {
        if (group.RetentionInDays is not { } days)
        {
            return;
        }

        var cutoff = now - (days * 86_400_000L);
        foreach (var stream in group.Streams.Values)
        {
            if (stream.Events.RemoveAll(e => e.Timestamp < cutoff) > 0)
            {
                stream.NeedsRewrite = true;
            }
        }
    }

    /// <summary>Internal API for container output: creates the group and stream on demand (the awslogs driver's create-group option).</summary>
    public void AppendContainerOutput(string groupName, string streamName, IReadOnlyList<(long Timestamp, string Message)> events)
    {
        var now = NowMilliseconds;
        Update(state =>
        {
            if (!state.Groups.TryGetValue(groupName, out var group))
            {
                group = new LogGroupRecord { CreationTime = now };
                state.Groups[groupName] = group;
            }

            if (!group.Streams.TryGetValue(streamName, out var stream))
            {
                stream = new LogStreamRecord { CreationTime = now };
                group.Streams[streamName] = stream;
            }

            return Append(state, group, stream, events, now);
        });
    }

    public string GroupArn(string groupName) => $"arn:aws:logs:{options.Region}:{options.AccountId}:log-group:{groupName}";
}

internal sealed record AppendResult(int? TooOldLogEventEndIndex, int? TooNewLogEventStartIndex);
