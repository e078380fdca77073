using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Deploy.LocalCloud.CodeCommit;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests.CodeCommit;

/// <summary>Real git against a real local cloud: the git endpoint behind <c>cloneUrlHttp</c>, its SigV4 git password check
/// (the aws CLI's credential helper is the oracle) and the API reading what was pushed.</summary>
public sealed class CodeCommitGitTests
{
    [Fact]
    public async Task Clone_push_and_fetch_work_with_the_aws_cli_credential_helper_and_pushes_are_visible_through_the_api()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var git = new GitClient(cloud.Instance);
        var url = (await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "service"))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();

        var first = git.Path("first");
        var cloned = await git.RunAsync(git.Path(""), "clone", url, first);
        Assert.True(cloned.ExitCode == 0, cloned.ToString());
        Assert.Contains("You appear to have cloned an empty repository", cloned.Stderr, StringComparison.Ordinal);
        var initial = await git.CommitAsync(first, "Initial commit");
        await git.GitAsync(first, "push", "-q", "origin", "main");
        await git.GitAsync(first, "checkout", "-q", "-b", "feature/login");
        var feature = await git.CommitAsync(first, "Add login\n\nWith a body.");
        await git.GitAsync(first, "tag", "-a", "v1.0", "-m", "release 1.0");
        await git.GitAsync(first, "push", "-q", "origin", "feature/login", "v1.0");

        var branch = (await cloud.Cli.JsonAsync("codecommit", "get-branch", "--repository-name", "service", "--branch-name", "main"))["branch"]!;
        Assert.Equal("main", branch["branchName"]!.GetValue<string>());
        Assert.Equal(initial, branch["commitId"]!.GetValue<string>());
        var commit = (await cloud.Cli.JsonAsync("codecommit", "get-commit", "--repository-name", "service", "--commit-id", feature))["commit"]!;
        Assert.Equal(feature, commit["commitId"]!.GetValue<string>());
        Assert.Equal("Add login\n\nWith a body.\n", commit["message"]!.GetValue<string>());
        Assert.Equal(await git.GitAsync(first, "rev-parse", "HEAD^{tree}"), commit["treeId"]!.GetValue<string>());
        Assert.Equal(initial, commit["parents"]!.AsArray().Single()!.GetValue<string>());
        Assert.Equal("Local Cloud Test", commit["author"]!["name"]!.GetValue<string>());
        Assert.Equal("codecommit@example.test", commit["committer"]!["email"]!.GetValue<string>());
        Assert.Matches(@"^\d{10} [+-]\d{4}$", commit["author"]!["date"]!.GetValue<string>());
        var branches = (await cloud.Cli.JsonAsync("codecommit", "list-branches", "--repository-name", "service"))["branches"]!.AsArray();
        Assert.Equal(["feature/login", "main"], branches.Select(b => b!.GetValue<string>()).Order(StringComparer.Ordinal));
        var metadata = (await cloud.Cli.JsonAsync("codecommit", "get-repository", "--repository-name", "service"))["repositoryMetadata"]!;
        Assert.Equal("main", metadata["defaultBranch"]!.GetValue<string>());

        // A second clone checks out the default branch, pushes on top; the first fetches it.
        var second = git.Path("second");
        await git.GitAsync(git.Path(""), "clone", "-q", url, second);
        Assert.Equal(initial, await git.GitAsync(second, "rev-parse", "HEAD"));
        Assert.Equal("main", await git.GitAsync(second, "branch", "--show-current"));
        var update = await git.CommitAsync(second, "Second change");
        await git.GitAsync(second, "push", "-q", "origin", "main");
        await git.GitAsync(first, "fetch", "-q", "origin");
        Assert.Equal(update, await git.GitAsync(first, "rev-parse", "origin/main"));
        Assert.Equal(update, (await cloud.Cli.JsonAsync("codecommit", "get-branch", "--repository-name", "service", "--branch-name", "main"))["branch"]!["commitId"]!.GetValue<string>());

        var events = cloud.Instance.Services.GetRequiredService<CodeCommitEvents>().ReadSince(0);
        Assert.Equal(
            [
                ("referenceCreated", "branch", "main", (string?)initial, (string?)null),
                ("referenceCreated", "branch", "feature/login", feature, null),
                ("referenceCreated", "tag", "v1.0", feature, null),
                ("referenceUpdated", "branch", "main", update, initial),
            ],
            events.Events.Select(e => (e.Event, e.ReferenceType, e.ReferenceName, e.CommitId, e.OldCommitId)));
        Assert.Equal([1L, 2, 3, 4], events.Events.Select(e => e.Sequence));
        Assert.Equal(4, events.Cursor);
        Assert.All(events.Events, e => Assert.Equal("service", e.RepositoryName));
        Assert.Equal("refs/tags/v1.0", events.Events[2].ReferenceFullName);
        Assert.Empty(cloud.Instance.Services.GetRequiredService<CodeCommitEvents>().ReadSince(events.Cursor).Events);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_session_token_in_the_username_is_accepted_and_a_deleted_branch_is_an_event()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var git = new GitClient(cloud.Instance, sessionToken: "FwoGZXIvYXdzEXAMPLEsessionTOKEN//+token==");
        var url = (await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "tokens"))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        var work = git.Path("work");
        await git.GitAsync(git.Path(""), "init", "-q", "-b", "main", work);
        var commit = await git.CommitAsync(work, "first");
        await git.GitAsync(work, "push", "-q", url, "main", "main:refs/heads/doomed");

        await git.GitAsync(work, "push", "-q", url, ":refs/heads/doomed");

        var events = cloud.Instance.Services.GetRequiredService<CodeCommitEvents>().ReadSince(2).Events;
        var deleted = Assert.Single(events);
        Assert.Equal(("referenceDeleted", "doomed", null, commit), (deleted.Event, deleted.ReferenceName, deleted.CommitId, deleted.OldCommitId));
        Assert.Equal("BranchDoesNotExistException", await cloud.Cli.ErrorCodeAsync("codecommit", "get-branch", "--repository-name", "tokens", "--branch-name", "doomed"));
    }

    [Fact]
    public async Task A_push_larger_than_gits_post_buffer_streams_chunked_and_a_gzipped_fetch_negotiation_is_inflated()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var git = new GitClient(cloud.Instance);
        var url = (await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "large"))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        var work = git.Path("work");
        await git.GitAsync(git.Path(""), "init", "-q", "-b", "main", work);
        await File.WriteAllBytesAsync(Path.Combine(work, "random.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
        await git.GitAsync(work, "add", "random.bin");
        var big = await git.CommitAsync(work, "three incompressible megabytes");
        git.Environment["GIT_TRACE_CURL"] = "1";
        git.Environment["GIT_TRACE_CURL_NO_DATA"] = "1";

        var push = await git.RunAsync(work, "push", url, "main");

        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Contains("Transfer-Encoding: chunked", push.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(big, (await cloud.Cli.JsonAsync("codecommit", "get-branch", "--repository-name", "large", "--branch-name", "main"))["branch"]!["commitId"]!.GetValue<string>());

        // Many local commits the server lacks: the fetch negotiation sends enough "have" lines for git to gzip the request.
        git.Environment.Remove("GIT_TRACE_CURL");
        var clone = git.Path("clone");
        await git.GitAsync(git.Path(""), "clone", "-q", url, clone);
        for (var i = 0; i < 60; i++)
        {
            await git.GitAsync(clone, "commit", "-q", "--allow-empty", "-m", $"local {i}");
        }

        var upstream = await git.CommitAsync(work, "upstream change");
        await git.GitAsync(work, "push", "-q", url, "main");
        git.Environment["GIT_TRACE_CURL"] = "1";
        var fetch = await git.RunAsync(clone, "fetch", "origin");

        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.Contains("Content-Encoding: gzip", fetch.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(upstream, await git.GitAsync(clone, "rev-parse", "origin/main"));
        Assert.DoesNotContain(cloud.Instance.SecretAccessKey, push.Stderr + fetch.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_403_and_git_fails_without_pushing()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var git = new GitClient(cloud.Instance, secretKey: "not-the-local-secret");
        var url = (await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "locked"))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        var work = git.Path("work");
        await git.GitAsync(git.Path(""), "init", "-q", "-b", "main", work);
        await git.CommitAsync(work, "first");

        var push = await git.RunAsync(work, "push", url, "main");
        var listing = await git.RunAsync(work, "ls-remote", url);

        Assert.NotEqual(0, push.ExitCode);
        Assert.Contains("The requested URL returned error: 403", push.Stderr, StringComparison.Ordinal);
        Assert.Contains("The requested URL returned error: 403", listing.Stderr, StringComparison.Ordinal);
        Assert.Empty((await cloud.Cli.JsonAsync("codecommit", "list-branches", "--repository-name", "locked"))["branches"]!.AsArray());
        Assert.Empty(cloud.Instance.Services.GetRequiredService<CodeCommitEvents>().ReadSince(0).Events);
    }

    [Fact]
    public async Task Without_credentials_git_gets_401_and_says_it_could_not_read_a_username()
    {
        await using var cloud = await TestCloud.StartAsync();
        var url = (await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "anonymous"))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        using var home = new TempDirectory();
        var environment = GitClient.BaseEnvironment(home.Path);

        var result = await ProcessRunner.RunAsync("git", ["ls-remote", url], environment, inheritEnvironment: false);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("could not read Username", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_endpoint_answers_401_403_and_404_like_codecommit_and_accepts_an_independently_computed_password()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "checked");
        await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "other");
        using var http = new HttpClient { BaseAddress = cloud.Instance.Endpoint };
        var options = cloud.Instance.Options;
        var now = DateTimeOffset.UtcNow;
        Task<string> Sign(string path, DateTimeOffset at, string? secret = null, string host = "127.0.0.1") =>
            PythonGitPassword.SignAsync(secret ?? cloud.Instance.SecretAccessKey, host, path, options.Region, at);
        async Task<HttpResponseMessage> Get(string path, string? user, string? password)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path + "/info/refs?service=git-upload-pack");
            if (user is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
            }

            return await http.SendAsync(request);
        }

        var valid = await Get("/v1/repos/checked", options.AccessKeyId, await Sign("/v1/repos/checked", now));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal("application/x-git-upload-pack-advertisement", valid.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("001e# service=git-upload-pack", await valid.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var withToken = await Get("/v1/repos/checked", options.AccessKeyId + "%SESSIONtoken//+==", await Sign("/v1/repos/checked", now.AddMinutes(-14)));
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);

        var missing = await Get("/v1/repos/checked", null, null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Basic", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.StartsWith("realm=", missing.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);

        foreach (var (user, password, why) in new[]
                 {
                     (options.AccessKeyId, await Sign("/v1/repos/checked", now, secret: "wrong-secret"), "wrong secret"),
                     (options.AccessKeyId, await Sign("/v1/repos/checked", now.AddMinutes(-16)), "older than 15 minutes"),
                     (options.AccessKeyId, await Sign("/v1/repos/checked", now.AddMinutes(16)), "more than 15 minutes ahead"),
                     (options.AccessKeyId, await Sign("/v1/repos/other", now), "signed for another repository"),
                     (options.AccessKeyId, await Sign("/v1/repos/checked", now, host: "git-codecommit.us-east-1.amazonaws.com"), "signed for another host"),
                     ("AKIAOTHERKEY", await Sign("/v1/repos/checked", now), "unknown access key"),
                     (options.AccessKeyId, "not-a-password", "malformed password"),
                 })
        {
            var refused = await Get("/v1/repos/checked", user, password);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{why}: {refused.StatusCode}");
            Assert.Equal("Basic", refused.Headers.WwwAuthenticate.Single().Scheme);
        }

        var unknown = await Get("/v1/repos/nothing-here", options.AccessKeyId, await Sign("/v1/repos/nothing-here", now));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var dumb = await http.GetAsync(new Uri("/v1/repos/checked/HEAD", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, dumb.StatusCode);
    }
}
