namespace Deploy.Engine;

/// <summary>
/// Base class of a build: targets are <see cref="Target"/> properties, parameters are
/// <see cref="ParameterAttribute"/> members. Everything here is set by <see cref="BuildRunner"/>
/// before targets are planned.
/// </summary>
public abstract class BuildBase
{
    private Action<string>? noteSink;

    /// <summary><c>--root</c>, else the nearest ancestor of the working directory containing <c>.nuke/</c>.</summary>
    public string RootDirectory { get; internal set; } = "";

    /// <summary><c>&lt;root&gt;/.nuke/temp</c>, created when first read.</summary>
    public string TemporaryDirectory => Directory.CreateDirectory(Path.Combine(RootDirectory, ".nuke", "temp")).FullName;

    /// <summary>The detected host.</summary>
    public IBuildHost Host { get; internal set; } = null!;

    /// <summary>Masked output.</summary>
    public IBuildLog Log { get; internal set; } = null!;

    /// <summary>Runs external tools with masked echo.</summary>
    public ToolRunner Tools { get; internal set; } = null!;

    /// <summary>The requested verbosity.</summary>
    public Verbosity Verbosity { get; internal set; } = Verbosity.Normal;

    /// <summary>The <c>--profile</c> values.</summary>
    public IReadOnlyList<string> Profiles { get; internal set; } = [];

    /// <summary>The targets named on the command line (or the default target).</summary>
    public IReadOnlyList<string> InvokedTargets { get; internal set; } = [];

    /// <summary>The targets the plan will run (not statically skipped), in order; set before <see cref="OnBuildInitialized"/>.</summary>
    public IReadOnlyList<string> PlannedTargets { get; internal set; } = [];

    /// <summary>Not on a CI server.</summary>
    public bool IsLocalBuild => !IsServerBuild;

    /// <summary>On a CI server.</summary>
    public bool IsServerBuild => Host?.IsCi ?? false;

    /// <summary>The environment given to the runner; use it instead of process globals.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; internal set; } = new Dictionary<string, string>();

    /// <summary>Cancelled on Ctrl-C.</summary>
    public CancellationToken CancellationToken { get; internal set; }

    internal SecretMasker Masker { get; set; } = new();

    /// <summary>The target run when none is named; without one, the help is printed.</summary>
    protected virtual Target? DefaultTarget => null;

    internal Target? GetDefaultTarget() => DefaultTarget;

    /// <summary>
    /// Called once parameters are bound and the plan is made, before requirements are checked and anything runs (not for
    /// <c>--help</c> or <c>--plan</c>): the place to reject a configuration with a <see cref="BuildConfigurationException"/>.
    /// </summary>
    protected virtual void OnBuildInitialized()
    {
    }

    internal void Initialized() => OnBuildInitialized();

    /// <summary>Sets the summary note of the currently running target.</summary>
    public void Note(string text) => noteSink?.Invoke(text);

    /// <summary>Masks a value obtained at runtime (e.g. a registry password) in all later output.</summary>
    public void RegisterSecret(string value) => Masker.Add(value);

    internal void SetNoteSink(Action<string>? sink) => noteSink = sink;
}
