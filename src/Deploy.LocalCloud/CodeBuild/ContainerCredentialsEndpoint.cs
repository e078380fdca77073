using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Auth;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// The container credentials endpoint a build's SDKs and CLIs call (<c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> with the
/// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c> as <c>Authorization</c>): temporary credentials of the project's service role,
/// for a build in progress only. Served by the local cloud on its own port; the path starts with <c>_</c>, which no S3
/// bucket name can.
/// </summary>
internal sealed class ContainerCredentialsEndpoint(CodeBuildStore store, TemporaryCredentialStore sessions)
{
    public const string Path = "/_codebuild/credentials";

    /// <summary>Credentials are handed out again until this close to their expiry (SDKs refresh before it).</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, TemporaryCredentials> issued = new(StringComparer.Ordinal);

    /// <summary>A new per-build authorization token and the hash the build record keeps.</summary>
    public static (string Token, string Hash) NewToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public void Forget(string buildId) => issued.TryRemove(buildId, out _);

    public async Task HandleAsync(HttpContext context)
    {
        var token = context.Request.Headers.Authorization.ToString();
        var hash = token.Length == 0 ? null : Hash(token);
        var build = hash is null ? null : store.Read(state => state.Builds.Values.FirstOrDefault(b => !b.IsComplete && b.CredentialsTokenHash is { } known
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(known), Encoding.ASCII.GetBytes(hash)))?.Build.DeepClone().AsObject());
        if (build is null)
        {
            context.Response.StatusCode = token.Length == 0 ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new { code = "AccessDenied", message = "No build in progress has this authorization token." }, context.RequestAborted);
            return;
        }

        var buildId = build["id"]!.GetValue<string>();
        var roleArn = build["serviceRole"]!.GetValue<string>();
        var now = DateTimeOffset.UtcNow;
        var credentials = issued.AddOrUpdate(buildId,
            _ => sessions.Issue(roleArn, SessionName(buildId)),
            (_, current) => current.Expiration - now > RenewBefore ? current : sessions.Issue(roleArn, SessionName(buildId)));
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

    /// <summary>CodeBuild's session name for a build's role session: <c>AWSCodeBuild-&lt;build uuid&gt;</c>.</summary>
    public static string SessionName(string buildId) => "AWSCodeBuild-" + buildId[(buildId.IndexOf(':', StringComparison.Ordinal) + 1)..];

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
