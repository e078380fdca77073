using System.Collections.Concurrent;

namespace Deploy.LocalCloud.Events;

/// <summary>A rule's counts as EventBridge's CloudWatch metrics of the same names give them, and why the last failure failed.</summary>
internal sealed record RuleInvocationCounts(long Invocations, long FailedInvocations, string? LastFailure);

/// <summary>
/// The <c>Invocations</c> and <c>FailedInvocations</c> metrics (namespace <c>AWS/Events</c>, dimension <c>RuleName</c>)
/// per rule ARN, since this process started: the local cloud has no CloudWatch metrics to put them in. A target that
/// throws (its role may not start the pipeline, say) counts as a failed invocation; the publisher never hears of it.
/// </summary>
internal sealed class RuleInvocations
{
    private readonly ConcurrentDictionary<string, RuleInvocationCounts> counts = new(StringComparer.Ordinal);

    public RuleInvocationCounts For(string ruleArn) => counts.GetValueOrDefault(ruleArn) ?? new RuleInvocationCounts(0, 0, null);

    public void Succeeded(string ruleArn) =>
        counts.AddOrUpdate(ruleArn, _ => new RuleInvocationCounts(1, 0, null), (_, c) => c with { Invocations = c.Invocations + 1 });

    public void Failed(string ruleArn, string reason) =>
        counts.AddOrUpdate(ruleArn, _ => new RuleInvocationCounts(1, 1, reason),
            (_, c) => new RuleInvocationCounts(c.Invocations + 1, c.FailedInvocations + 1, reason));
}
