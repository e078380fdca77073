using Deploy.Delivery.Images;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Images;

public sealed class ImageTagsTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";

    [Theory]
    [InlineData("main", "main")]
    [InlineData("feature/login-page", "feature-login-page")]
    [InlineData("Fix_Bug.2", "Fix_Bug.2")]
    [InlineData("-.weird", "weird")]
    [InlineData("çødé/ü", "d---")]
    [InlineData("...", "")]
    public void Branches_become_valid_docker_tags(string branch, string tag)
    {
        Assert.Equal(tag, ImageTags.ToTag(branch));
    }

    [Fact]
    public void Long_branch_names_are_cut_to_128_characters()
    {
        Assert.Equal(128, ImageTags.ToTag(new string('b', 300)).Length);
    }

    [Fact]
    public void The_commit_tag_comes_first_then_the_branch_tag()
    {
        var tags = ImageTags.For("deploy/sample-service", new SourceRevision(Sha + "-dirty", "feature/x", null));

        Assert.Equal([$"deploy/sample-service:{Sha}-dirty", "deploy/sample-service:feature-x"], tags);
    }

    [Fact]
    public void A_dirty_commit_is_tagged_by_its_content_and_a_clean_one_stays_as_it_is()
    {
        var hash = "abcdef0123456789" + new string('0', 48);
        var dirty = new SourceRevision(Sha + "-dirty", "main", null).WithContent(hash);

        Assert.Equal($"{Sha}-dirty-abcdef012345", dirty.Commit);
        Assert.True(dirty.IsDirty);
        Assert.Equal("0123456789ab-dirty-abcdef012345", dirty.ShortCommit);
        Assert.Equal([$"repo:{Sha}-dirty-abcdef012345", "repo:main"], ImageTags.For("repo", dirty));
        Assert.Equal(Sha, new SourceRevision(Sha, "main", null).WithContent(hash).Commit);
        Assert.False(new SourceRevision(Sha, null, null).IsDirty);
        Assert.False(new SourceRevision("feature-dirtyish", null, null).IsDirty);
        // Another content on the same commit gets another tag: an immutable registry takes both.
        Assert.NotEqual(dirty.Commit, new SourceRevision(Sha + "-dirty", "main", null).WithContent("1" + hash[1..]).Commit);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("HEAD")]
    [InlineData("///")]
    public void Without_a_usable_branch_only_the_commit_tag_is_made(string? branch)
    {
        Assert.Equal([$"repo:{Sha}"], ImageTags.For("repo", new SourceRevision(Sha, branch, null)));
    }

    [Theory]
    [InlineData("Deploy/Sample")]
    [InlineData("deploy//sample")]
    [InlineData("deploy/sample:tag")]
    public void Invalid_repository_names_are_refused(string repository)
    {
        Assert.Throws<ArgumentException>(() => ImageTags.For(repository, new SourceRevision(Sha, null, null)));
    }

    [Theory]
    [InlineData("https://gitlab-ci-token:glcbt-secret@gitlab.example.com/group/app.git", "https://gitlab.example.com/group/app.git")]
    [InlineData("https://oauth2:token@gitlab.example.com/group/app", "https://gitlab.example.com/group/app")]
    [InlineData("https://user@git-codecommit.eu-west-1.amazonaws.com/v1/repos/app", "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app")]
    [InlineData("https://gitlab.example.com/group/app.git", "https://gitlab.example.com/group/app.git")]
    [InlineData("git@gitlab.example.com:group/app.git", "git@gitlab.example.com:group/app.git")]
    public void Source_urls_lose_their_credentials(string url, string expected)
    {
        Assert.Equal(expected, SourceRevision.WithoutCredentials(url));
    }

    [Fact]
    public void Oci_labels_carry_revision_version_and_source_and_created_is_rfc3339_utc()
    {
        var labels = OciLabels.For(new SourceRevision(Sha, "main", "https://gitlab.example.com/g/app"), "1.2.3");

        Assert.Equal(Sha, labels[OciLabels.Revision]);
        Assert.Equal("1.2.3", labels[OciLabels.Version]);
        Assert.Equal("https://gitlab.example.com/g/app", labels[OciLabels.Source]);
        Assert.False(OciLabels.For(new SourceRevision(Sha, null, null), "1").ContainsKey(OciLabels.Source));
        Assert.Equal("2026-01-02T03:04:05Z", OciLabels.Timestamp(new DateTimeOffset(2026, 1, 2, 5, 4, 5, TimeSpan.FromHours(2))));
    }

    [Fact]
    public async Task On_gitlab_the_commit_and_project_url_come_from_the_ci_variables()
    {
        var host = new FakeHost(HostKind.GitLab, Sha, "main");
        var environment = new Dictionary<string, string> { ["CI_PROJECT_URL"] = "https://gitlab.example.com/g/app" };

        var revision = await SourceRevision.DetectAsync(host, environment, new ToolRunner(new LevelLog()), "/nonexistent", CancellationToken.None);

        Assert.Equal(new SourceRevision(Sha, "main", "https://gitlab.example.com/g/app"), revision);
    }

    [Fact]
    public async Task In_a_work_tree_uncommitted_changes_make_the_commit_dirty_and_the_origin_loses_its_password()
    {
        var root = Directory.CreateTempSubdirectory("source-revision-").FullName;
        try
        {
            await Tools.RunAsync("git", "-C", root, "init", "-q", "-b", "main");
            await File.WriteAllTextAsync(Path.Combine(root, "a.txt"), "a");
            await Tools.RunAsync("git", "-C", root, "add", "a.txt");
            await Tools.RunAsync("git", "-C", root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "a");
            await Tools.RunAsync("git", "-C", root, "remote", "add", "origin", "https://me:s3cret@gitlab.example.com/g/app.git");
            var head = await Tools.RunAsync("git", "-C", root, "rev-parse", "HEAD");
            var tools = new ToolRunner(new LevelLog());
            var host = new FakeHost(HostKind.Terminal, head, "main");

            var clean = await SourceRevision.DetectAsync(host, new Dictionary<string, string>(), tools, root, CancellationToken.None);
            await File.WriteAllTextAsync(Path.Combine(root, "b.txt"), "b");
            var dirty = await SourceRevision.DetectAsync(host, new Dictionary<string, string>(), tools, root, CancellationToken.None);

            Assert.Equal(new SourceRevision(head, "main", "https://gitlab.example.com/g/app.git"), clean);
            Assert.Equal(head + "-dirty", dirty.Commit);
            Assert.Equal(head[..12] + "-dirty", dirty.ShortCommit);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private sealed record FakeHost(HostKind Kind, string? CommitSha, string? Branch) : IBuildHost
    {
        public bool IsCi => Kind != HostKind.Terminal;
        public bool IsInteractive => false;
        public string? BuildUrl => null;
    }
}
