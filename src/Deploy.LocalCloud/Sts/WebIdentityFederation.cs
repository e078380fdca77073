using System.Globalization;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.Iam.Policies;
using Deploy.LocalCloud.Protocols;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Deploy.LocalCloud.Sts;

/// <summary>
/// AssumeRoleWithWebIdentity's engine, in AWS's order: the token's issuer must be one of the account's OIDC providers;
/// its signature is checked against the keys the issuer publishes (discovery document, JWKS), then <c>iss</c>, <c>exp</c>,
/// <c>nbf</c> and <c>aud</c> (one of the provider's client ids); then the role's trust policy must allow
/// <c>sts:AssumeRoleWithWebIdentity</c> for the provider as <c>Federated</c> principal with the token's
/// <c>&lt;provider&gt;:aud</c> and <c>&lt;provider&gt;:sub</c> condition keys. The JWT handling is
/// Microsoft.IdentityModel's; the error codes are STS's.
/// </summary>
internal sealed class WebIdentityFederation(OpenIdConnectProviders providers, IdentityProviderKeys keys, RoleSessions roles, TimeProvider clock)
{
    public const string Action = "sts:AssumeRoleWithWebIdentity";

    public async Task<WebIdentitySession> AssumeAsync(string roleArn, string sessionName, string token, string? durationSeconds, CancellationToken cancellationToken)
    {
        RoleSessions.ValidateSessionName(sessionName);
        var unverified = Parse(token);
        var issuer = unverified.Issuer;
        var provider = providers.ForIssuer(issuer)
                       ?? throw InvalidToken($"No OpenIDConnect provider found in your account for {issuer}");

        var signingKeys = await keys.FetchAsync(provider.Url, cancellationToken);
        var verified = await ValidateAsync(token, provider, signingKeys);

        // IAM's condition keys of a generic OIDC provider: <url without scheme>:aud (azp when present) and :sub.
        var subject = verified.Subject;
        var audience = verified.TryGetPayloadValue<string>("azp", out var azp) ? azp : verified.Audiences.First(provider.ClientIds.Contains);
        var role = roles.Role(roleArn, () => RoleSessions.AccessDenied($"Not authorized to perform {Action}"));
        var duration = RoleSessions.Duration(durationSeconds, role, chained: false);
        var keyPrefix = OpenIdConnectProviders.WithoutScheme(provider.Url);
        var request = new PolicyRequest(Action, [new PolicyPrincipal("Federated", provider.Arn)],
        [
            new(keyPrefix + ":aud", audience),
            new(keyPrefix + ":sub", subject),
        ]);
        if (TrustPolicyEvaluator.Evaluate(role.AssumeRolePolicyDocument, request) != PolicyDecision.Allow)
        {
            throw RoleSessions.AccessDenied($"Not authorized to perform {Action}");
        }

        return new WebIdentitySession(roles.Issue(role, sessionName, duration), subject, issuer, audience);
    }

    private static JsonWebToken Parse(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return string.IsNullOrEmpty(jwt.Issuer) ? throw InvalidToken("The token has no iss claim.") : jwt;
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            throw InvalidToken("The web identity token is not a JSON Web Token (header.payload.signature).");
        }
    }

    private async Task<JsonWebToken> ValidateAsync(string token, OpenIdConnectProviderRecord provider, IReadOnlyList<SecurityKey> signingKeys)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = provider.Url,
            ValidAudiences = provider.ClientIds,
            IssuerSigningKeys = signingKeys,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.Zero,
            // The library would try every key when a token's kid matches none; STS wants the issuer's key for that kid.
            TryAllIssuerSigningKeys = false,
        };
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt)
        {
            return string.IsNullOrEmpty(jwt.Subject) ? throw InvalidToken("The token has no sub claim.") : jwt;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        throw result.Exception switch
        {
            SecurityTokenExpiredException expired => new AwsServiceException("ExpiredTokenException",
                $"Token expired: current date/time {now} must be before the expiration date/time {new DateTimeOffset(expired.Expires, TimeSpan.Zero).ToUnixTimeSeconds()}"),
            SecurityTokenNotYetValidException notYet => InvalidToken(
                $"Token not yet valid: current date/time {now} is before its not-before date/time {new DateTimeOffset(notYet.NotBefore, TimeSpan.Zero).ToUnixTimeSeconds()}"),
            SecurityTokenInvalidAudienceException => InvalidToken("Incorrect token audience"),
            SecurityTokenInvalidIssuerException => InvalidToken($"The token's issuer is not {provider.Url}"),
            SecurityTokenNoExpirationException => InvalidToken("The token has no exp claim."),
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => InvalidToken(
                "The web identity token's signature does not verify with the keys its issuer publishes (its JWKS)."),
            var other => InvalidToken($"The web identity token could not be validated: {other?.GetType().Name}"),
        };
    }

    private static AwsServiceException InvalidToken(string message) => new("InvalidIdentityToken", message);
}

/// <summary>An assumed role's credentials and what STS reports of the token (sub, iss, aud).</summary>
internal sealed record WebIdentitySession(TemporaryCredentials Credentials, string Subject, string Issuer, string Audience);
