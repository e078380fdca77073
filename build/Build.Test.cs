using Deploy.Delivery.Machine;
using Deploy.Delivery.Quality;
using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    [Parameter("Only run the tests matching this dotnet test --filter expression")]
    readonly string? TestFilter;

    [Parameter("Test collects line coverage: coverlet's Cobertura reports merged into artifacts/coverage/coverage.cobertura.xml (GitLab shows it in merge requests)")]
    readonly bool Coverage = true;

    static readonly Dictionary<string, string> TestCommands = new()
    {
        ["git"] = "git",
        ["busybox"] = "busybox-static",
        ["rsync"] = "rsync",
    };

    // Slowest first (one CI run on 2 cores: LocalCloud 12 min, Build 9.5, Delivery 6, the rest seconds), so the two lanes
    // end close together; a test project not named here runs after these.
    static readonly string[] TestProjectsSlowestFirst =
        ["Deploy.LocalCloud.Tests", "Deploy.Build.Tests", "Deploy.Delivery.Tests", "Deploy.Aws.Tests", "Deploy.Engine.Tests"];

    IReadOnlyList<string> TestProjects => [.. Directory.EnumerateFiles(Path.Combine(RootDirectory, "tests"), "*.Tests.csproj", SearchOption.AllDirectories)
        .OrderBy(path => Array.IndexOf(TestProjectsSlowestFirst, Path.GetFileNameWithoutExtension(path)) is var rank and >= 0 ? rank : int.MaxValue)
        .ThenBy(path => path, StringComparer.Ordinal)];

    string TestResultsDirectory => Path.Combine(ArtifactsDirectory, "test-results");

    string CoverageDirectory => Path.Combine(ArtifactsDirectory, "coverage");

    /// <summary>The merged report .gitlab-ci.yml hands to GitLab (artifacts:reports:coverage_report).</summary>
    internal string CoverageReport => Path.Combine(CoverageDirectory, "coverage.cobertura.xml");

    Target Test => _ => _
        .Description("Runs the unit and integration tests; JUnit XML per project under artifacts/test-results, line coverage in artifacts/coverage")
        .Executes(async ct =>
        {
            // The integration tests use real Docker, git and a static busybox for tiny offline images.
            var packages = new DebianPackages(Tools, Log);
            await packages.EnsureCommandsAsync(TestCommands, "the tests", ct);
            await new DockerEngine(Tools, Log, packages, TemporaryDirectory).EnsureRunningAsync(Environment, ct);
            // The tests run .gitlab-ci.yml's jobs with Lint's pinned tools (gitlab-ci-local): installed here, once, before
            // the test projects start side by side (two apt-get or npm installs at once would fight over their locks).
            await new LintTools(Path.Combine(TemporaryDirectory, "tools"), Tools, Log).EnsureAsync(ct);
            var perProject = Path.Combine(CoverageDirectory, "projects");
            var counts = await new TestRunner(Tools).RunAsync(RootDirectory, Solution, TestProjects, TestResultsDirectory, TestFilter, Coverage ? perProject : null, ct);
            Note(counts.ToString());
            if (Coverage)
            {
                var reports = Directory.EnumerateFiles(perProject, "coverage.cobertura.xml", SearchOption.AllDirectories);
                var coverage = CoberturaReports.Merge(reports, RootDirectory, CoverageReport);
                // The line GitLab's coverage: regex reads (before the counts, which stay the closing line).
                Log.Write(coverage.ToString());
                Note($"{counts}; {coverage.Percent:0.0}% of lines");
            }

            // The closing line CI systems read; also kept in a file so .ci/run can repeat it last.
            Log.Write(counts.ToString());
            await File.WriteAllTextAsync(Path.Combine(TestResultsDirectory, "summary.txt"), counts + "\n", ct);
            if (counts.Failed > 0)
            {
                throw new BuildFailedException($"{counts.Failed} test(s) failed; see the output above or artifacts/test-results.");
            }
        });
}
