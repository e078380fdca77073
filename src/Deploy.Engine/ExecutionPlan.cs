namespace Deploy.Engine;

/// <summary>What to run, in order, with every skip decision and its reason.</summary>
internal sealed record ExecutionPlan(IReadOnlyList<PlannedTarget> Targets, IReadOnlyList<PlanEdge> Edges)
{
    public PlannedTarget? Find(string name) => Targets.FirstOrDefault(t => t.Name == name);
}

/// <summary>A target in the plan.</summary>
/// <param name="Node">The target.</param>
/// <param name="IsInvoked">Named on the command line (or the default target).</param>
/// <param name="SkipReason">Why it is skipped, or null when it runs.</param>
/// <param name="NeededBy">Planned targets that depend on it.</param>
/// <param name="TriggeredBy">Planned targets that trigger it.</param>
internal sealed record PlannedTarget(
    TargetNode Node, bool IsInvoked, string? SkipReason, IReadOnlyList<string> NeededBy, IReadOnlyList<string> TriggeredBy)
{
    public string Name => Node.Name;
    public bool IsSkipped => SkipReason is not null;

    /// <summary>In the plan only because something triggered it.</summary>
    public bool IsTriggerOnly => !IsInvoked && NeededBy.Count == 0 && TriggeredBy.Count > 0;
}

/// <summary>An edge between planned targets: <paramref name="From"/> runs before <paramref name="To"/>.</summary>
internal sealed record PlanEdge(string From, string To, LinkKind Kind);

/// <summary>What was asked for.</summary>
/// <param name="Invoked">Target names as typed (any case, dashes or underscores).</param>
/// <param name="Skip">Null without <c>--skip</c>; empty for a bare <c>--skip</c>.</param>
internal sealed record PlanRequest(IReadOnlyList<string> Invoked, IReadOnlyList<string>? Skip = null);
