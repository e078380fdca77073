using System.Globalization;
using System.Xml.Linq;
using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>Counts of one test run, read back from the JUnit reports.</summary>
public sealed record TestCounts(int Passed, int Failed, int Skipped)
{
    public override string ToString() => $"{Passed} passed, {Failed} failed, {Skipped} skipped";
}

/// <summary>
/// Runs <c>dotnet test</c> on the solution with one JUnit XML report per test project (what GitLab's
/// <c>artifacts:reports:junit</c> reads) and counts the results from those reports. Given a coverage folder, coverlet
/// also writes a Cobertura report per test project there (<see cref="CoberturaReports"/> merges them).
/// </summary>
public sealed class TestRunner(ToolRunner tools)
{
    /// <summary>coverlet's collector, and what it leaves out: our test support library is not product code.</summary>
    private static readonly string[] CoverageArguments =
    [
        "--collect", "XPlat Code Coverage",
    ];

    private static readonly string[] CoverageSettings =
    [
        "--",
        "DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Format=cobertura",
        "DataCollectionRunSettings.DataCollectors.DataCollector.Configuration.Exclude=[Deploy.Testing]*",
    ];

    /// <summary>Tests with this category disturb the whole machine (e.g. restart dockerd): they run alone, last.</summary>
    public const string ExclusiveCategory = "Exclusive";

    /// <summary>Set for the exclusive pass; such tests skip themselves without it, so a plain <c>dotnet test</c> is safe.</summary>
    public const string ExclusiveVariable = "LOCAL_CLOUD_TESTS_RESTART_DOCKERD";

    /// <param name="rootDirectory">The repository root.</param>
    /// <param name="solution">The solution whose test projects run.</param>
    /// <param name="resultsDirectory">Where the JUnit reports go (emptied first).</param>
    /// <param name="filter">A <c>dotnet test --filter</c> expression, or null for all tests.</param>
    /// <param name="coverageDirectory">Where coverlet writes its Cobertura reports (emptied first); null collects no coverage.</param>
    /// <param name="testProjects">The test projects, slowest first: they run in two lanes (<c>dotnet test</c> on the
    /// solution leaves the lane order to MSBuild, which ran the two slowest one after the other).</param>
    /// <param name="cancellationToken">Stops the test run.</param>
    public async Task<TestCounts> RunAsync(
        string rootDirectory, string solution, IReadOnlyList<string> testProjects, string resultsDirectory, string? filter, string? coverageDirectory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(testProjects);
        foreach (var directory in new[] { resultsDirectory, coverageDirectory }.OfType<string>())
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(directory);
        }

        var user = string.IsNullOrWhiteSpace(filter) ? null : $"({filter})&";
        // Test projects run in parallel; the exclusive ones would stop the others' containers, so they get a pass of their own.
        var built = await tools.RunAsync("dotnet", ["build", solution, "--nologo", "-v", "q", "-clp:NoSummary"],
            new ToolOptions { WorkingDirectory = rootDirectory, ThrowOnFailure = false }, cancellationToken);
        if (built.ExitCode != 0)
        {
            throw new BuildFailedException($"dotnet build {Path.GetFileName(solution)} failed (exit code {built.ExitCode}); no test ran. See the output above.");
        }

        // Two lanes take the projects in the order given, the next one whenever a lane is free.
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(testProjects);
        var lanes = Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount, 1, 2)).Select(async _ =>
        {
            var worst = 0;
            while (queue.TryDequeue(out var project))
            {
                var code = await DotnetTestAsync(rootDirectory, project, Path.Combine(resultsDirectory, "{assembly}.xml"),
                    $"{user}Category!={ExclusiveCategory}", new Dictionary<string, string?>(), build: false, coverageDirectory, cancellationToken);
                worst = worst != 0 ? worst : code;
            }

            return worst;
        }).ToList();
        var shared = (await Task.WhenAll(lanes)).FirstOrDefault(code => code != 0);
        // Everything is built; building again would only repeat MSBuild's up-to-date checks. Coverage would
        // instrument every test project again (seconds each) for the few exclusive tests: they are not counted.
        var exclusive = await DotnetTestAsync(rootDirectory, solution, Path.Combine(resultsDirectory, "{assembly}.exclusive.xml"),
            $"{user}Category={ExclusiveCategory}", new Dictionary<string, string?> { [ExclusiveVariable] = "1" }, build: false, coverageDirectory: null, cancellationToken);

        var counts = CountReports(resultsDirectory);
        if ((shared != 0 || exclusive != 0) && counts.Failed == 0)
        {
            // A build error or a crashed test host: there is no failed test to count, but the run failed.
            throw new BuildFailedException($"dotnet test exited with code {(shared != 0 ? shared : exclusive)} before reporting a failed test (build error or crashed test host); see the output above.");
        }

        return counts;
    }

    private async Task<int> DotnetTestAsync(
        string rootDirectory, string target, string reportPath, string filter, IReadOnlyDictionary<string, string?> environment, bool build,
        string? coverageDirectory, CancellationToken cancellationToken)
    {
        string[] coverage = coverageDirectory is null ? [] : [.. CoverageArguments, "--results-directory", coverageDirectory, .. CoverageSettings];
        string[] arguments =
        [
            "test", target, "--nologo", .. build ? Array.Empty<string>() : ["--no-build"],
            "--logger", $"junit;LogFilePath={reportPath};MethodFormat=Class;FailureBodyFormat=Verbose",
            "--logger", "console;verbosity=minimal",
            "--filter", filter,
            .. coverage,
        ];
        var result = await tools.RunAsync("dotnet", arguments,
            new ToolOptions { WorkingDirectory = rootDirectory, ThrowOnFailure = false, Environment = environment }, cancellationToken);
        return result.ExitCode;
    }

    /// <summary>Sums the testsuite counters of every JUnit report in the folder.</summary>
    public static TestCounts CountReports(string resultsDirectory)
    {
        int total = 0, failed = 0, skipped = 0;
        foreach (var file in Directory.EnumerateFiles(resultsDirectory, "*.xml"))
        {
            foreach (var suite in XDocument.Load(file).Descendants("testsuite"))
            {
                total += Count(suite, "tests");
                failed += Count(suite, "failures") + Count(suite, "errors");
                skipped += Count(suite, "skipped");
            }
        }

        return new TestCounts(total - failed - skipped, failed, skipped);
    }

    private static int Count(XElement suite, string attribute) =>
        int.TryParse((string?)suite.Attribute(attribute), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
