namespace Deploy.LocalCloud.Auth;

internal enum SigV4Failure
{
    None,
    MissingAuthentication,
    IncompleteSignature,

    /// <summary>Unknown key id, or a session key whose session token is missing or wrong.</summary>
    UnknownAccessKey,
    SignatureMismatch,

    /// <summary>A session key past its expiration.</summary>
    ExpiredToken,
}

/// <summary>
/// What the verifier concluded. <see cref="SigningName"/> is the credential scope's service whenever the
/// scope could be read (also on failure, so the error can be rendered for the right service); <see cref="Caller"/>
/// is who signed a verified request.
/// </summary>
internal sealed record SigV4Outcome(SigV4Failure Failure, string Message, string? SigningName = null, CallerIdentity? Caller = null)
{
    public bool IsVerified => Failure == SigV4Failure.None;

    public static SigV4Outcome Verified(string signingName, CallerIdentity caller) => new(SigV4Failure.None, string.Empty, signingName, caller);

    public static SigV4Outcome Fail(SigV4Failure failure, string message, string? signingName = null) => new(failure, message, signingName);
}
