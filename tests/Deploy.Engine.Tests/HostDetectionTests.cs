using Deploy.Engine;

namespace Deploy.Engine.Tests;

public sealed class HostDetectionTests
{
    private static IBuildHost Detect(Dictionary<string, string> environment, bool isTerminal = true) =>
        HostDetector.Detect(environment, isTerminal, Path.GetTempPath());

    [Fact]
    public void GitLab_is_detected_from_GITLAB_CI()
    {
        var host = Detect(new()
        {
            ["GITLAB_CI"] = "true",
            ["CI_COMMIT_SHA"] = "abc",
            ["CI_COMMIT_REF_NAME"] = "feature",
            ["CI_JOB_URL"] = "https://gitlab.example/job/1",
        });
        Assert.Equal(HostKind.GitLab, host.Kind);
        Assert.True(host.IsCi);
        Assert.False(host.IsInteractive);
        Assert.Equal("abc", host.CommitSha);
        Assert.Equal("feature", host.Branch);
        Assert.Equal("https://gitlab.example/job/1", host.BuildUrl);
    }

    [Fact]
    public void GitLab_prefers_CI_COMMIT_BRANCH()
    {
        var host = Detect(new() { ["GITLAB_CI"] = "true", ["CI_COMMIT_BRANCH"] = "main", ["CI_COMMIT_REF_NAME"] = "v1" });
        Assert.Equal("main", host.Branch);
    }

    [Fact]
    public void CodeBuild_is_detected_and_builds_a_console_url()
    {
        var host = Detect(new()
        {
            ["CODEBUILD_BUILD_ID"] = "deploy:1234-abcd",
            ["CODEBUILD_RESOLVED_SOURCE_VERSION"] = "0123456789abcdef0123456789abcdef01234567",
            ["CODEBUILD_WEBHOOK_HEAD_REF"] = "refs/heads/main",
            ["AWS_REGION"] = "eu-west-1",
        });
        Assert.Equal(HostKind.CodeBuild, host.Kind);
        Assert.True(host.IsCi);
        Assert.False(host.IsInteractive);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", host.CommitSha);
        Assert.Equal("main", host.Branch);
        Assert.Equal(
            "https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/projects/deploy/build/deploy%3A1234-abcd/?region=eu-west-1",
            host.BuildUrl);
    }

    [Fact]
    public void CodeBuild_branch_falls_back_to_a_source_version_that_is_not_a_sha()
    {
        Assert.Equal("release", HostDetector.CodeBuildBranch(null, "release"));
        Assert.Null(HostDetector.CodeBuildBranch(null, "0123456789abcdef0123456789abcdef01234567"));
    }

    [Fact]
    public void A_pipeline_build_takes_the_branch_the_pipeline_hands_over()
    {
        var host = Detect(new()
        {
            ["CODEBUILD_BUILD_ID"] = "deploy:1234-abcd",
            ["CODEBUILD_SOURCE_VERSION"] = "arn:aws:s3:::codepipeline-artifacts/deploy-pipeline/SourceOutp/AbCdEfG",
            ["PIPELINE_SOURCE_BRANCH"] = "main",
        });

        Assert.Equal("main", host.Branch);
    }

    [Theory]
    [InlineData("arn:aws:s3:::codepipeline-artifacts/deploy-pipeline/SourceOutp/AbCdEfG")]
    [InlineData("pr/17")]
    public void CodeBuild_source_versions_that_are_no_branch_give_no_branch(string sourceVersion) =>
        Assert.Null(HostDetector.CodeBuildBranch(null, sourceVersion));

    [Fact]
    public void CodeBuild_uses_CODEBUILD_BUILD_URL_when_set()
    {
        var host = Detect(new() { ["CODEBUILD_BUILD_ID"] = "p:1", ["CODEBUILD_BUILD_URL"] = "https://example/build" });
        Assert.Equal("https://example/build", host.BuildUrl);
    }

    [Fact]
    public void A_terminal_is_interactive_unless_CI_is_set()
    {
        Assert.True(Detect([]).IsInteractive);
        Assert.False(Detect([], isTerminal: false).IsInteractive);
        var ci = Detect(new() { ["CI"] = "true" });
        Assert.Equal(HostKind.Terminal, ci.Kind);
        Assert.True(ci.IsCi);
        Assert.False(ci.IsInteractive);
        Assert.Null(ci.BuildUrl);
    }
}
