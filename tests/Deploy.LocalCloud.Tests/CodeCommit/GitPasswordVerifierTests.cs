using System.Globalization;
using System.Text;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.CodeCommit;

namespace Deploy.LocalCloud.Tests.CodeCommit;

/// <summary>The git password check at chosen clock times, against passwords computed by the independent Python implementation.</summary>
public sealed class GitPasswordVerifierTests
{
    private const string Path = "/v1/repos/service";
    private static readonly LocalCredentials Credentials = new("local", "localsecret", "eu-west-1");
    private static readonly DateTimeOffset SignedAt = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, true)]
    [InlineData(14 * 60 + 59, true)]
    [InlineData(-14 * 60, true)]
    [InlineData(15 * 60 + 1, false)]
    [InlineData(-15 * 60 - 1, false)]
    public async Task A_password_is_valid_for_15_minutes_either_side_of_its_timestamp(int secondsLater, bool accepted)
    {
        var password = await PythonGitPassword.SignAsync(Credentials.SecretAccessKey, "127.0.0.1", Path, Credentials.Region, SignedAt);
        var verifier = new GitPasswordVerifier(Credentials, new FixedClock(SignedAt.AddSeconds(secondsLater)));

        Assert.Equal(accepted ? GitAuthentication.Accepted : GitAuthentication.Rejected, verifier.Verify(Basic("local", password), "127.0.0.1", Path).Outcome);
    }

    [Fact]
    public async Task Our_password_is_the_python_one_and_region_path_host_and_user_all_count()
    {
        var python = await PythonGitPassword.SignAsync(Credentials.SecretAccessKey, "127.0.0.1", Path, Credentials.Region, SignedAt);
        var otherRegion = await PythonGitPassword.SignAsync(Credentials.SecretAccessKey, "127.0.0.1", Path, "us-east-1", SignedAt);
        var verifier = new GitPasswordVerifier(Credentials, new FixedClock(SignedAt));

        Assert.Equal(python, GitPasswordVerifier.Password(Credentials.SecretAccessKey, Credentials.Region, "127.0.0.1", Path,
            SignedAt.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)));
        Assert.Equal(GitAuthentication.Accepted, verifier.Verify(Basic("local%IQoJsessionToken+/=", python), "127.0.0.1", Path).Outcome);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify(Basic("local", otherRegion), "127.0.0.1", Path).Outcome);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify(Basic("local", python), "127.0.0.1", "/v1/repos/other").Outcome);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify(Basic("local", python), "localhost", Path).Outcome);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify(Basic("someone", python), "127.0.0.1", Path).Outcome);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify(Basic("local", python.ToUpperInvariant()), "127.0.0.1", Path).Outcome);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify("Basic %%%", "127.0.0.1", Path).Outcome);
        Assert.Equal(GitAuthentication.Missing, verifier.Verify(string.Empty, "127.0.0.1", Path).Outcome);
        Assert.Equal(GitAuthentication.Missing, verifier.Verify("Bearer abc", "127.0.0.1", Path).Outcome);
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
