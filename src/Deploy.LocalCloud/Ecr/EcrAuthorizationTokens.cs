using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Deploy.LocalCloud.Auth;

namespace Deploy.LocalCloud.Ecr;

/// <summary>
/// Registry passwords that need no storage: <c>&lt;expiry unix seconds&gt;.&lt;access key id&gt;.&lt;HMAC(secret,
/// account:expiry:key id)&gt;</c>. Like ECR's token, a password carries the identity that asked for it (the key id names
/// the configured key or a role session), so a push or pull is authorized as that identity. Verifiable after a
/// restart, and invalid once expired or if the configured secret changes.
/// </summary>
internal sealed class EcrAuthorizationTokens(LocalCredentials credentials, TimeProvider clock)
{
    public const string UserName = "AWS";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>A token for the configured key, or for <paramref name="accessKeyId"/>'s session, expiring no later than
    /// <paramref name="notAfter"/> (a session's own expiry).</summary>
    public (string Base64Token, DateTimeOffset ExpiresAt) Issue(string? accessKeyId = null, DateTimeOffset? notAfter = null)
    {
        var expiresAt = clock.GetUtcNow().Add(Lifetime);
        if (notAfter is { } limit && limit < expiresAt)
        {
            expiresAt = limit;
        }

        expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds());
        var password = Password(expiresAt.ToUnixTimeSeconds(), accessKeyId ?? credentials.AccessKeyId);
        return (Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UserName}:{password}")), expiresAt);
    }

    public bool IsValid(string userName, string password) => Verify(userName, password) is not null;

    /// <summary>The access key id the password was issued to, or null when it is not a valid, unexpired password.</summary>
    public string? Verify(string userName, string password)
    {
        var parts = password.Split('.');
        if (userName != UserName || parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || expiry < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Password(expiry, parts[1])), Encoding.ASCII.GetBytes(password))
            ? parts[1]
            : null;
    }

    private string Password(long expiry, string accessKeyId)
    {
        var mac = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(credentials.SecretAccessKey),
            Encoding.UTF8.GetBytes(FormattableString.Invariant($"ecr-registry:{credentials.AccountId}:{expiry}:{accessKeyId}")));
        return FormattableString.Invariant($"{expiry}.{accessKeyId}.{Convert.ToHexStringLower(mac)}");
    }
}
