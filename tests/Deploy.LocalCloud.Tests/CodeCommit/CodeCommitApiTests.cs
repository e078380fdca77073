using System.Text.Json.Nodes;
using Deploy.LocalCloud.CodeCommit;
using Deploy.LocalCloud.Tests.CloudFormation;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests.CodeCommit;

/// <summary>The CodeCommit API over real bare repositories: their lifecycle (API and CloudFormation), errors as AWS names
/// them, and persistence across restarts.</summary>
public sealed class CodeCommitApiTests
{
    [Fact]
    public async Task Each_repository_is_a_bare_git_repository_created_and_deleted_with_it()
    {
        await using var cloud = await TestCloud.StartAsync();
        var bare = Path.Combine(cloud.Instance.Options.StateDirectory, "codecommit", "app.git");

        var created = (await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "app"))["repositoryMetadata"]!;

        Assert.Equal($"http://127.0.0.1:{cloud.Instance.Endpoint.Port}/v1/repos/app", created["cloneUrlHttp"]!.GetValue<string>());
        Assert.Null(created["defaultBranch"]);
        Assert.Equal("true", (await ProcessRunner.RunAsync("git", ["-C", bare, "rev-parse", "--is-bare-repository"], GitClient.BaseEnvironment(bare), inheritEnvironment: false)).Stdout.Trim());
        using var git = new GitClient(cloud.Instance);
        Assert.Equal(0, (await git.RunAsync(git.Path(""), "ls-remote", created["cloneUrlHttp"]!.GetValue<string>())).ExitCode);

        var deleted = await cloud.Cli.JsonAsync("codecommit", "delete-repository", "--repository-name", "app");

