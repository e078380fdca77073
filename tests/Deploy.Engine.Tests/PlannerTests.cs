using Deploy.Engine;

namespace Deploy.Engine.Tests;

public sealed class PlannerTests
{
    private static int order;

    private static TargetNode Node(
        string name,
        string[]? dependsOn = null,
        string[]? after = null,
        string[]? triggers = null,
        bool? onlyWhen = null,
        DependencyBehavior whenSkipped = DependencyBehavior.Execute) =>
        new(name, Interlocked.Increment(ref order))
        {
            DependsOn = dependsOn ?? [],
            After = after ?? [],
            Triggers = triggers ?? [],
            StaticConditions = onlyWhen is { } value ? [new Condition("IsServerBuild", () => value)] : [],
            WhenSkipped = whenSkipped,
            Actions = [_ => Task.CompletedTask],
        };

    private static ExecutionPlan Plan(TargetNode[] nodes, string[] invoked, string[]? skip = null) =>
        BuildPlanner.Plan(nodes, new PlanRequest(invoked, skip));

    private static string Order(ExecutionPlan plan) => string.Join(" ", plan.Targets.Select(t => t.Name));

    private static string? Reason(ExecutionPlan plan, string name) => plan.Find(name)!.SkipReason;

    [Fact]
    public void Dependencies_run_before_the_invoked_target()
    {
        var plan = Plan([Node("Deploy", dependsOn: ["Push"]), Node("Build"), Node("Push", dependsOn: ["Build"])], ["deploy"]);
        Assert.Equal("Build Push Deploy", Order(plan));
    }

    [Fact]
    public void Independent_targets_keep_declaration_order()
    {
        var plan = Plan([Node("C"), Node("A"), Node("B"), Node("All", dependsOn: ["B", "A", "C"])], ["All"]);
        Assert.Equal("C A B All", Order(plan));
    }

    [Fact]
    public void After_orders_only_when_both_targets_are_planned()
    {
        TargetNode[] nodes = [Node("Test", after: ["Lint"]), Node("Lint")];
        Assert.Equal("Lint Test", Order(Plan(nodes, ["Test", "Lint"])));
        Assert.Equal("Test", Order(Plan(nodes, ["Test"])));
    }

    [Fact]
    public void Triggered_targets_are_pulled_in_and_run_afterwards()
    {
        var plan = Plan([Node("Notify"), Node("Deploy", triggers: ["Notify"])], ["Deploy"]);
        Assert.Equal("Deploy Notify", Order(plan));
        Assert.True(plan.Find("Notify")!.IsTriggerOnly);
    }

    [Fact]
    public void A_cycle_fails_naming_the_path()
    {
        var error = Assert.Throws<BuildConfigurationException>(() =>
            Plan([Node("a", dependsOn: ["b"]), Node("b", dependsOn: ["a"])], ["a"]));
        Assert.Equal("Circular dependency: a -> b -> a", error.Message);
    }

