namespace Deploy.LocalCloud.Auth;

/// <summary>Who signed a verified request: the configured (root) key, or a session of an assumed role.</summary>
internal sealed record CallerIdentity(string AccessKeyId, string Arn, string UserId, TemporaryCredentials? Session)
{
    /// <summary>Shaped like an IAM user id (AIDA…); fixed because there is one long-term key.</summary>
    public const string LocalUserId = "AIDALOCALCLOUDUSER001";

    public static CallerIdentity Root(LocalCredentials credentials) =>
        new(credentials.AccessKeyId, $"arn:aws:iam::{credentials.AccountId}:user/local", LocalUserId, null);

    public static CallerIdentity For(TemporaryCredentials session, string accountId) =>
        new(session.AccessKeyId, $"arn:aws:sts::{accountId}:assumed-role/{session.RoleName}/{session.SessionName}",
            $"{session.RoleId}:{session.SessionName}", session);
}

/// <summary>
/// The caller of the request being handled, for handlers that answer per identity (STS GetCallerIdentity, later IAM
/// enforcement). The protocol endpoints enter it once the signature is verified; it flows with the request's async context.
/// </summary>
internal sealed class RequestCaller
{
    private readonly AsyncLocal<CallerIdentity?> ambient = new();

    public CallerIdentity Current => ambient.Value ?? throw new InvalidOperationException("No verified caller: the request was not authenticated.");

    /// <summary>Makes <paramref name="caller"/> current until the returned scope is disposed.</summary>
    public Scope Enter(CallerIdentity caller)
    {
        var previous = ambient.Value;
        ambient.Value = caller;
        return new Scope(ambient, previous);
    }

    /// <summary>Restores the previous caller; <c>default</c> is an empty scope (an unsigned call has no caller to enter).</summary>
    public readonly struct Scope(AsyncLocal<CallerIdentity?>? ambient, CallerIdentity? previous) : IDisposable
    {
        public void Dispose()
        {
            if (ambient is not null)
            {
                ambient.Value = previous;
            }
        }
    }
}
