using Amazon.Runtime;

namespace Deploy.Aws.Sts;

// Shapes follow botocore's sts/2011-06-15 model.

public sealed record GetCallerIdentityResponse(string? UserId, string? Account, string? Arn);

public sealed record AssumeRoleWithWebIdentityRequest
{
    public required string RoleArn { get; init; }

    public required string RoleSessionName { get; init; }

    /// <summary>The OIDC token (e.g. GitLab's <c>CI_JOB_JWT_V2</c> / an <c>id_tokens</c> entry). A secret.</summary>
    public required string WebIdentityToken { get; init; }

    /// <summary>OAuth 2.0 providers only (<c>www.amazon.com</c>, <c>graph.facebook.com</c>); not for OIDC.</summary>
    public string? ProviderId { get; init; }

    /// <summary>Managed policy ARNs that further restrict the session.</summary>
    public IReadOnlyList<string>? PolicyArns { get; init; }

    /// <summary>An inline session policy (JSON).</summary>
    public string? Policy { get; init; }

    /// <summary>900 .. the role's MaxSessionDuration; AWS defaults to 3600.</summary>
    public int? DurationSeconds { get; init; }

    public override string ToString() =>
        $"AssumeRoleWithWebIdentityRequest {{ RoleArn = {RoleArn}, RoleSessionName = {RoleSessionName}, WebIdentityToken = ***, DurationSeconds = {DurationSeconds} }}";
}

/// <summary>Temporary credentials (<c>Credentials</c>). <see cref="ToString"/> masks the secrets.</summary>
public sealed record StsCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset? Expiration)
{
    /// <summary>For an <see cref="AwsSessionOptions.Credentials"/>.</summary>
    public AWSCredentials ToAwsCredentials() => new SessionAWSCredentials(AccessKeyId, SecretAccessKey, SessionToken);

    public override string ToString() =>
        $"StsCredentials {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = ***, SessionToken = ***, Expiration = {Expiration:O} }}";
}

public sealed record AssumedRoleUser(string? AssumedRoleId, string? Arn);

public sealed record AssumeRoleWithWebIdentityResponse
{
    public StsCredentials? Credentials { get; init; }

    public string? SubjectFromWebIdentityToken { get; init; }

    public AssumedRoleUser? AssumedRoleUser { get; init; }

    public int? PackedPolicySize { get; init; }

    public string? Provider { get; init; }

    public string? Audience { get; init; }

    public string? SourceIdentity { get; init; }
}