        Assert.Equal(created["repositoryId"]!.GetValue<string>(), deleted["repositoryId"]!.GetValue<string>());
        Assert.False(Directory.Exists(bare));
        var gone = await git.RunAsync(git.Path(""), "ls-remote", created["cloneUrlHttp"]!.GetValue<string>());
        Assert.Contains("not found", gone.Stderr, StringComparison.Ordinal);
        Assert.Empty(await cloud.Cli.JsonAsync("codecommit", "delete-repository", "--repository-name", "app"));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_cloudformation_repository_has_a_git_endpoint_at_its_clone_url_until_the_stack_is_deleted()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var templates = new TempDirectory();
        var template = new JsonObject
        {
            ["Resources"] = new JsonObject
            {
                ["Source"] = new JsonObject
                {
                    ["Type"] = "AWS::CodeCommit::Repository",
                    ["Properties"] = new JsonObject { ["RepositoryName"] = "from-stack", ["RepositoryDescription"] = "mirror target" },
                },
            },
            ["Outputs"] = new JsonObject { ["Url"] = new JsonObject { ["Value"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("Source", "CloneUrlHttp") } } },
        };
        await cloud.Cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "source", "--template-body", StackCli.TemplateFile(templates, template));
        var stack = await StackCli.SettledAsync(cloud.Cli, "source");
        Assert.Equal("CREATE_COMPLETE", stack["StackStatus"]!.GetValue<string>());
        var url = stack["Outputs"]![0]!["OutputValue"]!.GetValue<string>();
        using var git = new GitClient(cloud.Instance);
        var work = git.Path("work");
        await git.GitAsync(git.Path(""), "init", "-q", "-b", "main", work);
        var commit = await git.CommitAsync(work, "first");

        await git.GitAsync(work, "push", "-q", url, "main");

        Assert.Equal(commit, (await cloud.Cli.JsonAsync("codecommit", "get-branch", "--repository-name", "from-stack", "--branch-name", "main"))["branch"]!["commitId"]!.GetValue<string>());
        await cloud.Cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "source");
        var bare = Path.Combine(cloud.Instance.Options.StateDirectory, "codecommit", "from-stack.git");
        for (var attempt = 0; attempt < 60 && Directory.Exists(bare); attempt++)
        {
            await Task.Delay(250);
        }

        Assert.False(Directory.Exists(bare));
        Assert.Equal("RepositoryDoesNotExistException", await cloud.Cli.ErrorCodeAsync("codecommit", "get-repository", "--repository-name", "from-stack"));
    }

    [Fact]
    public async Task Branch_commit_and_repository_errors_carry_codecommit_codes()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        await cli.JsonAsync("codecommit", "create-repository", "--repository-name", "errors");
        using var api = new SignedApiClient(cloud.Instance);

        Assert.Empty((await cli.JsonAsync("codecommit", "list-branches", "--repository-name", "errors"))["branches"]!.AsArray());
        Assert.Equal("BranchDoesNotExistException", await cli.ErrorCodeAsync("codecommit", "get-branch", "--repository-name", "errors", "--branch-name", "main"));
        Assert.Equal("RepositoryDoesNotExistException", await cli.ErrorCodeAsync("codecommit", "get-branch", "--repository-name", "missing", "--branch-name", "main"));
        Assert.Equal("RepositoryDoesNotExistException", await cli.ErrorCodeAsync("codecommit", "list-branches", "--repository-name", "missing"));
        Assert.Equal("CommitIdDoesNotExistException", await cli.ErrorCodeAsync("codecommit", "get-commit", "--repository-name", "errors", "--commit-id", new string('a', 40)));
        Assert.Equal("InvalidCommitIdException", await cli.ErrorCodeAsync("codecommit", "get-commit", "--repository-name", "errors", "--commit-id", "HEAD"));
        Assert.Equal("RepositoryDoesNotExistException", await cli.ErrorCodeAsync("codecommit", "get-commit", "--repository-name", "missing", "--commit-id", new string('a', 40)));
        Assert.Equal("InvalidRepositoryNameException", await cli.ErrorCodeAsync("codecommit", "create-repository", "--repository-name", "ends-with.git"));
        Assert.Equal("InvalidSortByException", await cli.ErrorCodeAsync("codecommit", "list-repositories", "--sort-by", "size"));
        using var noBranch = await api.JsonAsync("CodeCommit_20150413.GetBranch", """{"repositoryName":"errors"}""", "codecommit");
        Assert.Contains("BranchNameRequiredException", await noBranch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var noCommit = await api.JsonAsync("CodeCommit_20150413.GetCommit", """{"repositoryName":"errors"}""", "codecommit");
        Assert.Contains("CommitIdRequiredException", await noCommit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Repositories_are_listed_sorted_and_paged_by_branch()
    {
        await using var cloud = await TestCloud.StartAsync();
        foreach (var name in new[] { "b-repo", "a-repo", "c-repo" })
        {
            await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", name);
        }

        var ascending = (await cloud.Cli.JsonAsync("codecommit", "list-repositories"))["repositories"]!.AsArray();
        var descending = (await cloud.Cli.JsonAsync("codecommit", "list-repositories", "--sort-by", "repositoryName", "--order", "descending"))["repositories"]!.AsArray();
        Assert.Equal(["a-repo", "b-repo", "c-repo"], ascending.Select(r => r!["repositoryName"]!.GetValue<string>()));
        Assert.Equal(["c-repo", "b-repo", "a-repo"], descending.Select(r => r!["repositoryName"]!.GetValue<string>()));

        using var git = new GitClient(cloud.Instance);
        var work = git.Path("work");
        await git.GitAsync(git.Path(""), "init", "-q", "-b", "main", work);
        await git.CommitAsync(work, "first");
        var refspecs = Enumerable.Range(0, 120).Select(i => $"main:refs/heads/b{i:D3}").ToArray();
        var url = (await cloud.Cli.JsonAsync("codecommit", "get-repository", "--repository-name", "a-repo"))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        await git.GitAsync(work, ["push", "-q", url, .. refspecs]);

        // The CLI follows nextToken itself (pages of 100).
        var branches = (await cloud.Cli.JsonAsync("codecommit", "list-branches", "--repository-name", "a-repo"))["branches"]!.AsArray();
        Assert.Equal(120, branches.Select(b => b!.GetValue<string>()).Distinct().Count());
        var firstPage = await cloud.Cli.JsonAsync("codecommit", "list-branches", "--repository-name", "a-repo", "--no-paginate");
        Assert.Equal(100, firstPage["branches"]!.AsArray().Count);
        Assert.NotNull(firstPage["nextToken"]);
        // No main or master was pushed: the first branch created becomes the default branch.
        Assert.Equal("b000", (await cloud.Cli.JsonAsync("codecommit", "get-repository", "--repository-name", "a-repo"))["repositoryMetadata"]!["defaultBranch"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Repositories_and_push_events_survive_a_restart_and_clone_urls_follow_the_new_port()
    {
        using var state = new TempDirectory();
        string commit;
        long cursor;
        await using (var cloud = await TestCloud.StartAsync(state.Path))
        {
            await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "durable");
            using var git = new GitClient(cloud.Instance);
            var work = git.Path("work");
            await git.GitAsync(git.Path(""), "init", "-q", "-b", "main", work);
            commit = await git.CommitAsync(work, "kept");
            await git.GitAsync(work, "push", "-q", $"{cloud.Instance.Endpoint.ToString().TrimEnd('/')}/v1/repos/durable", "main");
            cursor = cloud.Instance.Services.GetRequiredService<CodeCommitEvents>().ReadSince(0).Cursor;
        }

        await using (var cloud = await TestCloud.StartAsync(state.Path))
        {
            var metadata = (await cloud.Cli.JsonAsync("codecommit", "get-repository", "--repository-name", "durable"))["repositoryMetadata"]!;
            Assert.Equal($"{cloud.Instance.Endpoint.ToString().TrimEnd('/')}/v1/repos/durable", metadata["cloneUrlHttp"]!.GetValue<string>());
            Assert.Equal(commit, (await cloud.Cli.JsonAsync("codecommit", "get-branch", "--repository-name", "durable", "--branch-name", "main"))["branch"]!["commitId"]!.GetValue<string>());
            var events = cloud.Instance.Services.GetRequiredService<CodeCommitEvents>();
            Assert.Equal(1, cursor);
            Assert.Empty(events.ReadSince(cursor).Events);

            using var git = new GitClient(cloud.Instance);
            var clone = git.Path("clone");
            await git.GitAsync(git.Path(""), "clone", "-q", metadata["cloneUrlHttp"]!.GetValue<string>(), clone);
            var next = await git.CommitAsync(clone, "after restart");
            await git.GitAsync(clone, "push", "-q", "origin", "main");

            var after = Assert.Single(events.ReadSince(cursor).Events);
            Assert.Equal((2L, "referenceUpdated", (string?)next, (string?)commit), (after.Sequence, after.Event, after.CommitId, after.OldCommitId));
        }
    }
}
