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

/// <summary>A condition with its source text, both evaluated lazily: a run prints the text of a few conditions at most,
/// and rendering every target's expressions up front was a visible share of a warm start.</summary>
internal sealed class Condition(Func<string> text, Func<bool> evaluate)
{
    private readonly Lazy<string> text = new(text);

    public Condition(string text, Func<bool> evaluate)
        : this(() => text, evaluate)
    {
    }

    public string Text => text.Value;

    public Func<bool> Evaluate { get; } = evaluate;
}

/// <summary>A precondition of a target; <see cref="Description"/> (rendered on first use) completes "Target X requires ...".</summary>
internal sealed class Requirement(Func<string> description, Func<bool> isSatisfied)
{
    private readonly Lazy<string> description = new(description);

    public Requirement(string description, Func<bool> isSatisfied)
        : this(() => description, isSatisfied)
    {
    }

    public string Description => description.Value;

    public Func<bool> IsSatisfied { get; } = isSatisfied;
}
