using System.Net.Http.Headers;
using System.Text;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Ecr;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Registry;

/// <summary>
/// ECR-style registry auth: HTTP Basic with user <c>AWS</c> and a GetAuthorizationToken password, which names the
/// identity that asked for it: the configured key, or a role session that must still be current.
/// </summary>
internal sealed class RegistryAuthentication(
    EcrAuthorizationTokens tokens, LocalCredentials credentials, TemporaryCredentialStore sessions, TimeProvider clock, LocalCloudAddress address)
{
    /// <summary>The identity the request's password was issued to, or null when it carries no valid password.</summary>
    public CallerIdentity? Caller(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        var accessKeyId = colon > 0 ? tokens.Verify(decoded[..colon], decoded[(colon + 1)..]) : null;
        if (accessKeyId is null)
        {
            return null;
        }

        if (accessKeyId == credentials.AccessKeyId)
        {
            return CallerIdentity.Root(credentials);
        }

        return sessions.Find(accessKeyId) is { } session && !session.IsExpired(clock.GetUtcNow())
            ? CallerIdentity.For(session, credentials.AccountId)
            : null;
    }

    public string Challenge => $"Basic realm=\"http://{address.RegistryHost}/\",service=\"ecr.amazonaws.com\"";
}
