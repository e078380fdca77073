using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>Runs every lint check, prints each finding as <c>file:line: message</c>, and fails when there is any.</summary>
public sealed class Linter(IReadOnlyList<ILintCheck> checks, IBuildLog log)
{
    /// <summary>The checks of this repository: C#, shell scripts, Dockerfiles, CI YAML and the build.sh commands in it.</summary>
    /// <param name="solution">The solution dotnet format and the analyzers check.</param>
    /// <param name="yamlFiles">The CI files, relative to the root.</param>
    /// <param name="checkInvocation">The build's own check of a build.sh argument list (see <see cref="CiInvocationCheck"/>).</param>
    public static IReadOnlyList<ILintCheck> DefaultChecks(
        string solution, IReadOnlyList<string> yamlFiles, Func<IReadOnlyList<string>, string?> checkInvocation) =>
    [
        new DotnetCheck(solution),
        new ShellScriptCheck(),
        new DockerfileCheck(),
        new YamlCheck(yamlFiles),
        new GitLabCiCheck(),
        new CiInvocationCheck(yamlFiles, checkInvocation),
    ];

    public async Task<IReadOnlyList<LintFinding>> RunAsync(LintContext context, CancellationToken cancellationToken)
    {
        await context.Installed.EnsureAsync(cancellationToken);
        var all = new List<LintFinding>();
        foreach (var check in checks)
        {
            var findings = await check.RunAsync(context, cancellationToken);
            log.Information($"{check.Name}: {(findings.Count == 0 ? "clean" : $"{findings.Count} finding(s)")}");
            foreach (var finding in findings)
            {
                log.Write(finding.ToString());
            }

            all.AddRange(findings);
        }

        return all;
    }
}
