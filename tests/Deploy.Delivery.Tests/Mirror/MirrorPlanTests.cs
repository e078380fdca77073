using Deploy.Delivery.Mirror;

namespace Deploy.Delivery.Tests.Mirror;

public sealed class MirrorPlanTests
{
    private static readonly MirrorRefspec[] Defaults = [.. GitMirrorOptions.DefaultRefspecs.Select(MirrorRefspec.Parse)];

    [Theory]
    [InlineData("refs/heads/*:refs/heads/*", "refs/heads/feature/x", "refs/heads/feature/x")]
    [InlineData("refs/heads/*", "refs/heads/main", "refs/heads/main")]
    [InlineData("+refs/remotes/origin/*:refs/heads/*", "refs/remotes/origin/main", "refs/heads/main")]
    [InlineData("refs/heads/main:refs/heads/trunk", "refs/heads/main", "refs/heads/trunk")]
    [InlineData("refs/heads/main:refs/heads/trunk", "refs/heads/mainline", null)]
    [InlineData("refs/tags/*", "refs/heads/main", null)]
    public void A_refspec_maps_source_refs_to_target_names(string refspec, string source, string? expected) =>
        Assert.Equal(expected, MirrorRefspec.Parse(refspec).Map(source));

    [Theory]
    [InlineData("main")]
    [InlineData("refs/heads/*:refs/heads/x")]
    [InlineData("refs/heads/*:refs/heads/*:x")]
    [InlineData("refs/*/*:refs/*/*")]
    public void A_malformed_refspec_is_refused_with_an_example(string refspec) =>
        Assert.Contains("refs/heads/*:refs/heads/*", Assert.Throws<ArgumentException>(() => MirrorRefspec.Parse(refspec)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_branch_filter_matches_globs_across_slashes_and_never_filters_tags()
    {
        var filter = new BranchFilter(["main", "release/*"]);

        Assert.True(filter.Allows("refs/heads/main"));
        Assert.True(filter.Allows("refs/heads/release/1.0/hotfix"));
        Assert.False(filter.Allows("refs/heads/mainline"));
        Assert.False(filter.Allows("refs/heads/feature/x"));
        Assert.True(filter.Allows("refs/tags/v1"));
    }

    [Theory]
    [InlineData("*", "any/thing", true)]
    [InlineData("*", "", true)]
    [InlineData("release/*", "release/", true)]
    [InlineData("release/*", "releases/1", false)]
    [InlineData("*-rc", "1.0-rc", true)]
    [InlineData("*-rc", "1.0-rc2", false)]
    [InlineData("feat*/x*", "feature/a/xy", true)]
    [InlineData("feat*/x*", "feature/a/y", false)]
    [InlineData("a*b*c", "abbc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("Main", "main", false)]
    [InlineData("v1.0", "v1x0", false)]
    public void A_branch_glob_matches_like_a_wildcard_only_at_its_stars(string glob, string branch, bool allowed) =>
        Assert.Equal(allowed, new BranchFilter([glob]).Allows("refs/heads/" + branch));

    [Fact]
    public async Task The_plan_creates_fast_forwards_rewrites_and_prunes_only_inside_the_namespaces()
    {
        var desired = MirrorPlan.Desired(
            new Dictionary<string, string>
            {
                ["refs/heads/main"] = "b2",
                ["refs/heads/new"] = "c1",
                ["refs/heads/rewritten"] = "d2",
                ["refs/heads/same"] = "e1",
                ["refs/tags/v1"] = "f2",
                ["refs/remotes/origin/main"] = "b2",
            },
            Defaults,
            new BranchFilter(["*"]));
        var target = new Dictionary<string, string>
        {
            ["refs/heads/main"] = "b1",
            ["refs/heads/rewritten"] = "d1",
            ["refs/heads/same"] = "e1",
            ["refs/heads/gone"] = "g1",
            ["refs/tags/v1"] = "f1",
            ["refs/notes/commits"] = "n1",
        };

        var plan = await MirrorPlan.ComputeAsync(desired, target, Defaults, new BranchFilter(["*"]), (old, @new) => Task.FromResult(old == "b1"));

        Assert.Equal(
            [
                new RefUpdate("refs/heads/gone", "g1", null, RefChange.Delete),
                new RefUpdate("refs/heads/main", "b1", "b2", RefChange.FastForward),
                new RefUpdate("refs/heads/new", null, "c1", RefChange.Create),
                new RefUpdate("refs/heads/rewritten", "d1", "d2", RefChange.Rewrite),
                new RefUpdate("refs/tags/v1", "f1", "f2", RefChange.Rewrite),
            ],
            plan);
    }

    [Fact]
    public async Task Without_pruning_namespaces_nothing_is_deleted()
    {
        var plan = await MirrorPlan.ComputeAsync(
            new Dictionary<string, string>(), new Dictionary<string, string> { ["refs/heads/gone"] = "a" }, [], new BranchFilter(["*"]),
            (_, _) => Task.FromResult(true));

        Assert.Empty(plan);
    }

    [Theory]
    [InlineData("fatal: unable to access 'https://h/v1/repos/x/': The requested URL returned error: 403", "the git credentials were rejected")]
    [InlineData("fatal: Authentication failed for 'https://h/v1/repos/x/'", "the git credentials were rejected")]
    [InlineData("fatal: repository 'https://h/v1/repos/x/' not found", "the repository does not exist")]
    [InlineData("fatal: unable to access 'https://h/v1/repos/x/': Could not resolve host: h", "the server cannot be reached (network failure: Could not resolve host: h)")]
    [InlineData("fatal: unable to access 'https://h/v1/repos/x/': Failed to connect to h port 443: Connection refused", "the server cannot be reached")]
    public void Git_errors_become_one_clear_line(string stderr, string expected)
    {
        var line = GitRemoteErrors.Classify(new Uri("https://h/v1/repos/x"), "Pushing to", [stderr]);

        Assert.NotNull(line);
        Assert.StartsWith("Pushing to https://h/v1/repos/x failed: " + expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_lists_every_ref_changed_or_says_up_to_date()
    {
        Assert.Equal("up to date", new MirrorResult([]).Summary);
        Assert.Equal(
            "2 refs: refs/heads/main 1111111..2222222, refs/heads/old (deleted, was 3333333)",
            new MirrorResult(
            [
                new RefUpdate("refs/heads/main", "1111111aaaa", "2222222bbbb", RefChange.FastForward),
                new RefUpdate("refs/heads/old", "3333333cccc", null, RefChange.Delete),
            ]).Summary);
    }
}
