namespace Deploy.LocalCloud.Auth;

/// <summary>
/// A session of an assumed role, as STS hands it out: an <c>ASIA…</c> key id, its secret, the session token that must
/// accompany every request signed with it, and when it expires.
/// </summary>
internal sealed record TemporaryCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration,
    string RoleArn,
    string RoleId,
    string SessionName)
{
    /// <summary>The role's name: the last segment of its ARN (a role path is not part of the assumed-role ARN).</summary>
    public string RoleName => RoleArn[(RoleArn.LastIndexOf('/') + 1)..];

    public bool IsExpired(DateTimeOffset now) => now >= Expiration;
}
