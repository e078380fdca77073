using Deploy.Engine;

namespace Deploy.Engine.Tests;

internal enum Stage
{
    Dev,
    PreProd,
    Prod,
}

/// <summary>The shape the build project uses: parameters of every kind and a two-target chain.</summary>
internal sealed class DeployBuild : BuildBase
{
    [Parameter("AWS region")] private readonly string? Region;
    [Parameter("Retry attempts")] private readonly int MaxAttempts = 3;
    [Parameter("Deploy timeout")] private readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);
    [Parameter, Secret] private readonly string? GitPassword;
    [Parameter("Only print")] private readonly bool DryRun;
    [Parameter("Image tags")] private readonly string[] Tags = [];
    [Parameter("Target stage")] private readonly Stage Stage = Stage.Dev;
    [Parameter("Ratio")] private readonly double? Ratio;
    [Parameter("Account", Name = "AwsAccount")] public long Account { get; } = 1;
    [Parameter("Settable")] public string? Label { get; set; }

    public string? RegionValue => Region;
    public int MaxAttemptsValue => MaxAttempts;
    public TimeSpan TimeoutValue => Timeout;
    public string? GitPasswordValue => GitPassword;
    public bool DryRunValue => DryRun;
    public IReadOnlyList<string> TagsValue => Tags;
    public Stage StageValue => Stage;
    public double? RatioValue => Ratio;

    public Target BuildImage => _ => _.Description("Builds the image").Executes(() => Log.Information("ran BuildImage"));

    public Target PushEcr => _ => _
        .Description("Pushes")
        .DependsOn(BuildImage)
        .Requires(() => Region)
        .Executes(async ct =>
        {
            await Task.Delay(1, ct);
            Note("pushed");
            Log.Information("ran PushEcr");
        });

    public Target ShowSecret => _ => _.Unlisted().Executes(() =>
    {
        Log.Information($"password is {GitPassword}");
        throw new BuildFailedException($"bad password {GitPassword}");
    });
}

/// <summary>Links of every kind between small logging targets.</summary>
internal sealed class LinkBuild : BuildBase
{
    public bool RunDeploy { get; set; } = true;
    public string FailureMessage { get; set; } = "boom";
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Target Fail => _ => _.Executes(() => throw new InvalidOperationException(FailureMessage));
    private Target Compile => _ => _.Executes(() => Ran(nameof(Compile)));
    private Target Lint => _ => _.DependsOn(Compile).ProceedAfterFailure().Executes(() => throw new BuildFailedException("lint errors"));
    private Target Test => _ => _.DependsOn(Compile).Executes(() => Ran(nameof(Test)));
    private Target Publish => _ => _.DependsOn(Test).Triggers(Notify).OnlyWhenDynamic(() => RunDeploy).Executes(() => Ran(nameof(Publish)));
    private Target Notify => _ => _.Executes(() => Ran(nameof(Notify)));
    private Target Slow => _ => _.Executes(async ct =>
    {
        SlowStarted.TrySetResult();
        await Task.Delay(SlowDelay, ct);
    });
    private Target Cleanup => _ => _.AssuredAfterFailure().After(Publish, Lint, Test, Slow).Executes(() => Ran(nameof(Cleanup)));
    private Target All => _ => _.DependsOn(Test, Publish);
    private Target Guarded => _ => _.Requires(() => RunDeploy).Executes(() => Ran(nameof(Guarded)));
    private Target OnlyInvoked => _ => _.OnlyWhenStatic(() => InvokedTargets.Contains("OnlyInvoked")).Executes(() => Ran(nameof(OnlyInvoked)));

    private void Ran(string name) => Log.Information("ran " + name);
}

/// <summary>Uses DefaultTarget and static conditions.</summary>
internal sealed class DefaultBuild : BuildBase
{
    private Target Setup => _ => _.Executes(() => Log.Information("ran Setup"));
    private Target Deploy => _ => _.DependsOn(Setup).OnlyWhenStatic(() => IsServerBuild).WhenSkipped(DependencyBehavior.Skip)
        .Executes(() => Log.Information("ran Deploy"));

    protected override Target DefaultTarget => Deploy;
}

/// <summary>No default target: running without arguments prints help.</summary>
internal sealed class HelpOnlyBuild : BuildBase
{
    private Target Hello => _ => _.Description("Says hello").Executes(() => Log.Information("ran Hello"));
}

/// <summary>Two targets whose names differ only in case and underscores.</summary>
internal sealed class DuplicateBuild : BuildBase
{
    private Target PushEcr => _ => _.Executes(() => Log.Information("ran PushEcr"));
#pragma warning disable CA1707 // the underscore is the point of this test
    private Target Push_Ecr => _ => _.Executes(() => Log.Information("ran Push_Ecr"));
#pragma warning restore CA1707
}

/// <summary>A dependency cycle.</summary>
internal sealed class CycleBuild : BuildBase
{
    private Target A => _ => _.DependsOn(B).Executes(() => { });
    private Target B => _ => _.DependsOn(A).Executes(() => { });
}

/// <summary>Rejects its configuration once parameters are bound, when Broken is set.</summary>
internal sealed class ConfiguredBuild : BuildBase
{
    [Parameter("Makes the configuration invalid")]
    private readonly bool broken;

    private Target Work => _ => _.Executes(() => Log.Information("ran Work"));

    protected override void OnBuildInitialized()
    {
        if (broken)
            throw new BuildConfigurationException("Set BROKEN to false: this build cannot run broken.");
    }
}
