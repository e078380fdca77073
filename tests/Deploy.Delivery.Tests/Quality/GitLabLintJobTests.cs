using Deploy.Testing;
using Deploy.Testing.GitLab;

namespace Deploy.Delivery.Tests.Quality;

/// <summary>
/// The repository's <c>lint</c> job as GitLab runs it in a merge-request pipeline: gitlab-ci-local (shell executor) runs
/// the job's script (<c>./build.sh Lint</c>) in a clone of this working tree, with GitLab's variables and the job's own
/// <c>NUGET_PACKAGES</c> under the project directory (filled as the job's cache would be). It is this repository's
/// Lint run (CI has no other): the job must pass, and its log is the findings list when it does not.
/// </summary>
[Collection(LintToolsGroup.Name)]
public sealed class GitLabLintJobTests(LintToolsFixture tools) : IAsyncLifetime
{
    private readonly string root = Directory.CreateTempSubdirectory("gitlab-lint-job-").FullName;

    private string Checkout => Path.Combine(root, "checkout");

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_lint_job_of_a_merge_request_pipeline_passes_on_this_working_tree()
    {
        var sha = await WorkingTreeClone.CreateAsync(RepositoryRoot.Path, Checkout, "feature/lint-job");
        var runner = new GitLabJobRunner(tools.Installed.NpmBin("gitlab-ci-local"), Checkout, root);
        await ReuseRunnerCachesAsync(runner);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GITLAB_CI"] = "true",
            ["CI_PIPELINE_SOURCE"] = "merge_request_event",
            ["CI_MERGE_REQUEST_IID"] = "7",
            ["CI_COMMIT_SHA"] = sha,
            ["CI_COMMIT_REF_NAME"] = "feature/lint-job",
            ["CI_DEFAULT_BRANCH"] = "main",
            ["CI_PROJECT_PATH"] = "group/app",
            ["CI_JOB_ID"] = "4712",
        };

        var selected = await runner.SelectedJobsAsync(variables);
        var job = await runner.RunAsync("lint", variables, TimeSpan.FromMinutes(15));

        Assert.True(selected.SequenceEqual(["lint", "test"]), "jobs of a merge-request pipeline: " + string.Join(", ", selected));
        var log = await File.ReadAllTextAsync(runner.JobLog("lint"));
        Assert.True(job.ExitCode == 0, "the lint job failed; its log:\n" + log + job.Stderr);
        Assert.Contains("PASS  lint", job.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Lint\s+Succeeded\s+\S+\s+clean", log);
    }

    /// <summary>
    /// What a runner's caches give a job: the build project compiled from these sources (build.sh's cache), Lint's pinned
    /// linters, and the NuGet packages the job's <c>cache:</c> keeps in <c>.nuget/packages</c> (this machine's packages).
    /// </summary>
    private async Task ReuseRunnerCachesAsync(GitLabJobRunner runner)
    {
        var compile = await ProcessRunner.RunAsync(Path.Combine(RepositoryRoot.Path, "build.sh"), ["--help"], workingDirectory: RepositoryRoot.Path, timeout: TimeSpan.FromMinutes(5));
        Assert.True(compile.ExitCode == 0, compile.ToString());
        await runner.ReuseCompiledBuildAsync(RepositoryRoot.Path);
        File.CreateSymbolicLink(Path.Combine(Checkout, ".nuke", "temp", "tools"), RepositoryRoot.ToolsDirectory);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        Directory.CreateDirectory(Path.Combine(Checkout, ".nuget"));
        File.CreateSymbolicLink(Path.Combine(Checkout, ".nuget", "packages"), packages);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return Task.CompletedTask;
    }
}
