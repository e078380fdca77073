using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Auth;

/// <summary>A live grant of a role's credentials to a container: its id (a build's, a task's), the role and the session name.</summary>
internal sealed record ContainerCredentialGrant(string Id, string RoleArn, string SessionName);

/// <summary>
/// Who hands out container credential tokens: CodeBuild for a build in progress (the project's service role), ECS for
/// a running task (its task role). Each keeps only the token's hash, and finds the live grant a hash belongs to.
/// </summary>
internal interface IContainerCredentialGrants
{
    ContainerCredentialGrant? Find(string tokenHash);
}

/// <summary>
/// The container credentials endpoint SDKs and CLIs call (<c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> with the
/// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c> as <c>Authorization</c>): temporary credentials of the grant's role, while the
/// grant lasts. Served by the local cloud on its own port; the path starts with <c>_</c>, which no S3 bucket name can.
/// </summary>
internal sealed class ContainerCredentialsEndpoint(IEnumerable<IContainerCredentialGrants> grants, TemporaryCredentialStore sessions)
{
    public const string Path = "/_container/credentials";

    /// <summary>Credentials are handed out again until this close to their expiry (SDKs refresh before it).</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, TemporaryCredentials> issued = new(StringComparer.Ordinal);

    /// <summary>A new authorization token and the hash the grant's holder keeps.</summary>
    public static (string Token, string Hash) NewToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    /// <summary>Whether <paramref name="known"/> is the hash of the token presented (compared in constant time).</summary>
    public static bool Matches(string? known, string hash) =>
        known is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(known), Encoding.ASCII.GetBytes(hash));

    public void Forget(string grantId) => issued.TryRemove(grantId, out _);

    public async Task HandleAsync(HttpContext context)
    {
        var token = context.Request.Headers.Authorization.ToString();
        var hash = token.Length == 0 ? null : Hash(token);
        var grant = hash is null ? null : grants.Select(g => g.Find(hash)).FirstOrDefault(g => g is not null);
        if (grant is null)
        {
            context.Response.StatusCode = token.Length == 0 ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new { code = "AccessDenied", message = "No build in progress or running task has this authorization token." }, context.RequestAborted);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var credentials = issued.AddOrUpdate(grant.Id,
            _ => sessions.Issue(grant.RoleArn, grant.SessionName),
            (_, current) => current.Expiration - now > RenewBefore ? current : sessions.Issue(grant.RoleArn, grant.SessionName));
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["AccessKeyId"] = credentials.AccessKeyId,
            ["SecretAccessKey"] = credentials.SecretAccessKey,
            ["Token"] = credentials.SessionToken,
            ["Expiration"] = credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["RoleArn"] = credentials.RoleArn,
        }.ToJsonString(), context.RequestAborted);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
