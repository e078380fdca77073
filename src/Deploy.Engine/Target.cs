using System.Runtime.CompilerServices;

namespace Deploy.Engine;

/// <summary>
/// A build target: a property of the build class that configures its definition,
/// e.g. <c>Target Test =&gt; _ =&gt; _.DependsOn(Compile).Executes(...)</c>. The property name is the target name.
/// </summary>
public delegate ITargetDefinition Target(ITargetDefinition definition);

/// <summary>What a target does and how it relates to other targets.</summary>
public interface ITargetDefinition
{
    /// <summary>Text shown in <c>--help</c>.</summary>
    ITargetDefinition Description(string text);

    /// <summary>Pulls the given targets into the plan and runs them first.</summary>
    ITargetDefinition DependsOn(params Target[] targets);

    /// <summary>Reverse of <see cref="DependsOn"/>: the given targets depend on this one.</summary>
    ITargetDefinition DependentFor(params Target[] targets);

    /// <summary>Runs after the given targets when both are planned; pulls nothing in.</summary>
    ITargetDefinition After(params Target[] targets);

    /// <summary>Runs before the given targets when both are planned; pulls nothing in.</summary>
    ITargetDefinition Before(params Target[] targets);

    /// <summary>Pulls the given targets into the plan and runs them afterwards.</summary>
    ITargetDefinition Triggers(params Target[] targets);

    /// <summary>Reverse of <see cref="Triggers"/>: the given targets trigger this one.</summary>
    ITargetDefinition TriggeredBy(params Target[] targets);

    /// <summary>
    /// Evaluated while planning; when false the target is skipped. The condition's source text (given by the compiler) is
    /// printed.
    /// </summary>
    ITargetDefinition OnlyWhenStatic(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string text = "");

    /// <summary>Evaluated right before the target runs; when false the target is skipped.</summary>
    ITargetDefinition OnlyWhenDynamic(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string text = "");

    /// <summary>Whether dependencies needed only by this target still run when it is skipped.</summary>
    ITargetDefinition WhenSkipped(DependencyBehavior behavior);

    /// <summary>A parameter member that must be non-null and non-empty; checked before anything runs.</summary>
    ITargetDefinition Requires<T>(Func<T> parameter, [CallerArgumentExpression(nameof(parameter))] string text = "");

    /// <summary>A condition that must hold; checked before anything runs and printed on failure.</summary>
    ITargetDefinition Requires(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string text = "");

    /// <summary>When this target fails, targets that don't depend on it keep running.</summary>
    ITargetDefinition ProceedAfterFailure();

    /// <summary>Runs even after an earlier failure or cancellation (cleanup).</summary>
    ITargetDefinition AssuredAfterFailure();

    /// <summary>Hides the target from <c>--help</c>.</summary>
    ITargetDefinition Unlisted();

    /// <summary>Adds a synchronous action.</summary>
    ITargetDefinition Executes(Action action);

    /// <summary>Adds an asynchronous action.</summary>
    ITargetDefinition Executes(Func<Task> action);

    /// <summary>Adds an asynchronous action that receives the build's cancellation token.</summary>
    ITargetDefinition Executes(Func<CancellationToken, Task> action);
}

/// <summary>What happens to the dependencies of a skipped target.</summary>
public enum DependencyBehavior
{
    /// <summary>Dependencies still run (default).</summary>
    Execute,

    /// <summary>Dependencies needed only by the skipped target are skipped too.</summary>
    Skip,
}
