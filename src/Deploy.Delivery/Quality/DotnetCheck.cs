using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>
/// The C# checks: <c>dotnet format --verify-no-changes</c> (whitespace, code style, analyzers) and a build
/// with warnings as errors, both reported as file:line findings.
/// </summary>
public sealed class DotnetCheck(string solution) : ILintCheck
{
    public string Name => "dotnet format + analyzers";

    public async Task<IReadOnlyList<LintFinding>> RunAsync(LintContext context, CancellationToken cancellationToken)
    {
        var options = new ToolOptions { WorkingDirectory = context.RootDirectory, CaptureOutput = true, EchoOutput = false, ThrowOnFailure = false };
        var format = await context.Tools.RunAsync("dotnet", ["format", solution, "--verify-no-changes", "--verbosity", "quiet"], options, cancellationToken);
        var findings = MsBuildDiagnostics.Parse(format.AllOutput(), context).ToList();
        if (format.ExitCode != 0 && findings.Count == 0)
        {
            findings.Add(new LintFinding(solution, 1, $"dotnet format exited with code {format.ExitCode}: {string.Join(" ", format.AllOutput().TakeLast(3))}"));
        }

        var build = await context.Tools.RunAsync("dotnet", ["build", solution, "-warnaserror", "-nologo", "-clp:NoSummary", "-v", "q"], options, cancellationToken);
        var buildFindings = MsBuildDiagnostics.Parse(build.AllOutput(), context).Where(f => !findings.Contains(f)).ToList();
        findings.AddRange(buildFindings);
        if (build.ExitCode != 0 && buildFindings.Count == 0 && findings.Count == 0)
        {
            findings.Add(new LintFinding(solution, 1, $"dotnet build exited with code {build.ExitCode}: {string.Join(" ", build.AllOutput().TakeLast(3))}"));
        }

        return findings;
    }
}
