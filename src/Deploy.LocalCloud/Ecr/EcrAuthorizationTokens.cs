using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Deploy.LocalCloud.Auth;

namespace Deploy.LocalCloud.Ecr;

/// <summary>
/// Registry passwords that need no storage: <c>&lt;expiry unix seconds&gt;.&lt;HMAC(secret, account:expiry)&gt;</c>.
/// Verifiable after a restart, and invalid once expired or if the configured secret changes.
/// </summary>
internal sealed class EcrAuthorizationTokens(LocalCredentials credentials, TimeProvider clock)
{
    public const string UserName = "AWS";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public (string Base64Token, DateTimeOffset ExpiresAt) Issue()
    {
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        var password = Password(expiresAt.ToUnixTimeSeconds());
        return (Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UserName}:{password}")), expiresAt);
    }

    public bool IsValid(string userName, string password)
    {
        var dot = password.IndexOf('.', StringComparison.Ordinal);
        if (userName != UserName || dot < 0
            || !long.TryParse(password[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || expiry < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Password(expiry)), Encoding.ASCII.GetBytes(password));
    }

    private string Password(long expiry)
    {
        var mac = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(credentials.SecretAccessKey),
            Encoding.UTF8.GetBytes(FormattableString.Invariant($"ecr-registry:{credentials.AccountId}:{expiry}")));
        return FormattableString.Invariant($"{expiry}.{Convert.ToHexStringLower(mac)}");
    }
}
