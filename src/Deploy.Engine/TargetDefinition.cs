namespace Deploy.Engine;

/// <summary>Collects what a target property declares; links stay delegates until the catalog resolves them.</summary>
internal sealed class TargetDefinition(string name) : ITargetDefinition
{
    /// <summary>The target's name: the property's.</summary>
    public string Name => name;

    public string? DescriptionText { get; private set; }
    public List<Target> DependsOnTargets { get; } = [];
    public List<Target> DependentForTargets { get; } = [];
    public List<Target> AfterTargets { get; } = [];
    public List<Target> BeforeTargets { get; } = [];
    public List<Target> TriggersTargets { get; } = [];
    public List<Target> TriggeredByTargets { get; } = [];
    public List<Condition> StaticConditions { get; } = [];
    public List<Condition> DynamicConditions { get; } = [];
    public List<DeclaredRequirement> Requirements { get; } = [];
    public DependencyBehavior SkipBehavior { get; private set; }
    public bool Proceeds { get; private set; }
    public bool Assured { get; private set; }
    public bool IsUnlisted { get; private set; }
    public List<Func<CancellationToken, Task>> Actions { get; } = [];

    public ITargetDefinition Description(string text) => Set(() => DescriptionText = text);
    public ITargetDefinition DependsOn(params Target[] targets) => Add(DependsOnTargets, targets);
    public ITargetDefinition DependentFor(params Target[] targets) => Add(DependentForTargets, targets);
    public ITargetDefinition After(params Target[] targets) => Add(AfterTargets, targets);
    public ITargetDefinition Before(params Target[] targets) => Add(BeforeTargets, targets);
    public ITargetDefinition Triggers(params Target[] targets) => Add(TriggersTargets, targets);
    public ITargetDefinition TriggeredBy(params Target[] targets) => Add(TriggeredByTargets, targets);
    public ITargetDefinition OnlyWhenStatic(Func<bool> condition, string text = "") =>
        Set(() => StaticConditions.Add(new Condition(SourceText.OfLambda(text), condition)));

    public ITargetDefinition OnlyWhenDynamic(Func<bool> condition, string text = "") =>
        Set(() => DynamicConditions.Add(new Condition(SourceText.OfLambda(text), condition)));

    public ITargetDefinition WhenSkipped(DependencyBehavior behavior) => Set(() => SkipBehavior = behavior);
    public ITargetDefinition Requires<T>(Func<T> parameter, string text = "") =>
        Set(() => Requirements.Add(new DeclaredRequirement(() => parameter(), SourceText.OfLambda(text), IsCondition: false)));

    public ITargetDefinition Requires(Func<bool> condition, string text = "") =>
        Set(() => Requirements.Add(new DeclaredRequirement(() => condition(), SourceText.OfLambda(text), IsCondition: true)));

    public ITargetDefinition ProceedAfterFailure() => Set(() => Proceeds = true);
    public ITargetDefinition AssuredAfterFailure() => Set(() => Assured = true);
    public ITargetDefinition Unlisted() => Set(() => IsUnlisted = true);

    public ITargetDefinition Executes(Action action) => Set(() => Actions.Add(_ =>
    {
        action();
        return Task.CompletedTask;
    }));

    public ITargetDefinition Executes(Func<Task> action) => Set(() => Actions.Add(_ => action()));
    public ITargetDefinition Executes(Func<CancellationToken, Task> action) => Set(() => Actions.Add(action));

    private TargetDefinition Add(List<Target> list, Target[] targets)
    {
        list.AddRange(targets);
        return this;
    }

    private TargetDefinition Set(Action change)
    {
        change();
        return this;
    }
}

/// <summary>A requirement as declared: a parameter that must be set, or a condition that must hold.</summary>
internal sealed record DeclaredRequirement(Func<object?> Value, string Text, bool IsCondition);
