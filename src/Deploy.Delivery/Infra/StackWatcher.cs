using System.Globalization;
using Deploy.Aws.CloudFormation;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>
/// Follows one stack operation: polls the stack's status (by stack id, so a deleted stack is still found) and prints its
/// new events, one line each, oldest first, with a progress line, until the stack settles or the time is up.
/// Polling starts at 100 ms and doubles up to the poll interval, so fast backends answer fast and AWS is not flooded.
/// </summary>
internal sealed class StackWatcher(CloudFormationClient cloudFormation, IBuildLog log, TimeProvider clock, TimeSpan pollInterval)
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>A quiet operation (a load balancer takes minutes) still shows a line this often.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    /// <summary>Starts a stream that shows only events newer than the stack's current ones (none when it does not exist).</summary>
    public async Task<StackEventFeed> StartStreamAsync(string? stack, CancellationToken cancellationToken)
    {
        var stream = new StackEventFeed();
        if (stack is not null)
        {
            // The newest page is enough: the stream stops reading at the first known event.
            var page = await cloudFormation.DescribeStackEventsAsync(new DescribeStackEventsRequest { StackName = stack }, cancellationToken);
            stream.Baseline(page.StackEvents);
        }

        return stream;
    }

    /// <summary>
    /// Polls until the stack is no longer <c>*_IN_PROGRESS</c> (<c>REVIEW_IN_PROGRESS</c> counts as settled); returns its last
    /// description (<c>DELETE_COMPLETE</c> after a delete), or throws with <paramref name="timeoutMessage"/> when
    /// <paramref name="timeout"/> passes first. With <paramref name="justStarted"/> (right after an execute or delete call) a
    /// settled status counts only once the operation has shown itself (a new event or an in-progress status): just after the
    /// call, DescribeStacks may still report the status from before it.
    /// </summary>
    public async Task<StackDescription?> FollowAsync(
        string stackId,
        StackEventFeed events,
        TimeSpan timeout,
        int expectedResources,
        Func<string?, string> timeoutMessage,
        bool justStarted,
        CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var seen = !justStarted;
        var interval = FirstPoll;
        var done = new HashSet<string>(StringComparer.Ordinal);
        var pending = new SortedSet<string>(StringComparer.Ordinal);
        var lastProgress = -1;
        var lastLine = TimeSpan.Zero;
        while (true)
        {
            var stack = await cloudFormation.FindStackAsync(stackId, cancellationToken);
            var fresh = await events.PollAsync(cloudFormation, stackId, cancellationToken);
            seen |= fresh.Count > 0 || stack is null || (stack.StackStatus != "REVIEW_IN_PROGRESS" && StackStatuses.IsInProgress(stack.StackStatus));
            foreach (var e in fresh)
            {
                log.Information(StackEventFeed.Format(e));
                if (e.ResourceType == "AWS::CloudFormation::Stack" || e.LogicalResourceId is not { } id)
                {
                    continue;
                }

                if (StackStatuses.IsInProgress(e.ResourceStatus))
                {
                    pending.Add(id);
                }
                else
                {
                    pending.Remove(id);
                    done.Add(id);
                }
            }

            var elapsed = clock.GetElapsedTime(started);
            if (fresh.Count > 0)
            {
                lastLine = elapsed;
            }

            if (expectedResources > 0 && done.Count != lastProgress && done.Count > 0)
            {
                lastProgress = done.Count;
                log.Information(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  progress: {Math.Min(done.Count, expectedResources)}/{expectedResources} resources settled, {elapsed.TotalSeconds:F0} s"));
            }
            else if (elapsed - lastLine >= Heartbeat && stack is not null)
            {
                lastLine = elapsed;
                var waiting = pending.Count > 0 ? $", waiting for {string.Join(", ", pending)}" : "";
                log.Information(string.Create(CultureInfo.InvariantCulture, $"  still {stack.StackStatus} after {elapsed.TotalSeconds:F0} s{waiting}"));
            }

            if (seen && (stack is null || stack.StackStatus == "REVIEW_IN_PROGRESS" || !StackStatuses.IsInProgress(stack.StackStatus)))
            {
                return stack;
            }

            if (elapsed >= timeout)
            {
                throw new BuildFailedException(timeoutMessage(stack?.StackStatus));
            }

            await Task.Delay(interval, clock, cancellationToken);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, Math.Max(pollInterval.Ticks, FirstPoll.Ticks)));
        }
    }

    /// <summary>The first resource that failed in <paramref name="events"/> (not the "cancelled" follow-ups), as one phrase.</summary>
    public static string? FirstFailure(IEnumerable<StackEvent> events)
    {
        var failed = events
            .Where(e => e.ResourceStatus?.EndsWith("_FAILED", StringComparison.Ordinal) == true && e.ResourceType != "AWS::CloudFormation::Stack")
            .ToList();
        var first = failed.FirstOrDefault(e => e.ResourceStatusReason?.Contains("cancelled", StringComparison.OrdinalIgnoreCase) != true)
            ?? failed.FirstOrDefault();
        return first is null ? null : $"{first.LogicalResourceId} ({first.ResourceType}) {first.ResourceStatus}: {first.ResourceStatusReason ?? "no reason given"}";
    }

    public static string Duration(TimeSpan timeout) => timeout.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalMinutes:0.#} min")
        : string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.#} s");
}
