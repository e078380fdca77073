using System.Net.Http.Headers;
using System.Text;
using Deploy.LocalCloud.Ecr;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Registry;

/// <summary>ECR-style registry auth: HTTP Basic with user <c>AWS</c> and a GetAuthorizationToken password.</summary>
internal sealed class RegistryAuthentication(EcrAuthorizationTokens tokens, LocalCloudAddress address)
{
    public bool IsAuthorized(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && tokens.IsValid(decoded[..colon], decoded[(colon + 1)..]);
    }

    public string Challenge => $"Basic realm=\"http://{address.RegistryHost}/\",service=\"ecr.amazonaws.com\"";
}
