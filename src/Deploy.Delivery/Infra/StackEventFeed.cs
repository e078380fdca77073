using System.Globalization;
using Deploy.Aws.CloudFormation;

namespace Deploy.Delivery.Infra;

/// <summary>
/// Turns repeated <c>DescribeStackEvents</c> answers (newest first, paged) into the events not shown yet, oldest first.
/// Events that existed when the stream started are never shown: only what this operation caused.
/// </summary>
public sealed class StackEventFeed
{
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    /// <summary>Every event handed out so far, oldest first.</summary>
    public List<StackEvent> Shown { get; } = [];

    /// <summary>Marks events as already known (the stack's history before the operation).</summary>
    public void Baseline(IEnumerable<StackEvent> existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        foreach (var e in existing)
        {
            seen.Add(Key(e));
        }
    }

    /// <summary>
    /// The events of <paramref name="newestFirst"/> not seen before, oldest first. Reading stops at the first known event,
    /// so callers may stop paging once <paramref name="newestFirst"/> reaches history.
    /// </summary>
    public IReadOnlyList<StackEvent> TakeNew(IEnumerable<StackEvent> newestFirst)
    {
        ArgumentNullException.ThrowIfNull(newestFirst);
        var fresh = new List<StackEvent>();
        foreach (var e in newestFirst)
        {
            if (seen.Contains(Key(e)))
            {
                break;
            }

            fresh.Add(e);
        }

        fresh.Reverse();
        foreach (var e in fresh)
        {
            seen.Add(Key(e));
        }

        Shown.AddRange(fresh);
        return fresh;
    }

    /// <summary>Reads the stack's events page by page until it reaches a known one; returns the new ones, oldest first.</summary>
    public async Task<IReadOnlyList<StackEvent>> PollAsync(CloudFormationClient cloudFormation, string stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloudFormation);
        var page = new List<StackEvent>();
        await foreach (var e in cloudFormation.DescribeAllStackEventsAsync(stack, cancellationToken))
        {
            if (seen.Contains(Key(e)))
            {
                break;
            }

            page.Add(e);
        }

        return TakeNew(page);
    }

    /// <summary>One line per event: time, status, logical id, type and the reason when there is one.</summary>
    public static string Format(StackEvent stackEvent)
    {
        ArgumentNullException.ThrowIfNull(stackEvent);
        var time = stackEvent.Timestamp?.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "--:--:--";
        var line = $"{time}  {stackEvent.ResourceStatus,-20}  {stackEvent.LogicalResourceId,-28}  {stackEvent.ResourceType}";
        return string.IsNullOrWhiteSpace(stackEvent.ResourceStatusReason) ? line.TrimEnd() : $"{line}  {stackEvent.ResourceStatusReason}";
    }

    private static string Key(StackEvent e) =>
        e.EventId ?? $"{e.LogicalResourceId}|{e.ResourceStatus}|{e.Timestamp?.ToUnixTimeMilliseconds()}";
}
