using Deploy.Delivery.Mirror;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Mirror;

/// <summary>
/// Mirror deletes at the target only what it can prove the project no longer has: every deletion is listed before the
/// push, a checkout that cannot hold the project's branches refuses to prune, and a GitLab job never falls back to
/// mirroring local branches. Real git against bare repositories over file://.
/// </summary>
public sealed class MirrorDeletionSafetyTests : IDisposable
{
    private readonly GitSandbox sandbox = new();

    [Fact]
    public async Task Deletions_are_listed_as_warnings_before_the_push_that_makes_them()
    {
        sandbox.CreateHistory();
        var target = sandbox.CreateBare("listed.git");
        await sandbox.MirrorAsync(Options(target));
        sandbox.Git(sandbox.Source, "branch", "-D", "feature/login");
        var before = sandbox.Log.Lines.Count;

        var result = await sandbox.MirrorAsync(Options(target));

        Assert.Equal([RefChange.Delete], result.Updates.Select(u => u.Change));
        var lines = sandbox.Log.Lines.Skip(before).ToList();
        var listed = lines.FindIndex(l => l.StartsWith("Deleting 1 ref(s) at file://", StringComparison.Ordinal));
        var deletion = lines.FindIndex(l => l.StartsWith("  refs/heads/feature/login (deleted, was ", StringComparison.Ordinal));
        var push = lines.FindIndex(l => l.StartsWith("> git", StringComparison.Ordinal) && l.Contains(" push ", StringComparison.Ordinal));
        Assert.True(listed >= 0 && deletion > listed && push > deletion, string.Join('\n', lines));
        Assert.DoesNotContain("refs/heads/feature/login", sandbox.Refs(target).Keys);
    }

    [Fact]
    public async Task A_detached_head_refuses_to_prune_and_pushes_nothing()
    {
        sandbox.CreateHistory();
        var target = sandbox.CreateBare("detached.git");
        await sandbox.MirrorAsync(Options(target));
        sandbox.Commit();
        sandbox.Git(sandbox.Source, "checkout", "-q", "--detach", "HEAD");
        sandbox.Git(sandbox.Source, "branch", "-D", "feature/login");
        var before = sandbox.Refs(target);

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(Options(target)));

        Assert.StartsWith("Refusing to delete 1 ref(s) at file://", failure.Message, StringComparison.Ordinal);
        Assert.Contains("(refs/heads/feature/login): HEAD is detached", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--mirror-prune false; nothing was pushed.", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.Equal(before, sandbox.Refs(target)); // not even main's new commit
    }

    [Fact]
    public async Task A_single_branch_clone_refuses_to_prune_the_branches_it_never_fetched()
    {
        sandbox.CreateHistory();
        var target = sandbox.CreateBare("single.git");
        await sandbox.MirrorAsync(Options(target));
        var clone = Path.Combine(sandbox.Root, "single");
        sandbox.Git(sandbox.Root, "clone", "-q", "--single-branch", "--branch", "main", "file://" + sandbox.Source, clone);
        var before = sandbox.Refs(target);

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(Options(target) with { SourceDirectory = clone }));

        Assert.Contains("it is a single-branch clone (remote origin fetches one branch only)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("refs/heads/feature/login", failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, sandbox.Refs(target));
        Assert.True((await sandbox.MirrorAsync(Options(target) with { SourceDirectory = clone, Prune = false })).UpToDate);
    }

    [Fact]
    public async Task A_branch_this_checkout_still_tracks_from_its_remote_is_not_deleted_at_the_target()
    {
        sandbox.CreateHistory();
        var target = sandbox.CreateBare("tracked.git");
        await sandbox.MirrorAsync(Options(target));
        // An ordinary clone: every branch as refs/remotes/origin/*, only main checked out locally.
        var clone = Path.Combine(sandbox.Root, "ordinary");
        sandbox.Git(sandbox.Root, "clone", "-q", "file://" + sandbox.Source, clone);
        var before = sandbox.Refs(target);

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(Options(target) with { SourceDirectory = clone }));

        Assert.Contains("refs/heads/feature/login, refs/heads/release/1.0 still exist(s) at a remote of this checkout", failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, sandbox.Refs(target));
    }

    [Fact]
    public async Task A_gitlab_job_deletes_nothing_at_the_target_even_refs_its_clone_lacks()
    {
        sandbox.CreateHistory();
        var target = sandbox.CreateBare("job.git");
        await sandbox.MirrorAsync(Options(target));
        var jobCommit = sandbox.Commit();
        sandbox.Git(sandbox.Source, "checkout", "-q", "--detach", jobCommit);
        sandbox.Git(sandbox.Source, "branch", "-D", "feature/login");
        sandbox.Git(sandbox.Source, "tag", "-d", "v0.9");

        var result = await sandbox.MirrorAsync(Options(target) with { GitLab = new GitLabJob(jobCommit, "main", IsTag: false) });

        Assert.Equal([("refs/heads/main", RefChange.FastForward)], result.Updates.Select(u => (u.Ref, u.Change)));
        var refs = sandbox.Refs(target);
        Assert.Contains("refs/heads/feature/login", refs.Keys);
        Assert.Contains("refs/tags/v0.9", refs.Keys);
    }

    [Theory]
    [InlineData(new[] { "CI_COMMIT_REF_NAME=main" }, "GITLAB_CI is set but CI_COMMIT_SHA is not:")]
    [InlineData(new[] { "CI_COMMIT_SHA=abc", "CI_COMMIT_REF_NAME= " }, "GITLAB_CI is set but CI_COMMIT_REF_NAME is not:")]
    [InlineData(new string[0], "GITLAB_CI is set but CI_COMMIT_SHA and CI_COMMIT_REF_NAME are not:")]
    public void A_gitlab_job_without_its_predefined_variables_is_an_error_not_a_mode_change(string[] variables, string expected)
    {
        var environment = variables.Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        environment["GITLAB_CI"] = "true";

        var failure = Assert.Throws<BuildFailedException>(() => GitLabJob.Require(environment));

        Assert.StartsWith(expected, failure.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was pushed.", failure.Message, StringComparison.Ordinal);
    }

    private GitMirrorOptions Options(string bare) =>
        sandbox.Options(new Uri("file://" + bare), new StaticGitCredentialSource(GitHttpServer.StaticUsername, GitHttpServer.StaticPassword));

    public void Dispose() => sandbox.Dispose();
}
