using Deploy.Delivery.Fargate;
using Deploy.Delivery.Notifications;
using Deploy.Delivery.Tests.Mirror;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Notifications;

/// <summary>Which outcome a result or failure is, and the commit and place a message names.</summary>
public sealed class NotificationFactsTests
{
    private static readonly Func<string, Task<(string? Title, string? Author)>> NoGit = _ => Task.FromResult<(string?, string?)>((null, null));

    [Fact]
    public void A_failure_is_classified_through_the_builds_wrapper()
    {
        var rolledBack = new DeploymentFailedException(SampleNotifications.RolledBack());
        var notRolledBack = new DeploymentFailedException(SampleNotifications.RolledBack() with { RolledBackTo = null });

        Assert.Equal(NotificationOutcome.RolledBack, NotificationOutcomes.Of(new BuildFailedException(rolledBack.Message, rolledBack)));
        Assert.Equal(NotificationOutcome.Failed, NotificationOutcomes.Of(new BuildFailedException(notRolledBack.Message, notRolledBack)));
        Assert.Equal(NotificationOutcome.TimedOut, NotificationOutcomes.Of(new BuildFailedException("t", new DeploymentTimeoutException("t"))));
        Assert.Equal(NotificationOutcome.Failed, NotificationOutcomes.Of(new DeploymentFailedException("a message only")));
        Assert.Equal(NotificationOutcome.Failed, NotificationOutcomes.Of(new InvalidOperationException("anything else")));
    }

    [Fact]
    public void A_dry_run_notifies_nobody_and_a_rollback_target_is_a_rollback()
    {
        Assert.Null(DeployNotification.For(SampleNotifications.Context, new DeployResult(DeployOutcome.DryRun, "app", TimeSpan.Zero, null)));
        var rolledBack = DeployNotification.For(SampleNotifications.Context, new DeployResult(DeployOutcome.RolledBack, "app:6", TimeSpan.FromSeconds(3), null))!;
        Assert.Equal((NotificationOutcome.RolledBack, "app:6", null), (rolledBack.Outcome, rolledBack.RolledBackTo, rolledBack.Rollout));
    }

    [Fact]
    public void A_failed_rollout_brings_its_reason_revisions_and_tasks_into_the_message()
    {
        var failure = SampleNotifications.RolledBack();

        var notification = DeployNotification.For(SampleNotifications.Context, new BuildFailedException("wrapped", new DeploymentFailedException(failure)), TimeSpan.FromSeconds(9));

        Assert.Equal((NotificationOutcome.RolledBack, "sample-service:8", "sample-service:7", failure.Reason, failure), (notification.Outcome, notification.TaskDefinition, notification.RolledBackTo, notification.Reason, notification.Rollout));
    }

    [Fact]
    public async Task On_GitLab_the_pipelines_commit_has_its_title_author_and_link_without_asking_git()
    {
        var environment = new Dictionary<string, string>
        {
            ["CI_COMMIT_SHA"] = SampleNotifications.Sha,
            ["CI_COMMIT_TITLE"] = "Fix the health check path",
            ["CI_COMMIT_AUTHOR"] = "Jane Doe <jane@example.com>",
            ["CI_PROJECT_URL"] = "https://gitlab.example.com/team/sample-service",
        };

        var commit = await RunFacts.CommitAsync(SampleNotifications.Sha, environment, _ => throw new InvalidOperationException("git must not be asked"));

        Assert.Equal(new CommitInfo(SampleNotifications.Sha, "Fix the health check path", "Jane Doe", new Uri($"https://gitlab.example.com/team/sample-service/-/commit/{SampleNotifications.Sha}")), commit);
        Assert.Equal("4f9c2e1d", commit!.ShortSha);
    }

    [Fact]
    public async Task Another_commit_than_the_pipelines_is_described_by_git_and_a_dirty_build_by_its_commit()
    {
        var asked = new List<string>();
        var environment = new Dictionary<string, string> { ["CI_COMMIT_SHA"] = "1111111111111111111111111111111111111111", ["CI_COMMIT_TITLE"] = "not this one" };

        var commit = await RunFacts.CommitAsync(SampleNotifications.Sha + "-dirty", environment, sha =>
        {
            asked.Add(sha);
            return Task.FromResult<(string?, string?)>(("From git", "Git Author"));
        });

        Assert.Equal([SampleNotifications.Sha], asked);
        Assert.Equal((SampleNotifications.Sha + "-dirty", "From git", "Git Author", null), (commit!.Sha, commit.Title, commit.Author, commit.Url));
        Assert.Equal("4f9c2e1d-dirty", commit.ShortSha);
        Assert.Null(await RunFacts.CommitAsync(null, environment, NoGit));
    }

    [Fact]
    public async Task Git_in_a_real_checkout_gives_the_subject_and_author_and_nothing_for_an_unknown_commit()
    {
        using var repository = new GitSandbox();
        var sha = repository.Commit(message: "Subject line of the change\n\nBody that is not shown");
        var tools = new ToolRunner(new Images.LevelLog(), environment: repository.Environment, workingDirectory: repository.Source);

        Assert.Equal(("Subject line of the change", "Mirror Test"), await RunFacts.GitAsync(tools, sha));
        Assert.Equal((null, null), await RunFacts.GitAsync(tools, new string('0', 40)));
    }

    [Fact]
    public void Where_it_ran_is_the_GitLab_job_the_CodeBuild_build_or_the_host()
    {
        var gitlab = RunFacts.Where(new Host(HostKind.GitLab, "https://gitlab.example.com/t/s/-/jobs/42"), new Dictionary<string, string> { ["CI_JOB_NAME"] = "deploy", ["CI_JOB_ID"] = "42" }, "runner-1");
        var codebuild = RunFacts.Where(new Host(HostKind.CodeBuild, "https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/projects/p/build/p%3Aabc/?region=eu-west-1"), new Dictionary<string, string> { ["CODEBUILD_BUILD_ID"] = "p:abc" }, "ip-10-0-0-1");
        var terminal = RunFacts.Where(new Host(HostKind.Terminal, null), new Dictionary<string, string>(), "laptop");

        Assert.Equal(new RunLocation("GitLab job deploy #42", new Uri("https://gitlab.example.com/t/s/-/jobs/42")), gitlab);
        Assert.Equal(("CodeBuild build p:abc", "eu-west-1.console.aws.amazon.com"), (codebuild.Text, codebuild.Url!.Host));
        Assert.Equal(new RunLocation("host laptop", null), terminal);
    }

    [Theory]
    [InlineData("Jane Doe <jane@example.com>", "Jane Doe")]
    [InlineData("Jane Doe", "Jane Doe")]
    [InlineData("  ", null)]
    public void The_author_is_the_name_without_the_address(string author, string? expected)
    {
        Assert.Equal(expected, RunFacts.AuthorName(author));
    }

    private sealed record Host(HostKind Kind, string? BuildUrl) : IBuildHost
    {
        public bool IsCi => Kind != HostKind.Terminal;

        public bool IsInteractive => false;

        public string? CommitSha => null;

        public string? Branch => null;
    }
}
