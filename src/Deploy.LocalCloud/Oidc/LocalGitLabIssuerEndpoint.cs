using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Oidc;

/// <summary>
/// The local issuer's HTTP surface under <c>/_gitlab</c>: the discovery document and JWKS (public, as a GitLab instance
/// serves them) and <c>POST /_gitlab/-/id_tokens</c>, which mints a token. Minting needs a SigV4 signature by the local
/// cloud's own key: a role session, or any local process without that key, cannot make itself a token the template's
/// trust policies accept.
/// </summary>
internal sealed class LocalGitLabIssuerEndpoint(LocalGitLabIssuer issuer, SigV4Verifier verifier)
{
    public const string MintPath = LocalGitLabIssuer.PathPrefix + "/-/id_tokens";

    private static readonly JsonSerializerOptions RequestOptions = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    public Task DiscoveryAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status200OK, issuer.DiscoveryDocument());

    public Task KeysAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status200OK, issuer.KeySet());

    public async Task MintAsync(HttpContext context)
    {
        var body = await IncomingRequest.ReadBodyAsync(context);
        var outcome = verifier.Verify(IncomingRequest.ForSignature(context, body), "sts");
        if (!outcome.IsVerified)
        {
            await ErrorAsync(context, StatusCodes.Status403Forbidden, AuthenticationErrors.ForJson(outcome));
            return;
        }

        if (outcome.Caller!.Session is not null)
        {
            await ErrorAsync(context, StatusCodes.Status403Forbidden, new AwsServiceException("AccessDenied",
                $"{outcome.Caller.Arn} may not mint GitLab ID tokens: only the local cloud's own access key may."));
            return;
        }

        GitLabTokenRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<GitLabTokenRequest>(body, RequestOptions);
        }
        catch (JsonException e)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, new AwsServiceException("SerializationException", $"The body is not a token request: {e.Message}"));
            return;
        }

        try
        {
            var token = issuer.Mint(request ?? new GitLabTokenRequest());
            context.Response.Headers.CacheControl = "no-store";
            await WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["token"] = token });
        }
        catch (AwsServiceException e)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, e);
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, AwsServiceException error) =>
        WriteAsync(context, status, new JsonObject { ["code"] = error.Code, ["message"] = error.Message });

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
