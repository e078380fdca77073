using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.State;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Deploy.LocalCloud.Oidc;

/// <summary>
/// A local stand-in for a GitLab instance's OIDC issuer: its own RSA key pair (kept in <c>oidc-issuer.json</c>, owner-only,
/// so tokens stay verifiable across restarts), the discovery document and JWKS at GitLab's paths under
/// <see cref="PathPrefix"/>, and GitLab-shaped CI ID tokens signed RS256 with a <c>kid</c>. STS checks these tokens as it
/// checks any issuer's: through the discovery document and JWKS it serves on loopback.
/// </summary>
internal sealed class LocalGitLabIssuer(LocalCloudOptions options, LocalCloudAddress address, TimeProvider clock)
{
    /// <summary>Where the issuer lives on the local cloud's port; starts with <c>_</c>, which no S3 bucket name can.</summary>
    public const string PathPrefix = "/_gitlab";

    /// <summary>GitLab's JWKS path, relative to the instance.</summary>
    public const string KeysPath = "/oauth/discovery/keys";

    public const string DiscoveryPath = "/.well-known/openid-configuration";

    /// <summary>The claims of GitLab's CI ID tokens (<see cref="GitLabTokenRequest.Claims"/>), as its discovery document lists them.</summary>
    private static readonly string[] ClaimsSupported =
    [
        "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "namespace_id", "namespace_path", "project_id", "project_path",
        "user_id", "user_login", "user_email", "pipeline_id", "pipeline_source", "job_id", "ref", "ref_type", "ref_path",
        "ref_protected", "environment", "runner_id", "runner_environment", "sha", "ci_config_ref_uri", "ci_config_sha",
    ];

    private readonly Lazy<(RSA Key, string KeyId)> signingKey = new(() => LoadOrCreateKey(options.StateDirectory));

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/_gitlab</c>: the <c>iss</c> of its tokens (follows the current port).</summary>
    public string IssuerUrl => $"http://127.0.0.1:{address.Port}{PathPrefix}";

    /// <summary>The parts of GitLab's discovery document a relying party (STS) reads.</summary>
    public JsonObject DiscoveryDocument() => new()
    {
        ["issuer"] = IssuerUrl,
        ["jwks_uri"] = IssuerUrl + KeysPath,
        ["response_types_supported"] = new JsonArray("id_token"),
        ["subject_types_supported"] = new JsonArray("public"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["scopes_supported"] = new JsonArray("openid"),
        ["claims_supported"] = new JsonArray([.. ClaimsSupported.Select(c => (JsonNode)c)]),
    };

    /// <summary>The public key as a JWK Set (<c>kty</c>, <c>kid</c>, <c>use</c>, <c>alg</c>, <c>n</c>, <c>e</c>).</summary>
    public JsonObject KeySet()
    {
        var (key, keyId) = signingKey.Value;
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(includePrivateParameters: false)));
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = jwk.Kty,
                ["kid"] = keyId,
                ["use"] = "sig",
                ["alg"] = SecurityAlgorithms.RsaSha256,
                ["n"] = jwk.N,
                ["e"] = jwk.E,
            }),
        };
    }

    /// <summary>A signed ID token for <paramref name="request"/> (validated first).</summary>
    public string Mint(GitLabTokenRequest request)
    {
        request.Validate();
        var (key, keyId) = signingKey.Value;
        var issuedAt = request.IssuedAt is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : clock.GetUtcNow();
        issuedAt = DateTimeOffset.FromUnixTimeSeconds(issuedAt.ToUnixTimeSeconds());
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IssuerUrl,
            Audience = request.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            // GitLab backdates nbf by a few seconds against clock skew.
            NotBefore = issuedAt.AddSeconds(-5).UtcDateTime,
            Expires = issuedAt.AddSeconds(request.ExpiresInSeconds).UtcDateTime,
            Claims = request.Claims(IssuerUrl[(IssuerUrl.IndexOf("://", StringComparison.Ordinal) + 3)..]),
            TokenType = "JWT",
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    private static (RSA Key, string KeyId) LoadOrCreateKey(string stateDirectory)
    {
        var file = new JsonStateFile<IssuerKeyState>(stateDirectory, "oidc-issuer.json", ownerOnly: true);
        var pkcs8 = file.Update(state =>
        {
            if (state.PrivateKeyPkcs8 is null)
            {
                using var fresh = RSA.Create(2048);
                state.PrivateKeyPkcs8 = Convert.ToBase64String(fresh.ExportPkcs8PrivateKey());
            }

            return state.PrivateKeyPkcs8;
        });
        var key = RSA.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
        // RFC 7638 thumbprint: stable for the key, different for another key.
        var thumbprint = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false))).ComputeJwkThumbprint();
        return (key, Base64UrlEncoder.Encode(thumbprint));
    }

    private sealed class IssuerKeyState
    {
        public string? PrivateKeyPkcs8 { get; set; }
    }
}
