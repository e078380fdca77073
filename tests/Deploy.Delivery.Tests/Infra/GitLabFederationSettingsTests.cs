using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

public sealed class GitLabFederationSettingsTests
{
    [Theory]
    [InlineData("http://gitlab.example.com", "group/app", "develop", "GitLab URL 'http://gitlab.example.com' must be an https:// URL")]
    [InlineData("https://gitlab.com/?x=1", "group/app", "develop", "must be an https:// URL without query")]
    [InlineData("https://gitlab.com", "app", "develop", "GitLab project path 'app' must be group/project")]
    [InlineData("https://gitlab.com", "group/app", "bad..branch", "GitLab mirror branch 'bad..branch' is not a valid git branch name")]
    public void A_bad_gitlab_setting_is_one_sentence_naming_its_flag(string url, string projectPath, string mirrorBranch, string expected)
    {
        var settings = new PlatformSettings { GitLab = new GitLabFederation { Url = url, ProjectPath = projectPath, MirrorBranches = [mirrorBranch] } };

        var error = Assert.Single(settings.Validate());

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("(--gitlab-", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_local_clouds_issuer_on_loopback_is_accepted_and_names_the_condition_keys_with_its_port_and_path()
    {
        var gitLab = new GitLabFederation { Url = "http://127.0.0.1:4566/_gitlab", ProjectPath = "group/sub/app" };

        Assert.Empty(new PlatformSettings { GitLab = gitLab }.Validate());
        Assert.Equal("127.0.0.1:4566/_gitlab", gitLab.HostAndPath);
        Assert.Equal("project_path:group/sub/app:ref_type:branch:ref:main", gitLab.Subject("main"));
    }

    [Fact]
    public void The_local_issuer_path_is_where_the_local_cloud_serves_it()
    {
        Assert.Equal(Deploy.LocalCloud.Hosting.LocalCloudInstance.GitLabIssuerPath, GitLabFederation.LocalIssuerPath);
    }
}
