using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Auth;

namespace Deploy.LocalCloud.CodeCommit;

internal enum GitAuthentication
{
    Accepted,

    /// <summary>No Basic credentials: 401 with the challenge, so git asks its credential helper.</summary>
    Missing,

    /// <summary>Wrong user, signature, region, or a password older (or newer) than 15 minutes: 403.</summary>
    Rejected,
}

/// <summary>
/// Checks CodeCommit's SigV4-derived git password (what <c>aws codecommit credential-helper</c> computes): HTTP Basic with
/// user = access key id (plus <c>%session token</c>) and password = <c>&lt;yyyyMMddTHHmmss&gt;Z&lt;hex signature&gt;</c> of the
/// canonical request <c>GIT\n&lt;path&gt;\n\nhost:&lt;host&gt;\n\nhost\n</c> (host without the port, as the CLI signs it),
/// service <c>codecommit</c>, the configured region and the key's secret. A session's key (<c>ASIA…%token</c>) is signed
/// with the session's secret and needs its token, unexpired.
/// </summary>
internal sealed partial class GitPasswordVerifier(LocalCredentials credentials, TemporaryCredentialStore sessions, TimeProvider clock)
{
    /// <summary>How far the password's timestamp may be from now, either way (as for SigV4 requests).</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(15);

    public const string Challenge = "Basic realm=\"AWS CodeCommit\"";

    public (GitAuthentication Outcome, string AccessKeyId) Verify(string? authorization, string host, string repositoryPath)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return (GitAuthentication.Missing, string.Empty);
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return (GitAuthentication.Rejected, string.Empty);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return (GitAuthentication.Rejected, string.Empty);
        }

        // A session key comes with its token after '%' (what the credential helper sends); the configured key needs none.
        var user = decoded[..colon].Split('%', 2);
        var accessKeyId = user[0];
        var secret = Secret(accessKeyId, user.Length > 1 ? user[1] : null);
        var password = decoded[(colon + 1)..];
        var match = PasswordPattern().Match(password);
        if (secret is null || !match.Success
            || !DateTimeOffset.TryParseExact(match.Groups["ts"].Value, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var signedAt)
            || (clock.GetUtcNow() - signedAt).Duration() > Validity)
        {
            return (GitAuthentication.Rejected, accessKeyId);
        }

        var expected = Password(secret, credentials.Region, host, repositoryPath, match.Groups["ts"].Value);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(password))
            ? (GitAuthentication.Accepted, accessKeyId)
            : (GitAuthentication.Rejected, accessKeyId);
    }

    /// <summary>Who an accepted password's key id is: the configured key, or the role session it was issued to.</summary>
    public CallerIdentity Caller(string accessKeyId) =>
        accessKeyId != credentials.AccessKeyId && sessions.Find(accessKeyId) is { } session
            ? CallerIdentity.For(session, credentials.AccountId)
            : CallerIdentity.Root(credentials);

    private string? Secret(string accessKeyId, string? sessionToken)
    {
        if (accessKeyId == credentials.AccessKeyId)
        {
            return credentials.SecretAccessKey;
        }

        return sessions.Find(accessKeyId) is { } session && SigV4Verifier.SessionTokenMatches(session, sessionToken) && !session.IsExpired(clock.GetUtcNow())
            ? session.SecretAccessKey
            : null;
    }

    /// <summary>The password for <paramref name="repositoryPath"/> (<c>/v1/repos/&lt;name&gt;</c>) signed at <paramref name="timestamp"/>.</summary>
    public static string Password(string secretKey, string region, string host, string repositoryPath, string timestamp)
    {
        var canonical = $"GIT\n{repositoryPath}\n\nhost:{host}\n\nhost\n";
        var date = timestamp[..8];
        var stringToSign = SigV4Signature.StringToSign(timestamp, $"{date}/{region}/codecommit/aws4_request", canonical);
        return timestamp + "Z" + SigV4Signature.Sign(secretKey, date, region, "codecommit", stringToSign);
    }

    [GeneratedRegex("^(?<ts>[0-9]{8}T[0-9]{6})Z[0-9a-f]{64}$")]
    private static partial Regex PasswordPattern();
}
