using System.Xml.Linq;

namespace Deploy.Aws.Sts;

/// <summary>
/// AWS STS, query protocol (API 2011-06-15), regional endpoint (<c>sts.&lt;region&gt;.amazonaws.com</c>).
/// Failures throw <see cref="StsException"/>.
/// </summary>
public sealed class StsClient(AwsSession session)
{
    private readonly AwsSession session = session ?? throw new ArgumentNullException(nameof(session));

    /// <summary>Who the session's credentials belong to (works with any valid credentials, needs no permission).</summary>
    public async Task<GetCallerIdentityResponse> GetCallerIdentityAsync(CancellationToken cancellationToken = default)
    {
        var result = await QueryProtocol.InvokeAsync(session, AwsService.Sts, "GetCallerIdentity", new QueryRequest(), null, cancellationToken)
            .ConfigureAwait(false);
        return new GetCallerIdentityResponse(result.Text("UserId"), result.Text("Account"), result.Text("Arn"));
    }

    /// <summary>
    /// Exchanges an OIDC token for temporary credentials of a role. The call is sent unsigned (the model's
    /// <c>noAuth</c>), so the session's own credentials are not used and may be anything.
    /// </summary>
    public async Task<AssumeRoleWithWebIdentityResponse> AssumeRoleWithWebIdentityAsync(
        AssumeRoleWithWebIdentityRequest request,
        CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request)
            .Add("RoleArn", request.RoleArn)
            .Add("RoleSessionName", request.RoleSessionName)
            .Add("WebIdentityToken", request.WebIdentityToken)
            .Add("ProviderId", request.ProviderId)
            .AddList("PolicyArns", request.PolicyArns, (q, p, arn) => q.Add(p + ".arn", arn))
            .Add("Policy", request.Policy)
            .Add("DurationSeconds", request.DurationSeconds);
        var result = await QueryProtocol.InvokeAsync(
                session, AwsService.Sts, "AssumeRoleWithWebIdentity", form, $"role {request.RoleArn}", cancellationToken, unsigned: true)
            .ConfigureAwait(false);
        return ReadWebIdentity(result);
    }

    internal static AssumeRoleWithWebIdentityResponse ReadWebIdentity(XElement x) => new()
    {
        Credentials = x.Child("Credentials") is { } c
            ? new StsCredentials(
                c.Text("AccessKeyId") ?? string.Empty,
                c.Text("SecretAccessKey") ?? string.Empty,
                c.Text("SessionToken") ?? string.Empty,
                c.Timestamp("Expiration"))
            : null,
        SubjectFromWebIdentityToken = x.Text("SubjectFromWebIdentityToken"),
        AssumedRoleUser = x.Child("AssumedRoleUser") is { } user ? new AssumedRoleUser(user.Text("AssumedRoleId"), user.Text("Arn")) : null,
        PackedPolicySize = x.Int("PackedPolicySize"),
        Provider = x.Text("Provider"),
        Audience = x.Text("Audience"),
        SourceIdentity = x.Text("SourceIdentity"),
    };
}
