namespace Deploy.Engine;

/// <summary>
/// Checks a command line against a build's target graph the way <see cref="BuildRunner"/> would, running nothing: so a
/// CI file's <c>./build.sh</c> lines can be checked before a renamed target or parameter breaks a pipeline.
/// </summary>
public static class InvocationCheck
{
    /// <summary>
    /// Null when <paramref name="args"/> parses, names only targets and parameters the build has, finds its profiles'
    /// files and plans (no cycle); otherwise the line the build would print. Values are not converted: in CI files they
    /// usually come from variables known only when the job runs. No environment is read.
    /// </summary>
    /// <param name="args">The arguments after <c>./build.sh</c>.</param>
    /// <param name="rootDirectory">The build root (the folder with <c>.nuke/</c>).</param>
    public static string? Check<TBuild>(IReadOnlyList<string> args, string rootDirectory)
        where TBuild : BuildBase, new()
    {
        ArgumentNullException.ThrowIfNull(args);
        var build = new TBuild();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var parameters = ParameterMember.Discover(build.GetType());
            var commandLine = CommandLine.Parse(args, name => BuildRunner.ArityOf(name, parameters));
            var binder = new ParameterBinder(rootDirectory, environment);
            binder.CheckNames(parameters, commandLine);

            // What static conditions may read while planning.
            build.RootDirectory = rootDirectory;
            build.Environment = environment;
            build.Profiles = commandLine.Profiles;
            build.Log = new ConsoleBuildLog(new DiscardingConsole(), build.Masker);
            build.Host = HostDetector.Detect(environment, isTerminal: false, rootDirectory);

            var catalog = TargetCatalog.Discover(build, parameters);
            var defaultTarget = catalog.NameOf(build.GetDefaultTarget());
            var invoked = commandLine.Targets.Count > 0 ? commandLine.Targets
                : binder.JsonTargets ?? (defaultTarget is null ? [] : [defaultTarget]);
            if (commandLine.Help || invoked.Count == 0)
                return null;
            build.InvokedTargets = [.. invoked.Select(name => BuildPlanner.Resolve(name, catalog.Nodes).Name).Distinct()];
            BuildPlanner.Plan(catalog.Nodes, new PlanRequest(invoked, commandLine.Skip ?? binder.JsonSkip));
            return null;
        }
        catch (BuildConfigurationException exception)
        {
            return exception.Message;
        }
    }

    private sealed class DiscardingConsole : IBuildConsole
    {
        public TextWriter Out => TextWriter.Null;
        public TextWriter Error => TextWriter.Null;
        public bool IsTerminal => false;
    }
}
