using Amazon.Runtime;
using Deploy.Aws.CodeCommit;

namespace Deploy.Aws.Tests.CodeCommit;

public sealed class CodeCommitGitTests
{
    private static readonly ImmutableCredentials Temporary = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLETOKEN");

    [Fact]
    public void The_git_password_matches_what_the_aws_CLI_credential_helper_computes()
    {
        // Vector: `aws codecommit credential-helper get` (awscli 1.45.11) at 2024-01-02T03:04:05Z with these keys.
        var url = new Uri("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app");

        var credentials = CodeCommitGit.Sign(Temporary, url, "eu-west-1", new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.Equal("AKIDEXAMPLE%FwoGZXIvYXdzEXAMPLETOKEN", credentials.Username);
        Assert.Equal("20240102T030405Z846a5466753fb6dd95b33b1afd5afe18c9d933809cca5613e63a2e32031ae5ad", credentials.Password);
        Assert.DoesNotContain(credentials.Password, credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Long_term_keys_use_the_bare_access_key_id_as_username()
    {
        var credentials = CodeCommitGit.Sign(new ImmutableCredentials("AKIDEXAMPLE", "secret", null), CodeCommitGit.RepositoryUrl("us-east-1", "app"), "us-east-1", DateTimeOffset.UnixEpoch);

        Assert.Equal("AKIDEXAMPLE", credentials.Username);
        Assert.StartsWith("19700101T000000Z", credentials.Password, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://git-codecommit.eu-central-1.amazonaws.com/v1/repos/app", "eu-central-1")]
    [InlineData("https://git-codecommit-fips.us-east-2.amazonaws.com/v1/repos/app", "us-east-2")]
    [InlineData("http://127.0.0.1:4566/v1/repos/app", null)]
    public void The_region_is_read_from_the_CodeCommit_host(string url, string? region)
    {
        Assert.Equal(region, CodeCommitGit.RegionOf(new Uri(url)));
    }

    [Fact]
    public async Task The_session_signs_for_the_region_of_the_repository_host()
    {
        using var session = new AwsSession(new AwsSessionOptions { Region = "us-east-1", Credentials = new SessionAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLETOKEN") });
        var at = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var credentials = await CodeCommitGit.ForRepositoryAsync(session, new Uri("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app"), at);

        Assert.Equal("20240102T030405Z846a5466753fb6dd95b33b1afd5afe18c9d933809cca5613e63a2e32031ae5ad", credentials.Password);
        Assert.Equal(new Uri("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app"), CodeCommitGit.RepositoryUrl("us-east-1", "app"));
    }
}
