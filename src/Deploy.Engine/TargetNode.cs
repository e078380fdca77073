namespace Deploy.Engine;

/// <summary>
/// A target as the planner sees it: links resolved to names, reverse links
/// (DependentFor, Before, TriggeredBy) already folded into the other side.
/// </summary>
internal sealed class TargetNode(string name, int order)
{
    public string Name => name;

    /// <summary>Declaration order; breaks ties in the plan.</summary>
    public int Order => order;

    public string? Description { get; init; }
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    public IReadOnlyList<string> After { get; init; } = [];
    public IReadOnlyList<string> Triggers { get; init; } = [];
    public IReadOnlyList<Condition> StaticConditions { get; init; } = [];
    public IReadOnlyList<Condition> DynamicConditions { get; init; } = [];
    public IReadOnlyList<Requirement> Requirements { get; init; } = [];
    public DependencyBehavior WhenSkipped { get; init; }
    public bool ProceedAfterFailure { get; init; }
    public bool AssuredAfterFailure { get; init; }
    public bool Unlisted { get; init; }
    public IReadOnlyList<Func<CancellationToken, Task>> Actions { get; init; } = [];

    /// <summary>A target without actions only groups its dependencies.</summary>
    public bool IsCollective => Actions.Count == 0;

    public override string ToString() => Name;
}

/// <summary>A condition of a target with its source text, as the compiler gave it (<c>IsServerBuild</c>).</summary>
internal sealed record Condition(string Text, Func<bool> Evaluate);

/// <summary>A precondition of a target; <see cref="Description"/> completes "Target X requires ...".</summary>
internal sealed record Requirement(string Description, Func<bool> IsSatisfied);
