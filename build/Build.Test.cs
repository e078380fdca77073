using Deploy.Delivery.Machine;
using Deploy.Delivery.Quality;
using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    [Parameter("Only run the tests matching this dotnet test --filter expression")]
    readonly string? TestFilter;

    static readonly Dictionary<string, string> TestCommands = new()
    {
        ["git"] = "git",
        ["busybox"] = "busybox-static",
        ["rsync"] = "rsync",
    };

    string TestResultsDirectory => Path.Combine(ArtifactsDirectory, "test-results");

    Target Test => _ => _
        .Description("Runs the unit and integration tests; JUnit XML per project under artifacts/test-results")
        .Executes(async ct =>
        {
            // The integration tests use real Docker, git and a static busybox for tiny offline images.
            var packages = new DebianPackages(Tools, Log);
            await packages.EnsureCommandsAsync(TestCommands, "the tests", ct);
            await new DockerEngine(Tools, Log, packages, TemporaryDirectory).EnsureRunningAsync(Environment, ct);
            var counts = await new TestRunner(Tools).RunAsync(RootDirectory, Solution, TestResultsDirectory, TestFilter, ct);
            Note(counts.ToString());
            // The closing line CI systems read; also kept in a file so .ci/run can repeat it last.
            Log.Write(counts.ToString());
            await File.WriteAllTextAsync(Path.Combine(TestResultsDirectory, "summary.txt"), counts + "\n", ct);
            if (counts.Failed > 0)
            {
                throw new BuildFailedException($"{counts.Failed} test(s) failed; see the output above or artifacts/test-results.");
            }
        });
}
