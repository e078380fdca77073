using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.CodeCommit;
using Deploy.Delivery.Mirror;
using Deploy.Engine;
using Deploy.LocalCloud.Hosting;

namespace Deploy.Delivery.Tests.Mirror;

/// <summary>One local cloud for a test class, accepting <see cref="TestAws"/>'s key, so the mirror signs its git passwords with
/// the same secret the secret scans look for.</summary>
public sealed class MirrorLocalCloud : IAsyncLifetime
{
    private readonly string state = Directory.CreateTempSubdirectory("deploy-mirror-cloud-").FullName;

    internal LocalCloudInstance Cloud { get; private set; } = null!;

    /// <summary>Where the bare repositories live: <c>&lt;state&gt;/codecommit/&lt;name&gt;.git</c>.</summary>
    internal string StateDirectory => state;

    public async Task InitializeAsync() =>
        Cloud = await new LocalCloudBuilder()
            .WithStateDirectory(state)
            .WithCredentials(TestAws.AccessKey, TestAws.SecretKey)
            .WithRegion(TestAws.Region)
            .BuildAsync();

    public async Task DisposeAsync()
    {
        await Cloud.DisposeAsync();
        Directory.Delete(state, recursive: true);
    }
}

/// <summary>
/// The mirror end to end against the local cloud's CodeCommit: repositories created through the CodeCommit API (Deploy.Aws),
/// real git pushing to the local cloud's git endpoint with SigV4 passwords from <see cref="CodeCommitCredentialSource"/> (a
/// session token included), results read back through GetBranch/ListBranches and the bare repository. Every test ends with a
/// secret scan of the log, the failure messages, the source's .git, TMPDIR, the target repository and the cloud's state.
/// </summary>
public sealed class GitMirrorLocalCloudTests(MirrorLocalCloud fixture) : IClassFixture<MirrorLocalCloud>, IDisposable
{
    private readonly GitSandbox sandbox = new();
    private readonly List<AwsSession> sessions = [];

