using System.Diagnostics;

namespace Deploy.Engine;

/// <summary>Entry points: <see cref="RunAsync{TBuild}"/> for tests, <see cref="Main{TBuild}"/> for the process.</summary>
public static class BuildRunner
{
    /// <summary>
    /// Runs a build with everything passed in (no process globals read). Exit codes: 0 success,
    /// 1 failed, 2 usage or configuration error, 130 aborted (<see cref="Main{TBuild}"/> turns it into 143 for SIGTERM).
    /// </summary>
    public static Task<int> RunAsync<TBuild>(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> environment,
        IBuildConsole console,
        string workingDirectory,
        CancellationToken cancellationToken)
        where TBuild : BuildBase, new() =>
        RunAsync(new TBuild(), args, environment, console, workingDirectory, cancellationToken);

    /// <summary>
    /// The process edge: real arguments, environment, console and directory. The first Ctrl-C or SIGTERM aborts the running
    /// target (exit code 130 or 143), a second one ends the process.
    /// </summary>
    public static int Main<TBuild>(string[] args)
        where TBuild : BuildBase, new()
    {
        // Every run reads .nuke/parameters.json, and a process's first JSON parse costs about 15 ms (System.Text.Json loads and
        // compiles its reader): paid on another core while the parameters are discovered.
        new Thread(ParameterBinder.WarmUp) { IsBackground = true, Name = "json warm-up" }.Start();
        using var signals = new StopSignals(Console.Error);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        var exitCode = RunAsync<TBuild>(args, environment, new SystemConsole(), Directory.GetCurrentDirectory(), signals.Token)
            .GetAwaiter().GetResult();
        return signals.ExitCode(exitCode);
    }

    internal static async Task<int> RunAsync(
        BuildBase build,
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> environment,
        IBuildConsole console,
        string workingDirectory,
        CancellationToken cancellationToken)
    {
        var masker = build.Masker;
        var log = new ConsoleBuildLog(console, masker);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var parameters = ParameterMember.Discover(build.GetType());
            var commandLine = CommandLine.Parse(args, name => ArityOf(name, parameters));
            log.Verbosity = commandLine.Verbosity;
            var root = RootFinder.Find(commandLine.Root, workingDirectory);
            var binder = new ParameterBinder(root, environment);
            binder.Bind(build, parameters, commandLine);
            foreach (var parameter in parameters.Where(p => p.IsSecret))
            {
                RegisterSecretValue(masker, parameter.GetValue(build));
                // Arguments are readable by every user of the machine (ps, /proc/<pid>/cmdline); the value works, the habit not.
                if (parameter.Source.StartsWith("--", StringComparison.Ordinal))
                {
                    log.Warning($"{parameter.OptionName} on the command line is visible in the process list; set {parameter.EnvironmentName} in the environment "
                        + "(a masked CI/CD variable in GitLab) or put it in an untracked .nuke/parameters.<profile>.json.");
                }
            }

            build.RootDirectory = root;
            build.Environment = environment;
            build.Verbosity = commandLine.Verbosity;
            build.Profiles = commandLine.Profiles;
            build.Log = log;
            build.Tools = new ToolRunner(log, masker, environment, root);
            build.Host = HostDetector.Detect(environment, console.IsTerminal, root);
            build.CancellationToken = cancellationToken;

            var catalog = TargetCatalog.Discover(build, parameters);
            if (Directory.Exists(Path.Combine(root, ".nuke")))
            {
                SchemaWriter.WriteIfChanged(Path.Combine(root, ".nuke", "build.schema.json"), Path.Combine(build.TemporaryDirectory, "build.schema.stamp"),
                    build.GetType(), parameters, catalog.Nodes);
            }

            var defaultTarget = catalog.NameOf(build.GetDefaultTarget());
            var invoked = commandLine.Targets.Count > 0 ? commandLine.Targets
                : binder.JsonTargets ?? (defaultTarget is null ? [] : [defaultTarget]);
            if (commandLine.Help || invoked.Count == 0)
            {
                HelpWriter.Write(log, catalog, defaultTarget, parameters, build);
                return BuildSummary.Succeeded;
            }

            // Set before planning: static conditions may read it.
            build.InvokedTargets = [.. invoked.Select(name => BuildPlanner.Resolve(name, catalog.Nodes).Name).Distinct()];
            var plan = BuildPlanner.Plan(catalog.Nodes, new PlanRequest(invoked, commandLine.Skip ?? binder.JsonSkip));
            if (commandLine.Plan)
            {
                PlanWriter.Write(log, plan, Path.Combine(build.TemporaryDirectory, "plan.mmd"));
                return BuildSummary.Succeeded;
            }

            build.PlannedTargets = [.. plan.Targets.Where(t => !t.IsSkipped).Select(t => t.Name)];
            build.Initialized();
            CheckRequirements(plan);
            var sections = new TargetSections(log, build.Host.Kind, TimeProvider.System);
            var results = await new TargetExecutor(build, log, sections, TimeProvider.System).ExecuteAsync(plan, cancellationToken);
            var aborted = cancellationToken.IsCancellationRequested;
            BuildSummary.Write(log, results, Stopwatch.GetElapsedTime(started), aborted);
            return BuildSummary.ExitCode(results, aborted);
        }
        catch (BuildConfigurationException exception)
        {
            log.Error(exception.Message);
            return BuildSummary.UsageError;
        }
    }

    /// <summary>Every planned, non-skipped target's requirements hold, or nothing runs.</summary>
    internal static void CheckRequirements(ExecutionPlan plan)
    {
        foreach (var target in plan.Targets.Where(t => !t.IsSkipped))
        {
            foreach (var requirement in target.Node.Requirements)
            {
                bool satisfied;
                try
                {
                    satisfied = requirement.IsSatisfied();
                }
                catch (Exception exception) when (exception is not BuildConfigurationException)
                {
                    throw new BuildConfigurationException(
                        $"Target {target.Name} requires {requirement.Description}, which threw: {exception.Message}");
                }

                if (!satisfied)
                    throw new BuildConfigurationException($"Target {target.Name} requires {requirement.Description}.");
            }
        }
    }

    internal static OptionArity? ArityOf(string name, IReadOnlyList<ParameterMember> parameters)
    {
        var parameter = parameters.FirstOrDefault(p => p.IsNamed(name));
        if (parameter is null)
            return null;
        if (ValueConverter.ElementType(parameter.Type) is not null)
            return OptionArity.Many;
        return (Nullable.GetUnderlyingType(parameter.Type) ?? parameter.Type) == typeof(bool) ? OptionArity.OptionalBool : OptionArity.One;
    }

    private static void RegisterSecretValue(SecretMasker masker, object? value)
    {
        if (value is string text)
            masker.Add(text);
        else if (value is System.Collections.IEnumerable items)
        {
            foreach (var item in items)
                RegisterSecretValue(masker, item);
        }
    }
}
