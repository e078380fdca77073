using System.Text;
using Amazon.Runtime;

namespace Deploy.Aws.Sts;

/// <summary>
/// A role's temporary credentials from STS <c>AssumeRoleWithWebIdentity</c>, for an OIDC token held in memory only (the
/// SDK's own web identity provider reads the token from a file, which a CI job would have to write). The first use
/// assumes the role; the SDK's refresh logic asks again before the credentials expire, with the same token, so a build
/// that outlives one STS session goes on as long as the token itself is valid (GitLab's live as long as the job).
/// </summary>
public sealed class WebIdentityCredentials : RefreshingAWSCredentials
{
    /// <summary>STS's limits for <c>RoleSessionName</c>: 2 to 64 characters of <c>[\w+=,.@-]</c>.</summary>
    public const int MaxSessionNameLength = 64;

    private readonly StsClient sts;
    private readonly AssumeRoleWithWebIdentityRequest request;
    private readonly Action<AssumeRoleWithWebIdentityResponse>? issued;

    /// <param name="sts">Where to assume the role; the call is unsigned, so this client's own credentials do not matter.</param>
    /// <param name="request">The role, session name and token.</param>
    /// <param name="issued">Called with every new set of credentials before they are used (e.g. to mask them in output).</param>
    public WebIdentityCredentials(StsClient sts, AssumeRoleWithWebIdentityRequest request, Action<AssumeRoleWithWebIdentityResponse>? issued = null)
    {
        this.sts = sts ?? throw new ArgumentNullException(nameof(sts));
        this.request = request ?? throw new ArgumentNullException(nameof(request));
        this.issued = issued;
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    /// <summary>
    /// <paramref name="text"/> as a valid <c>RoleSessionName</c>: characters STS refuses become <c>-</c>; when too long,
    /// the start is cut so the end (usually a job id) stays.
    /// </summary>
    public static string SessionName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-' ? c : '-');
        }

        var result = name.ToString();
        if (result.Length > MaxSessionNameLength)
        {
            result = result[^MaxSessionNameLength..];
        }

        return result.Length >= 2 ? result : result.PadRight(2, '-');
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var response = await sts.AssumeRoleWithWebIdentityAsync(request).ConfigureAwait(false);
        var credentials = response.Credentials
            ?? throw new InvalidDataException($"STS AssumeRoleWithWebIdentity for role {request.RoleArn} returned no credentials.");
        issued?.Invoke(response);
        var expiration = credentials.Expiration ?? throw new InvalidDataException(
            $"STS AssumeRoleWithWebIdentity for role {request.RoleArn} returned credentials without an expiration.");
        return new CredentialsRefreshState(
            new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
            expiration.UtcDateTime);
    }
}
