using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;
using Microsoft.IdentityModel.Tokens;

namespace Deploy.LocalCloud.Sts;

/// <summary>
/// The keys an OIDC issuer publishes, fetched as STS does: the discovery document at
/// <c>&lt;issuer&gt;/.well-known/openid-configuration</c>, whose <c>issuer</c> must be the issuer itself, then the JWK Set at
/// its <c>jwks_uri</c>. Fetched on every call (loopback issuers answer in a millisecond, and a rotated key is seen at once).
/// A failure is STS's <c>IDPCommunicationError</c>.
/// </summary>
internal sealed class IdentityProviderKeys : IDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<IReadOnlyList<SecurityKey>> FetchAsync(string issuerUrl, CancellationToken cancellationToken)
    {
        var discoveryUrl = issuerUrl.TrimEnd('/') + "/.well-known/openid-configuration";
        var discovery = await GetJsonAsync(discoveryUrl, cancellationToken);
        if (discovery["issuer"]?.ToString() is not { } issuer || issuer.TrimEnd('/') != issuerUrl.TrimEnd('/'))
        {
            throw Failure($"the discovery document at {discoveryUrl} names issuer '{discovery["issuer"]}', not {issuerUrl}");
        }

        if (discovery["jwks_uri"]?.ToString() is not { } jwksUri || !Uri.TryCreate(jwksUri, UriKind.Absolute, out _))
        {
            throw Failure($"the discovery document at {discoveryUrl} has no jwks_uri");
        }

        var keys = await GetJsonAsync(jwksUri, cancellationToken);
        try
        {
            return [.. new JsonWebKeySet(keys.ToJsonString()).GetSigningKeys()];
        }
        catch (ArgumentException e)
        {
            throw Failure($"the keys at {jwksUri} are not a JWK Set: {e.Message}");
        }
    }

    private async Task<JsonObject> GetJsonAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure($"{url} answered HTTP {(int)response.StatusCode}");
            }

            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject
                   ?? throw Failure($"{url} did not answer a JSON object");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Failure($"{url}: {e.Message}");
        }
    }

    private static AwsServiceException Failure(string detail) => new("IDPCommunicationError",
        $"Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements ({detail}).");

    public void Dispose() => http.Dispose();
}
