using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>Runs every lint check, prints each finding as <c>file:line: message</c>, and fails when there is any.</summary>
public sealed class Linter(IReadOnlyList<ILintCheck> checks, IBuildLog log)
{
    /// <summary>The checks of this repository: C#, shell scripts, Dockerfiles, CI YAML.</summary>
    public static IReadOnlyList<ILintCheck> DefaultChecks(string solution, IReadOnlyList<string> yamlFiles) =>
    [
        new DotnetCheck(solution),
        new ShellScriptCheck(),
        new DockerfileCheck(),
        new YamlCheck(yamlFiles),
        new GitLabCiCheck(),
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
