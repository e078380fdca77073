using System.Collections.Concurrent;
using System.Globalization;

namespace Deploy.LocalCloud.Elb;

/// <summary>One registered target (always 127.0.0.1, told apart by port) and its health as the load balancer sees it.</summary>
internal sealed class Target(int port, DateTimeOffset registeredAt)
{
    private int inFlight;

    public int Port { get; } = port;

    public DateTimeOffset RegisteredAt { get; } = registeredAt;

    /// <summary>initial, healthy, unhealthy, draining.</summary>
    public string State { get; set; } = "initial";

    public string? Reason { get; set; } = "Elb.RegistrationInProgress";

    public string? Description { get; set; } = "Target registration is in progress";

    public int ConsecutiveSuccesses { get; set; }

    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset NextCheckAt { get; set; } = registeredAt;

    public DateTimeOffset? DrainingSince { get; set; }

    public bool CheckRunning { get; set; }

    public int InFlight => Volatile.Read(ref inFlight);

    public void Enter() => Interlocked.Increment(ref inFlight);

    public void Leave() => Interlocked.Decrement(ref inFlight);
}

/// <summary>
/// The data plane's view of target groups: registrations, health (checked over HTTP by <see cref="ElbRuntime"/>),
/// draining, and round-robin picking for the listener proxy. Thread-safe; kept in memory.
/// </summary>
internal sealed class ElbTargets(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, Target>> groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> cursors = new(StringComparer.Ordinal);

    public IReadOnlyList<Target> In(string targetGroupArn) =>
        groups.TryGetValue(targetGroupArn, out var targets) ? [.. targets.Values.OrderBy(t => t.Port)] : [];

    public IEnumerable<(string TargetGroupArn, Target Target)> All() =>
        groups.SelectMany(g => g.Value.Values.Select(t => (g.Key, t)));

    public void Register(string targetGroupArn, int port)
    {
        var targets = groups.GetOrAdd(targetGroupArn, _ => new ConcurrentDictionary<int, Target>());
        targets.AddOrUpdate(port, p => new Target(p, clock.GetUtcNow()), (p, existing) => existing.State == "draining" ? new Target(p, clock.GetUtcNow()) : existing);
    }

    /// <summary>Starts draining: no new requests go to the target; it disappears once idle or after the deregistration delay.</summary>
    public void Deregister(string targetGroupArn, int port)
    {
        if (groups.TryGetValue(targetGroupArn, out var targets) && targets.TryGetValue(port, out var target) && target.State != "draining")
        {
            target.State = "draining";
            target.Reason = "Target.DeregistrationInProgress";
            target.Description = "Target deregistration is in progress";
            target.DrainingSince = clock.GetUtcNow();
        }
    }

    /// <summary>The target's state (initial/healthy/unhealthy/draining), or null when it is not registered (drained).</summary>
    public string? State(string targetGroupArn, int port) =>
        groups.TryGetValue(targetGroupArn, out var targets) && targets.TryGetValue(port, out var target) ? target.State : null;

    public void RemoveGroup(string targetGroupArn) => groups.TryRemove(targetGroupArn, out _);

    /// <summary>Removes drained targets: idle for a second after deregistration, or past the deregistration delay.</summary>
    public void CompleteDraining(Func<string, TimeSpan> delayOf)
    {
        var now = clock.GetUtcNow();
        foreach (var (arn, targets) in groups)
        {
            foreach (var target in targets.Values.Where(t => t.DrainingSince is not null))
            {
                var since = now - target.DrainingSince!.Value;
                if ((target.InFlight == 0 && since >= TimeSpan.FromSeconds(1)) || since >= delayOf(arn))
                {
                    targets.TryRemove(target.Port, out _);
                }
            }
        }
    }

    /// <summary>
    /// Round-robin over healthy targets. Like an ALB, when no target is healthy it fails open to every
    /// registered, non-draining target. Targets in <paramref name="exclude"/> (already tried) are skipped.
    /// </summary>
    public Target? Pick(string targetGroupArn, IReadOnlyCollection<int> exclude)
    {
        var candidates = In(targetGroupArn).Where(t => t.State != "draining" && !exclude.Contains(t.Port)).ToList();
        var healthy = candidates.Where(t => t.State == "healthy").ToList();
        var pool = healthy.Count > 0 ? healthy : candidates;
        if (pool.Count == 0)
        {
            return null;
        }

        var next = cursors.AddOrUpdate(targetGroupArn, 0, (_, value) => unchecked(value + 1));
        return pool[(int)((uint)next % (uint)pool.Count)];
    }

    public static string Describe(Target target) => target.Port.ToString(CultureInfo.InvariantCulture);
}
