using Deploy.Aws.CloudFormation;

namespace Deploy.Delivery.Infra;

/// <summary>What <see cref="StackDeployer"/> applies and how long it may wait.</summary>
public sealed record StackDeployOptions
{
    /// <summary>The CloudFormation stack holding the platform.</summary>
    public required string StackName { get; init; }

    public required PlatformSettings Settings { get; init; }

    /// <summary>Where the rendered template is written (e.g. <c>artifacts/infra/template.json</c>).</summary>
    public required string TemplatePath { get; init; }

    /// <summary>Where the stack's outputs are written as JSON (e.g. <c>artifacts/infra/outputs.json</c>); null writes nothing.</summary>
    public string? OutputsPath { get; init; }

    /// <summary>Print the plan, then delete the change set: nothing changes.</summary>
    public bool PlanOnly { get; init; }

    /// <summary>How long to wait for an operation already running on the stack (another run, or one stopped with Ctrl-C).</summary>
    public TimeSpan InProgressTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long CloudFormation may take to compute the change set.</summary>
    public TimeSpan ChangeSetTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long applying the change set (and rolling back) may take before the build gives up waiting.</summary>
    public TimeSpan ApplyTimeout { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>How long the drift detection of an unchanged stack may take before it is skipped (it never fails the run).</summary>
    public TimeSpan DriftTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>An unchanged run skips drift detection when the stack's last one, this recent, found it IN_SYNC (see <see cref="StackUnchanged.DriftCheckDue"/>); zero checks every run.</summary>
    public TimeSpan DriftCheckInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The longest pause between two polls (polling starts at 100 ms and doubles up to this).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Tests replace the template (e.g. with the part moto's CloudFormation supports).</summary>
    internal Func<PlatformSettings, string> RenderTemplate { get; init; } = PlatformTemplate.Render;
}

/// <summary>What applying did.</summary>
public enum StackDeployOutcome
{
    /// <summary>The stack was created.</summary>
    Created,

    /// <summary>The stack was updated.</summary>
    Updated,

    /// <summary>The change set was empty: nothing to do.</summary>
    Unchanged,

    /// <summary>Plan only: the change set was printed and deleted.</summary>
    Planned,
}

/// <summary>The result of <see cref="StackDeployer.DeployAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Changes">The change set's resource changes (empty when unchanged).</param>
/// <param name="Outputs">The stack's outputs after applying (empty when planning a stack that does not exist yet).</param>
public sealed record StackDeployResult(StackDeployOutcome Outcome, IReadOnlyList<Change> Changes, IReadOnlyDictionary<string, string> Outputs)
{
    /// <summary>The outputs, typed for PushEcr, DeployFargate and Mirror.</summary>
    /// <exception cref="PlatformOutputsException">An output is missing or malformed.</exception>
    public PlatformOutputs Platform => PlatformOutputs.Parse(Outputs);

    /// <summary>Resources that drift detection found deleted outside CloudFormation and this run recreated.</summary>
    public IReadOnlyList<DeletedResource> Repaired { get; init; } = [];
}
