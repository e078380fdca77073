namespace Deploy.LocalCloud.Auth;

internal enum SigV4Failure
{
    None,
    MissingAuthentication,
    IncompleteSignature,
    UnknownAccessKey,
    SignatureMismatch,
}

/// <summary>
/// What the verifier concluded. <see cref="SigningName"/> is the credential scope's service whenever the
/// scope could be read (also on failure, so the error can be rendered for the right service).
/// </summary>
internal sealed record SigV4Outcome(SigV4Failure Failure, string Message, string? SigningName = null)
{
    public bool IsVerified => Failure == SigV4Failure.None;

    public static SigV4Outcome Verified(string signingName) => new(SigV4Failure.None, string.Empty, signingName);

    public static SigV4Outcome Fail(SigV4Failure failure, string message, string? signingName = null) => new(failure, message, signingName);
}