    [Fact]
    public void A_cycle_through_a_trigger_fails_too()
    {
        var error = Assert.Throws<BuildConfigurationException>(() =>
            Plan([Node("a", triggers: ["b"]), Node("b"), Node("c", dependsOn: ["a"], triggers: ["a"])], ["c"]));
        Assert.StartsWith("Circular dependency: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_target_fails_with_a_suggestion()
    {
        var error = Assert.Throws<BuildConfigurationException>(() => Plan([Node("PushEcr"), Node("BuildImage")], ["pushecr2"]));
        Assert.Equal("Unknown target 'pushecr2'. Did you mean 'PushEcr'?", error.Message);
    }

    [Fact]
    public void Target_names_match_ignoring_case_dashes_and_underscores()
    {
        TargetNode[] nodes = [Node("PushEcr")];
        foreach (var name in new[] { "push-ecr", "PushEcr", "PUSH_ECR" })
            Assert.Equal("PushEcr", Order(Plan(nodes, [name])));
    }

    [Fact]
    public void Duplicate_target_names_fail()
    {
        var error = Assert.Throws<BuildConfigurationException>(() => Plan([Node("PushEcr"), Node("push_ecr")], ["PushEcr"]));
        Assert.Contains("Duplicate target names", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Skip_skips_only_the_named_target_and_its_dependencies_still_run()
    {
        var plan = Plan([Node("Build"), Node("Push", dependsOn: ["Build"]), Node("Deploy", dependsOn: ["Push"])], ["Deploy"], ["push"]);
        Assert.Equal("Build Push Deploy", Order(plan));
        Assert.Null(Reason(plan, "Build"));
        Assert.Equal("--skip", Reason(plan, "Push"));
        Assert.Null(Reason(plan, "Deploy"));
    }

    [Fact]
    public void A_bare_skip_skips_every_target_that_was_not_invoked()
    {
        var plan = Plan([Node("Build"), Node("Push", dependsOn: ["Build"]), Node("Deploy", dependsOn: ["Push"])], ["Deploy"], []);
        Assert.Equal("--skip (not invoked)", Reason(plan, "Build"));
        Assert.Equal("--skip (not invoked)", Reason(plan, "Push"));
        Assert.Null(Reason(plan, "Deploy"));
    }

    [Fact]
    public void A_false_static_condition_skips_the_target_with_the_condition_text()
    {
        var plan = Plan([Node("Build"), Node("Deploy", dependsOn: ["Build"], onlyWhen: false)], ["Deploy"]);
        Assert.Equal("OnlyWhenStatic(IsServerBuild) was false", Reason(plan, "Deploy"));
        Assert.Null(Reason(plan, "Build"));
    }

    [Fact]
    public void WhenSkipped_skip_also_skips_dependencies_needed_only_by_the_skipped_target()
    {
        var plan = Plan(
            [
                Node("Shared"), Node("Private", dependsOn: ["Shared"]), Node("Other", dependsOn: ["Shared"]),
                Node("Deploy", dependsOn: ["Private", "Shared"], onlyWhen: false, whenSkipped: DependencyBehavior.Skip),
                Node("All", dependsOn: ["Deploy", "Other"]),
            ],
            ["All"]);
        Assert.Equal("needed only by skipped Deploy", Reason(plan, "Private"));
        Assert.Null(Reason(plan, "Shared"));
        Assert.Null(Reason(plan, "Other"));
    }

    [Fact]
    public void A_skipped_target_triggers_nothing()
    {
        var plan = Plan([Node("Notify"), Node("Deploy", triggers: ["Notify"])], ["Deploy"], ["Deploy"]);
        Assert.Equal("Deploy", Order(plan));
    }

    [Fact]
    public void A_target_triggered_by_a_skipped_target_stays_when_something_else_needs_it()
    {
        var plan = Plan([Node("Notify"), Node("Deploy", triggers: ["Notify"]), Node("All", dependsOn: ["Deploy", "Notify"])], ["All"], ["Deploy"]);
        Assert.Equal("Deploy Notify All", Order(plan));
        Assert.Null(Reason(plan, "Notify"));
    }

    [Fact]
    public void Static_conditions_of_targets_outside_the_plan_are_not_evaluated()
    {
        var evaluated = false;
        TargetNode[] nodes =
        [
            Node("Build"),
            new("Other", 99) { StaticConditions = [new Condition("x", () => evaluated = true)] },
        ];
        Plan(nodes, ["Build"]);
        Assert.False(evaluated);
    }

    [Theory]
    [InlineData("() => IsServerBuild", "IsServerBuild")]
    [InlineData("() => build.RunDeploy && !build.RunDeploy", "build.RunDeploy && !build.RunDeploy")]
    [InlineData("static () => Cloud == CloudKind.Local", "Cloud == CloudKind.Local")]
    [InlineData("()=>\n        A ||\n        B", "A || B")]
    [InlineData("IsReady", "IsReady")]
    [InlineData("", "(condition)")]
    public void Condition_text_reads_like_the_source(string source, string expected) =>
        Assert.Equal(expected, SourceText.OfLambda(source));

    [Fact]
    public void The_plan_is_deterministic()
    {
        TargetNode[] nodes = [Node("D", after: ["B"]), Node("C"), Node("B", triggers: ["C"]), Node("A", dependsOn: ["D", "B"])];
        var first = Order(Plan(nodes, ["A"]));
        for (var i = 0; i < 5; i++)
            Assert.Equal(first, Order(Plan(nodes, ["A"])));
        Assert.Equal("B D C A", first);
    }
}