    [Fact]
    public async Task Every_branch_and_tag_is_mirrored_into_a_local_cloud_repository_and_visible_through_the_codecommit_api()
    {
        var expected = sandbox.CreateHistory();
        var (client, remote) = await CreateRepositoryAsync("mirror-all");

        var result = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()) with { PreemptiveAuth = false });

        Assert.Equal(6, result.Updates.Count);
        Assert.All(result.Updates, u => Assert.Equal(RefChange.Create, u.Change));
        Assert.Equal(expected, sandbox.Refs(BarePath("mirror-all")));
        foreach (var branch in new[] { "main", "feature/login", "release/1.0" })
        {
            var info = (await client.GetBranchAsync(new GetBranchRequest("mirror-all", branch))).Branch!;
            Assert.Equal(expected["refs/heads/" + branch], info.CommitId);
        }

        var branches = new List<string>();
        await foreach (var name in client.ListAllBranchesAsync("mirror-all"))
            branches.Add(name);
        Assert.Equal(["feature/login", "main", "release/1.0"], branches.Order(StringComparer.Ordinal));
        Assert.Equal("main", (await client.GetRepositoryAsync(new GetRepositoryRequest("mirror-all"))).RepositoryMetadata!.DefaultBranch);
        AssertNoSecretLeaked("mirror-all");
    }

    [Fact]
    public async Task An_incremental_mirror_with_preemptive_auth_fast_forwards_and_then_reports_up_to_date()
    {
        sandbox.CreateHistory();
        var (client, remote) = await CreateRepositoryAsync("incremental");
        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));
        var next = sandbox.Commit();

        var second = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));
        sandbox.Log.Clear();
        var third = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));

        Assert.Equal([new RefUpdate("refs/heads/main", second.Updates[0].OldSha, next, RefChange.FastForward)], second.Updates);
        Assert.Equal(next, (await client.GetBranchAsync(new GetBranchRequest("incremental", "main"))).Branch!.CommitId);
        Assert.True(third.UpToDate);
        Assert.DoesNotContain(sandbox.Log.Lines, l => l.StartsWith("> git", StringComparison.Ordinal) && l.Contains(" push ", StringComparison.Ordinal));
        AssertNoSecretLeaked("incremental");
    }

    [Fact]
    public async Task A_branch_deleted_at_the_source_is_pruned_in_the_local_cloud()
    {
        sandbox.CreateHistory();
        var (client, remote) = await CreateRepositoryAsync("pruned");
        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));

        sandbox.Git(sandbox.Source, "branch", "-D", "feature/login");
        sandbox.Git(sandbox.Source, "tag", "-d", "v0.9");
        var result = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));

        Assert.Equal(["refs/heads/feature/login", "refs/tags/v0.9"], result.Updates.Select(u => u.Ref));
        Assert.All(result.Updates, u => Assert.Equal(RefChange.Delete, u.Change));
        var missing = await Assert.ThrowsAsync<CodeCommitException>(() => client.GetBranchAsync(new GetBranchRequest("pruned", "feature/login")));
        Assert.Equal("BranchDoesNotExistException", missing.Code);
        Assert.Equal(sandbox.Refs(sandbox.Source), sandbox.Refs(BarePath("pruned")));
        AssertNoSecretLeaked("pruned");
    }

    [Fact]
    public async Task A_rewritten_branch_is_refused_without_force_and_mirrored_with_it()
    {
        sandbox.CreateHistory();
        var (client, remote) = await CreateRepositoryAsync("rewritten");
        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()));
        var before = sandbox.Refs(BarePath("rewritten"));

        sandbox.Git(sandbox.Source, "checkout", "-q", "release/1.0");
        sandbox.Git(sandbox.Source, "reset", "-q", "--hard", "HEAD~1");
        var rewritten = sandbox.Commit(message: "rewritten history");
        sandbox.Git(sandbox.Source, "checkout", "-q", "main");

        var refused = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(sandbox.Options(remote, SigV4())));

        Assert.Contains($"refs/heads/release/1.0 {before["refs/heads/release/1.0"][..7]}...{rewritten[..7]} (rewritten)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--force-mirror", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, sandbox.Refs(BarePath("rewritten")));

        var forced = await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()) with { Force = true });

        Assert.Equal([("refs/heads/release/1.0", RefChange.Rewrite)], forced.Updates.Select(u => (u.Ref, u.Change)));
        Assert.Equal(rewritten, (await client.GetBranchAsync(new GetBranchRequest("rewritten", "release/1.0"))).Branch!.CommitId);
        AssertNoSecretLeaked("rewritten");
    }

    [Fact]
    public async Task A_shallow_clone_is_deepened_and_mirrored_in_full()
    {
        var expected = sandbox.CreateHistory();
        var shallow = Path.Combine(sandbox.Root, "shallow");
        sandbox.Git(sandbox.Root, "clone", "-q", "--depth", "1", "--no-single-branch", "file://" + sandbox.Source, shallow);
        var (_, remote) = await CreateRepositoryAsync("from-shallow");

        await sandbox.MirrorAsync(sandbox.Options(remote, SigV4()) with { SourceDirectory = shallow, Refspecs = ["refs/remotes/origin/*:refs/heads/*", "refs/tags/*"] });

        var mirrored = sandbox.Refs(BarePath("from-shallow"));
        Assert.Equal(expected["refs/heads/feature/login"], mirrored["refs/heads/feature/login"]);
        Assert.Equal(expected["refs/tags/v1.0"], mirrored["refs/tags/v1.0"]);
        Assert.Equal(sandbox.Git(sandbox.Source, "rev-list", "--count", "--all"), sandbox.Git(BarePath("from-shallow"), "rev-list", "--count", "--all"));
        AssertNoSecretLeaked("from-shallow");
    }

    [Fact]
    public async Task Wrong_or_expired_aws_credentials_fail_with_one_clear_line_and_push_nothing()
    {
        sandbox.CreateHistory();
        var (_, remote) = await CreateRepositoryAsync("refused");
        const string OtherSecret = "someOtherSecretKey/LocalCloudDoNotLeak0005";

        var wrong = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(sandbox.Options(remote, SigV4(secretKey: OtherSecret))));
        var expired = await Assert.ThrowsAsync<BuildFailedException>(() =>
            sandbox.MirrorAsync(sandbox.Options(remote, SigV4(clock: () => DateTimeOffset.UtcNow.AddMinutes(-20))) with { PreemptiveAuth = false }));

        Assert.Equal(
            $"Reading the refs of {remote} failed: the git credentials were rejected (wrong or expired). "
            + "Check the AWS credentials and region, and that they allow codecommit:GitPush on this repository (the mirror lists and pushes through git-receive-pack).",
            wrong.Message);
        Assert.Contains("the git credentials were rejected (wrong or expired)", expired.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', expired.Message);
        Assert.Empty(sandbox.Refs(BarePath("refused")));
        AssertNoSecretLeaked("refused", OtherSecret);
    }

    [Fact]
    public async Task A_repository_missing_from_the_local_cloud_fails_with_one_clear_line()
    {
        sandbox.CreateHistory();
        var remote = new Uri($"{fixture.Cloud.Endpoint.ToString().TrimEnd('/')}/v1/repos/never-created");

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(sandbox.Options(remote, SigV4())));

        Assert.Equal($"Reading the refs of {remote} failed: the repository does not exist. Check the URL, or run ProvisionInfra to create it.", failure.Message);
        sandbox.AssertNoSecretLeaked(TestAws.Secrets, fixture.StateDirectory);
    }

    public void Dispose()
    {
        foreach (var session in sessions)
            session.Dispose();
        sandbox.Dispose();
    }

    private string BarePath(string repository) => Path.Combine(fixture.StateDirectory, "codecommit", repository + ".git");

    /// <summary>Creates the repository through the CodeCommit API (Deploy.Aws against the local cloud) and returns its clone URL.</summary>
    private async Task<(CodeCommitClient Client, Uri Remote)> CreateRepositoryAsync(string name)
    {
        var client = new CodeCommitClient(Session());
        var created = await client.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = name });
        var url = new Uri(created.RepositoryMetadata!.CloneUrlHttp!);
        Assert.Equal(fixture.Cloud.Endpoint.Port, url.Port);
        return (client, url);
    }

    private AwsSession Session(string secretKey = TestAws.SecretKey)
    {
        var session = new AwsSession(new AwsSessionOptions
        {
            Region = TestAws.Region,
            Credentials = new SessionAWSCredentials(TestAws.AccessKey, secretKey, TestAws.SessionToken),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = fixture.Cloud.Endpoint.ToString().TrimEnd('/') },
            MaxAttempts = 1,
        });
        sessions.Add(session);
        return session;
    }

    private CodeCommitCredentialSource SigV4(Func<DateTimeOffset>? clock = null, string secretKey = TestAws.SecretKey) =>
        new(Session(secretKey), clock);

    private void AssertNoSecretLeaked(string repository, params string[] more)
    {
        sandbox.AssertNoSecretLeaked([.. TestAws.Secrets, .. more], BarePath(repository), fixture.StateDirectory);
        Assert.Contains(sandbox.RegisteredSecrets, s => s == TestAws.SessionToken);
    }
}
