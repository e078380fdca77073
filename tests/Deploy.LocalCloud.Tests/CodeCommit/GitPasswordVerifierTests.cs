using System.Globalization;
using System.Text;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.CodeCommit;
using Deploy.LocalCloud.Tests.Support;

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
        using var state = new TempDirectory();
        var clock = new FixedClock(SignedAt.AddSeconds(secondsLater));
        var verifier = new GitPasswordVerifier(Credentials, TemporaryCredentialStores.Empty(state.Path, clock), clock);

        Assert.Equal(accepted ? GitAuthentication.Accepted : GitAuthentication.Rejected, verifier.Verify(Basic("local", password), "127.0.0.1", Path).Outcome);
    }

    [Fact]
    public async Task Our_password_is_the_python_one_and_region_path_host_and_user_all_count()
    {
        var python = await PythonGitPassword.SignAsync(Credentials.SecretAccessKey, "127.0.0.1", Path, Credentials.Region, SignedAt);
        var otherRegion = await PythonGitPassword.SignAsync(Credentials.SecretAccessKey, "127.0.0.1", Path, "us-east-1", SignedAt);
        using var state = new TempDirectory();
        var clock = new FixedClock(SignedAt);
        var verifier = new GitPasswordVerifier(Credentials, TemporaryCredentialStores.Empty(state.Path, clock), clock);

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

    [Fact]
    public async Task A_session_key_is_signed_with_the_session_secret_and_needs_its_own_unexpired_token()
    {
        using var state = new TempDirectory();
        var clock = new MovableClock(SignedAt);
        var sessions = TemporaryCredentialStores.Empty(state.Path, clock);
        var session = sessions.Issue("arn:aws:iam::000000000000:role/pipeline", "build-1", TimeSpan.FromMinutes(30));
        var other = sessions.Issue("arn:aws:iam::000000000000:role/pipeline", "build-2", TimeSpan.FromMinutes(30));
        var verifier = new GitPasswordVerifier(Credentials, sessions, clock);
        var python = await PythonGitPassword.SignAsync(session.SecretAccessKey, "127.0.0.1", Path, Credentials.Region, SignedAt);
        var signedWithRootSecret = await PythonGitPassword.SignAsync(Credentials.SecretAccessKey, "127.0.0.1", Path, Credentials.Region, SignedAt);

        Assert.Equal(GitAuthentication.Accepted, verifier.Verify(Basic($"{session.AccessKeyId}%{session.SessionToken}", python), "127.0.0.1", Path).Outcome);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify(Basic(session.AccessKeyId, python), "127.0.0.1", Path).Outcome);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify(Basic($"{session.AccessKeyId}%{other.SessionToken}", python), "127.0.0.1", Path).Outcome);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify(Basic($"{session.AccessKeyId}%{session.SessionToken}", signedWithRootSecret), "127.0.0.1", Path).Outcome);

        clock.Now = SignedAt.AddMinutes(31);
        var late = await PythonGitPassword.SignAsync(session.SecretAccessKey, "127.0.0.1", Path, Credentials.Region, clock.Now);
        Assert.Equal(GitAuthentication.Rejected, verifier.Verify(Basic($"{session.AccessKeyId}%{session.SessionToken}", late), "127.0.0.1", Path).Outcome);
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
