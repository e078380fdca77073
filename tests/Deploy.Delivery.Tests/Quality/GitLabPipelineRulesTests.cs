using System.Text.Json;
using Deploy.Delivery.Quality;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Quality;

/// <summary>
/// The repository's .gitlab-ci.yml selects the jobs its rules say, evaluated by gitlab-ci-local (GitLab's rules as
/// someone else implemented them) for the predefined variables GitLab sets in each kind of pipeline.
/// </summary>
[Collection(LintToolsGroup.Name)]
public sealed class GitLabPipelineRulesTests(LintToolsFixture tools)
{
    private const string DefaultBranch = "main";

    public static TheoryData<string, string[], string[]> Pipelines => new()
    {
        // A merge request pipeline: GitLab sets the source and no CI_COMMIT_BRANCH.
        { "merge request", ["CI_PIPELINE_SOURCE=merge_request_event", "CI_MERGE_REQUEST_IID=7"], ["test", "lint"] },
        { "push to the default branch", ["CI_PIPELINE_SOURCE=push", $"CI_COMMIT_BRANCH={DefaultBranch}"], ["test", "lint", "release"] },
        { "push to develop", ["CI_PIPELINE_SOURCE=push", "CI_COMMIT_BRANCH=develop"], ["test", "lint", "mirror"] },
        { "push to another branch", ["CI_PIPELINE_SOURCE=push", "CI_COMMIT_BRANCH=feature/faster-tests"], ["test", "lint"] },
    };

    [Theory]
    [MemberData(nameof(Pipelines))]
    public async Task A_pipeline_runs_the_jobs_the_rules_select(string pipeline, string[] variables, string[] expected)
    {
        var jobs = await JobsAsync([.. variables, $"CI_DEFAULT_BRANCH={DefaultBranch}"], unset: variables.Any(v => v.StartsWith("CI_COMMIT_BRANCH=", StringComparison.Ordinal)) ? [] : ["CI_COMMIT_BRANCH"]);

        Assert.True(expected.Order().SequenceEqual(jobs.Where(j => j.When != "never").Select(j => j.Name).Order()),
            $"{pipeline}: expected {string.Join(", ", expected)}; gitlab-ci-local selects {string.Join(", ", jobs.Select(j => $"{j.Name} ({j.When})"))}");
        Assert.Contains(jobs, j => j.Name == "mirror"); // listed, when:never included: the rules decided, not a typo
    }

    /// <summary>Every job with its <c>when</c> after rules (<c>never</c> = not in this pipeline), from <c>--list-json</c>.</summary>
    private async Task<List<(string Name, string When)>> JobsAsync(string[] variables, string[] unset)
    {
        string[] arguments =
        [
            "--list-json", "--json-schema-validation=false",
            "--ignore-predefined-vars", string.Join(',', variables.Concat(unset).Select(v => v.Split('=')[0])),
            .. variables.SelectMany(v => new[] { "--variable", v }),
            .. unset.SelectMany(v => new[] { "--unset-variable", v }),
        ];
        var result = await tools.Tools.RunAsync(tools.Installed.NpmBin("gitlab-ci-local"), arguments,
            new ToolOptions { WorkingDirectory = RepositoryRoot.Path, CaptureOutput = true, EchoOutput = false });

        // Its notes about the git remote come first on standard output; the JSON starts at the first line that opens it.
        var json = string.Join('\n', result.Output.SkipWhile(l => !l.StartsWith('[')));
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(j => (j.GetProperty("name").GetString()!, j.GetProperty("when").GetString()!))];
    }
}
