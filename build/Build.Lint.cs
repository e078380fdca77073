using Deploy.Delivery.Quality;
using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    static readonly string[] CiYamlFiles = [".gitlab-ci.yml", "buildspec.yml"];

    Target Lint => _ => _
        .Description("Checks formatting and analyzers, shell scripts, Dockerfiles, CI YAML and its build.sh commands; findings as file:line")
        .Executes(async ct =>
        {
            var installed = new LintTools(Path.Combine(TemporaryDirectory, "tools"), Tools, Log);
            // The CI files' ./build.sh commands are checked against this very graph.
            var checks = Linter.DefaultChecks(Solution, CiYamlFiles, arguments => InvocationCheck.Check<Build>(arguments, RootDirectory));
            var linter = new Linter(checks, Log);
            var findings = await linter.RunAsync(new LintContext(RootDirectory, Tools, installed), ct);
            Note(findings.Count == 0 ? "clean" : $"{findings.Count} finding(s)");
            if (findings.Count > 0)
            {
                throw new BuildFailedException($"Lint found {findings.Count} problem(s), listed above as file:line.");
            }
        });
}
