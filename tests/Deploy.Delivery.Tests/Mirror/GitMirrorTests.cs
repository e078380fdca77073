using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Delivery.Mirror;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Mirror;

/// <summary>Real git against bare repositories over file:// and over HTTP (git-http-backend behind Basic auth whose
/// CodeCommit passwords are checked by the independent Python implementation). Every test ends with a secret scan.</summary>
public sealed class GitMirrorTests(GitHttpServers servers) : IClassFixture<GitHttpServers>, IDisposable
{
    private readonly GitSandbox sandbox = new();
    private readonly List<AwsSession> sessions = [];

    private static readonly string[] StaticSecrets = [GitHttpServer.StaticPassword];

    [Fact]
    public async Task Every_branch_and_tag_is_mirrored_to_an_empty_repository_over_a_file_url()
    {
        var expected = sandbox.CreateHistory();
        var target = sandbox.CreateBare("target.git");

        var result = await sandbox.MirrorAsync(sandbox.Options(new Uri("file://" + target), StaticCredentials()));

        Assert.Equal(expected, sandbox.Refs(target));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), result.Updates.Select(u => u.Ref));
        Assert.All(result.Updates, u => Assert.Equal(RefChange.Create, u.Change));
        Assert.Equal("6 refs: ", result.Summary[..8]);
        sandbox.AssertNoSecretLeaked(StaticSecrets);
    }

    [Fact]
    public async Task Every_branch_and_tag_is_mirrored_over_http_with_a_sigv4_password_from_the_credential_helper_the_python_implementation_accepts()
    {
        var expected = sandbox.CreateHistory();
        var remote = servers.SigV4.CreateRepository("several-refs", sandbox.Environment);

        var result = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()) with { PreemptiveAuth = false });

        Assert.Equal(expected, sandbox.Refs(servers.SigV4.RepositoryPath("several-refs")));
        Assert.Equal(6, result.Updates.Count);
        Assert.Contains(servers.SigV4.Requests("several-refs"), r => r.StartsWith("POST /v1/repos/several-refs/git-receive-pack 200", StringComparison.Ordinal));
        Assert.DoesNotContain(servers.SigV4.Requests("several-refs"), r => r.EndsWith(" 403", StringComparison.Ordinal));
        AssertNoSecretLeaked(servers.SigV4, "several-refs");
    }

    [Fact]
    public async Task Static_https_git_credentials_are_handed_to_git_without_touching_the_url_or_the_config()
    {
        var expected = sandbox.CreateHistory();
        var remote = servers.Static.CreateRepository("static-refs", sandbox.Environment);

        await sandbox.MirrorAsync(sandbox.Options(remote, StaticCredentials()));

        Assert.Equal(expected, sandbox.Refs(servers.Static.RepositoryPath("static-refs")));
        Assert.DoesNotContain(GitHttpServer.StaticUsername, File.ReadAllText(Path.Combine(sandbox.Source, ".git", "config")), StringComparison.Ordinal);
        // One git talks to the remote: remote-http lists the refs and pushes.
        var remoteCommands = sandbox.Log.Lines.Where(l => l.StartsWith("> git", StringComparison.Ordinal) && l.Contains(remote.Host, StringComparison.Ordinal)).ToList();
        Assert.Single(remoteCommands);
        Assert.Contains(" remote-http " + remote.AbsoluteUri, remoteCommands[0], StringComparison.Ordinal);
        Assert.All(remoteCommands, l => Assert.DoesNotContain("@", l, StringComparison.Ordinal));
        Assert.Contains("POST /v1/repos/static-refs/git-receive-pack 200", servers.Static.Requests("static-refs"));
        sandbox.AssertNoSecretLeaked(StaticSecrets, servers.Static.RepositoryPath("static-refs"));
    }

    [Fact]
    public async Task By_default_preemptive_auth_sends_the_sigv4_password_with_the_first_request_without_a_401_probe_or_a_leak()
    {
        var expected = sandbox.CreateHistory();
        var remote = servers.SigV4.CreateRepository("preemptive", sandbox.Environment);

        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));
        sandbox.Commit();
        var second = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));

        Assert.Equal(sandbox.Refs(sandbox.Source), sandbox.Refs(servers.SigV4.RepositoryPath("preemptive")));
        Assert.Equal([RefChange.FastForward], second.Updates.Select(u => u.Change));
        // Per mirror what a plain git push makes: the receive-pack ref advertisement and the POST (no separate ls-remote).
        var requests = servers.SigV4.Requests("preemptive");
        Assert.Equal(4, requests.Count);
        Assert.Equal(2, requests.Count(r => r.StartsWith("GET /v1/repos/preemptive/info/refs?service=git-receive-pack ", StringComparison.Ordinal)));
        Assert.Equal(2, requests.Count(r => r.StartsWith("POST /v1/repos/preemptive/git-receive-pack ", StringComparison.Ordinal)));
        Assert.All(requests, r => Assert.EndsWith(" 200", r, StringComparison.Ordinal));
        Assert.NotEqual(expected["refs/heads/main"], sandbox.Refs(servers.SigV4.RepositoryPath("preemptive"))["refs/heads/main"]);
        AssertNoSecretLeaked(servers.SigV4, "preemptive");
    }

    [Fact]
    public async Task A_branch_deleted_at_the_source_is_pruned_at_the_target_on_the_next_mirror()
    {
        sandbox.CreateHistory();
        var remote = servers.SigV4.CreateRepository("pruned", sandbox.Environment);
        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));

        sandbox.Git(sandbox.Source, "branch", "-D", "feature/login");
        sandbox.Git(sandbox.Source, "tag", "-d", "v0.9");
        var result = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));

        Assert.Equal(["refs/heads/feature/login", "refs/tags/v0.9"], result.Updates.Select(u => u.Ref));
        Assert.All(result.Updates, u => Assert.Equal(RefChange.Delete, u.Change));
        var refs = sandbox.Refs(servers.SigV4.RepositoryPath("pruned"));
        Assert.DoesNotContain("refs/heads/feature/login", refs.Keys);
        Assert.DoesNotContain("refs/tags/v0.9", refs.Keys);
        Assert.Contains("refs/heads/release/1.0", refs.Keys);
        AssertNoSecretLeaked(servers.SigV4, "pruned");
    }

    [Fact]
    public async Task Pruning_stays_inside_the_mirrored_namespaces_and_the_branch_filter_and_can_be_turned_off()
    {
        sandbox.CreateHistory();
        var target = sandbox.CreateBare("namespaces.git");
        var url = new Uri("file://" + target);
        await sandbox.MirrorAsync(sandbox.Options(url, StaticCredentials()));
        var main = sandbox.Git(sandbox.Source, "rev-parse", "main");
        sandbox.Git(target, "update-ref", "refs/custom/keep", main);
        sandbox.Git(target, "update-ref", "refs/heads/only-at-target", main);
        sandbox.Git(target, "update-ref", "refs/heads/gitlab-only/x", main);

        var off = await sandbox.MirrorAsync(sandbox.Options(url, StaticCredentials()) with { Prune = false });
        Assert.True(off.UpToDate);

        var filtered = await sandbox.MirrorAsync(sandbox.Options(url, StaticCredentials()) with { Branches = ["main", "release/*", "only-*"] });

        Assert.Equal(["refs/heads/only-at-target"], filtered.Updates.Select(u => u.Ref));
        var refs = sandbox.Refs(target);
        Assert.Contains("refs/custom/keep", refs.Keys);
        Assert.Contains("refs/heads/gitlab-only/x", refs.Keys);
        Assert.Contains("refs/heads/feature/login", refs.Keys);
        sandbox.AssertNoSecretLeaked(StaticSecrets);
    }

    [Fact]
    public async Task A_rewritten_branch_is_refused_without_force_naming_the_ref_and_pushed_with_it()
    {
        sandbox.CreateHistory();
        var remote = servers.SigV4.CreateRepository("rewritten", sandbox.Environment);
        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));
        var before = sandbox.Refs(servers.SigV4.RepositoryPath("rewritten"));
        var requestsBefore = servers.SigV4.Requests("rewritten").Count;

        sandbox.Git(sandbox.Source, "checkout", "-q", "release/1.0");
        sandbox.Git(sandbox.Source, "reset", "-q", "--hard", "HEAD~1");
        var rewritten = sandbox.Commit(message: "rewritten history");
        sandbox.Git(sandbox.Source, "checkout", "-q", "main");
        var newOnMain = sandbox.Commit();

        var refused = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(sandbox.Options(remote, SigV4())));

        Assert.Contains("Refusing to rewrite 1 ref(s)", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"refs/heads/release/1.0 {before["refs/heads/release/1.0"][..7]}...{rewritten[..7]} (rewritten)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("refs/heads/main", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--force-mirror", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Equal(before, sandbox.Refs(servers.SigV4.RepositoryPath("rewritten")));
        Assert.DoesNotContain(servers.SigV4.Requests("rewritten").Skip(requestsBefore), r => r.Contains("receive-pack 200", StringComparison.Ordinal) && r.StartsWith("POST", StringComparison.Ordinal));

        var forced = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()) with { Force = true });

        Assert.Equal(
            [("refs/heads/main", RefChange.FastForward), ("refs/heads/release/1.0", RefChange.Rewrite)],
            forced.Updates.Select(u => (u.Ref, u.Change)));
        var after = sandbox.Refs(servers.SigV4.RepositoryPath("rewritten"));
        Assert.Equal(rewritten, after["refs/heads/release/1.0"]);
        Assert.Equal(newOnMain, after["refs/heads/main"]);
        AssertNoSecretLeaked(servers.SigV4, "rewritten");
    }

    [Fact]
    public async Task A_moved_tag_is_a_rewrite_too()
    {
        sandbox.CreateHistory();
        var target = sandbox.CreateBare("tags.git");
        var url = new Uri("file://" + target);
        await sandbox.MirrorAsync(sandbox.Options(url, StaticCredentials()));
        sandbox.Commit();
        sandbox.Git(sandbox.Source, "tag", "-f", "v0.9");

        var refused = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(sandbox.Options(url, StaticCredentials())));
        Assert.Contains("refs/tags/v0.9", refused.Message, StringComparison.Ordinal);

        await sandbox.MirrorAsync(sandbox.Options(url, StaticCredentials()) with { Force = true });
        Assert.Equal(sandbox.Refs(sandbox.Source)["refs/tags/v0.9"], sandbox.Refs(target)["refs/tags/v0.9"]);
        sandbox.AssertNoSecretLeaked(StaticSecrets);
    }

    [Fact]
    public async Task An_up_to_date_target_is_reported_without_invoking_push()
    {
        sandbox.CreateHistory();
        var remote = servers.SigV4.CreateRepository("up-to-date", sandbox.Environment);
        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));
        var pushes = servers.SigV4.Requests("up-to-date").Count(r => r.StartsWith("POST /v1/repos/up-to-date/git-receive-pack", StringComparison.Ordinal));
        sandbox.Log.Clear();

        var result = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));

        Assert.True(result.UpToDate);
        Assert.Equal("up to date", result.Summary);
        Assert.DoesNotContain(sandbox.Log.Lines, l => l.StartsWith("> git", StringComparison.Ordinal) && l.Contains(" push ", StringComparison.Ordinal));
        Assert.Contains(sandbox.Log.Lines, l => l.EndsWith("is up to date (6 refs)", StringComparison.Ordinal));
        Assert.Equal(pushes, servers.SigV4.Requests("up-to-date").Count(r => r.StartsWith("POST /v1/repos/up-to-date/git-receive-pack", StringComparison.Ordinal)));
        AssertNoSecretLeaked(servers.SigV4, "up-to-date");
    }

    [Fact]
    public async Task A_shallow_clone_is_deepened_before_mirroring_and_says_so()
    {
        var expected = sandbox.CreateHistory();
        var shallow = Path.Combine(sandbox.Root, "shallow");
        sandbox.Git(sandbox.Root, "clone", "-q", "--depth", "1", "--no-single-branch", "file://" + sandbox.Source, shallow);
        Assert.Equal("true", sandbox.Git(shallow, "rev-parse", "--is-shallow-repository"));
        var remote = servers.SigV4.CreateRepository("from-shallow", sandbox.Environment);

        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()) with { SourceDirectory = shallow, Refspecs = ["refs/remotes/origin/*:refs/heads/*", "refs/tags/*"] });

        Assert.Equal("false", sandbox.Git(shallow, "rev-parse", "--is-shallow-repository"));
        Assert.Contains(sandbox.Log.Lines, l => l.Contains("is a shallow clone: fetching the full history (git fetch --unshallow)", StringComparison.Ordinal));
        var mirrored = sandbox.Refs(servers.SigV4.RepositoryPath("from-shallow"));
        Assert.Equal(expected["refs/heads/main"], mirrored["refs/heads/main"]);
        Assert.Equal(expected["refs/heads/feature/login"], mirrored["refs/heads/feature/login"]);
        Assert.Equal(expected["refs/tags/v1.0"], mirrored["refs/tags/v1.0"]);
        Assert.Equal(sandbox.Git(sandbox.Source, "rev-list", "--count", "--all"), sandbox.Git(servers.SigV4.RepositoryPath("from-shallow"), "rev-list", "--count", "--all"));
        AssertNoSecretLeaked(servers.SigV4, "from-shallow");
    }

    [Fact]
    public async Task A_shallow_clone_that_cannot_be_deepened_fails_with_the_gitlab_fix()
    {
        sandbox.CreateHistory();
        var shallow = Path.Combine(sandbox.Root, "shallow");
        sandbox.Git(sandbox.Root, "clone", "-q", "--depth", "1", "file://" + sandbox.Source, shallow);
        sandbox.Git(shallow, "remote", "set-url", "origin", "file://" + Path.Combine(sandbox.Root, "gone"));
        var target = sandbox.CreateBare("never.git");
        var job = new GitLabJob(sandbox.Git(shallow, "rev-parse", "HEAD"), "main", IsTag: false);

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() =>
            sandbox.MirrorAsync(sandbox.Options(new Uri("file://" + target), StaticCredentials()) with { SourceDirectory = shallow, GitLab = job }));

        Assert.Contains("is a shallow clone and git fetch --unshallow failed", failure.Message, StringComparison.Ordinal);
        Assert.Contains("set GIT_DEPTH: 0", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.Empty(sandbox.Refs(target));
        sandbox.AssertNoSecretLeaked(StaticSecrets);
    }

    [Fact]
    public async Task A_detached_head_in_a_gitlab_job_pushes_the_job_commit_to_its_branch_only_when_the_filter_allows_it()
    {
        sandbox.CreateHistory();
        var remote = servers.SigV4.CreateRepository("gitlab", sandbox.Environment);
        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));
        var before = sandbox.Refs(servers.SigV4.RepositoryPath("gitlab"));

        // What the runner leaves: the pipeline's commit checked out on a detached HEAD, a stale local branch.
        sandbox.Git(sandbox.Source, "checkout", "-q", "release/1.0");
        var jobCommit = sandbox.Commit();
        sandbox.Git(sandbox.Source, "checkout", "-q", "--detach", jobCommit);
        sandbox.Git(sandbox.Source, "branch", "-f", "release/1.0", "HEAD~1");
        sandbox.Git(sandbox.Source, "branch", "-D", "feature/login");
        var job = new GitLabJob(jobCommit, "release/1.0", IsTag: false);

        var skipped = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()) with { GitLab = job, Branches = ["main"] });
        Assert.True(skipped.UpToDate);
        Assert.Contains("GitLab job on release/1.0, which is not a mirrored branch (main): no branch is pushed", sandbox.Log.Lines);

        var result = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()) with { GitLab = job, Branches = ["main", "release/*"] });

        Assert.Equal([new RefUpdate("refs/heads/release/1.0", before["refs/heads/release/1.0"], jobCommit, RefChange.FastForward)], result.Updates);
        var mirrored = sandbox.Refs(servers.SigV4.RepositoryPath("gitlab"));
        Assert.Equal(jobCommit, mirrored["refs/heads/release/1.0"]);
        Assert.Contains("refs/heads/feature/login", mirrored.Keys);
        Assert.Contains(sandbox.Log.Lines, l => l.Contains($"GitLab job on a detached HEAD: pushing {jobCommit} as refs/heads/release/1.0", StringComparison.Ordinal));
        AssertNoSecretLeaked(servers.SigV4, "gitlab");
    }

    [Fact]
    public async Task Wrong_credentials_fail_with_one_clear_line()
    {
        sandbox.CreateHistory();
        var remote = servers.Static.CreateRepository("wrong-password", sandbox.Environment);
        const string Wrong = "wrong-Password-DoNotLeak-0002";

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() =>
            sandbox.MirrorAsync(sandbox.Options(remote, new StaticGitCredentialSource(GitHttpServer.StaticUsername, Wrong))));

        Assert.Equal(
            $"Reading the refs of {remote} failed: the git credentials were rejected (wrong or expired). "
            + "Check --git-username and --git-password (GIT_USERNAME, GIT_PASSWORD; for CodeCommit: the IAM user's HTTPS Git credentials).",
            failure.Message);
        sandbox.AssertNoSecretLeaked([Wrong], servers.Static.RepositoryPath("wrong-password"));
    }

    [Fact]
    public async Task An_expired_or_wrong_sigv4_password_is_rejected_with_one_clear_line()
    {
        sandbox.CreateHistory();
        var remote = servers.SigV4.CreateRepository("expired", sandbox.Environment);

        var expired = await Assert.ThrowsAsync<BuildFailedException>(() =>
            sandbox.MirrorAsync(sandbox.Options(remote, SigV4(clock: () => DateTimeOffset.UtcNow.AddHours(-1)))));
        var otherSecret = await Assert.ThrowsAsync<BuildFailedException>(() =>
            sandbox.MirrorAsync(sandbox.Options(remote, SigV4(secretKey: "someOtherSecretKey/DoNotLeak0003"))));

        Assert.Contains("the git credentials were rejected (wrong or expired). Check the AWS credentials and region", expired.Message, StringComparison.Ordinal);
        Assert.Contains("the git credentials were rejected", otherSecret.Message, StringComparison.Ordinal);
        Assert.Empty(sandbox.Refs(servers.SigV4.RepositoryPath("expired")));
        AssertNoSecretLeaked(servers.SigV4, "expired", "someOtherSecretKey/DoNotLeak0003");
    }

    [Fact]
    public async Task A_missing_repository_fails_with_one_clear_line()
    {
        sandbox.CreateHistory();
        var remote = servers.SigV4.Url("does-not-exist");

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(sandbox.Options(remote, SigV4())));

        Assert.Equal($"Reading the refs of {remote} failed: the repository does not exist. Check the URL, or run ProvisionInfra to create it.", failure.Message);
        sandbox.AssertNoSecretLeaked(TestAws.Secrets);
    }

    [Fact]
    public async Task An_unreachable_server_fails_with_one_clear_line()
    {
        sandbox.CreateHistory();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var remote = new Uri($"http://127.0.0.1:{port}/v1/repos/x");

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(sandbox.Options(remote, SigV4())));

        Assert.StartsWith($"Reading the refs of {remote} failed: the server cannot be reached (network failure: ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
        sandbox.AssertNoSecretLeaked(TestAws.Secrets);
    }

    [Fact]
    public async Task A_remote_url_with_credentials_is_refused_without_echoing_them()
    {
        var failure = await Assert.ThrowsAsync<BuildFailedException>(() =>
            sandbox.MirrorAsync(sandbox.Options(new Uri("https://user:inline-Secret-0004@example.test/v1/repos/x"), StaticCredentials())));

        Assert.Equal("The mirror's remote URL must not contain credentials: https://***@example.test/v1/repos/x.", failure.Message);
        sandbox.AssertNoSecretLeaked(["inline-Secret-0004"]);
    }

    public void Dispose()
    {
        foreach (var session in sessions)
            session.Dispose();
        sandbox.Dispose();
    }

    private static StaticGitCredentialSource StaticCredentials() => new(GitHttpServer.StaticUsername, GitHttpServer.StaticPassword);

    private CodeCommitCredentialSource SigV4(Func<DateTimeOffset>? clock = null, string secretKey = TestAws.SecretKey)
    {
        var session = new AwsSession(new AwsSessionOptions
        {
            Region = TestAws.Region,
            Credentials = new SessionAWSCredentials(TestAws.AccessKey, secretKey, TestAws.SessionToken),
        });
        sessions.Add(session);
        return new CodeCommitCredentialSource(session, clock);
    }

    private void AssertNoSecretLeaked(GitHttpServer server, string repository, params string[] more)
    {
        sandbox.AssertNoSecretLeaked([.. TestAws.Secrets, .. more], server.RepositoryPath(repository));
        Assert.Contains(sandbox.RegisteredSecrets, s => s == TestAws.SessionToken);
    }
}
