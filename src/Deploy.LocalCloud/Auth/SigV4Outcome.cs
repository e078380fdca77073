namespace Deploy.LocalCloud.Auth;

internal enum SigV4Failure
{
    None,
    MissingAuthentication,

    /// <summary>A part of the signature is missing or malformed (header fields, scope, date, <c>host</c> not signed).</summary>
    IncompleteSignature,

    /// <summary>Unknown key id, or a session key whose session token is missing or wrong.</summary>
    UnknownAccessKey,
    SignatureMismatch,

    /// <summary>A session key past its expiration.</summary>
    ExpiredToken,

    /// <summary>The credential scope names another service than the API called.</summary>
    WrongService,

    /// <summary>An Authorization-header request dated more than the allowed skew away from now (either way).</summary>
    RequestTimeTooSkewed,

    /// <summary>A presigned URL past its <c>X-Amz-Expires</c>, or dated in the future.</summary>
    PresignedUrlExpired,

    /// <summary>S3: the header form needs <c>x-amz-content-sha256</c>.</summary>
    MissingContentHash,

    /// <summary>S3: <c>x-amz-content-sha256</c> is neither a SHA-256 nor one of the payload modes S3 knows.</summary>
    InvalidContentHash,

    /// <summary>S3: the body does not hash to the declared <c>x-amz-content-sha256</c>.</summary>
    ContentHashMismatch,
}

/// <summary>
/// What the verifier concluded. <see cref="SigningName"/> is the credential scope's service whenever the
/// scope could be read (also on failure, so the error can be rendered for the right service); <see cref="Caller"/>
/// is who signed a verified request; <see cref="Presigned"/> tells S3 to word errors for query-string authentication.
/// </summary>
internal sealed record SigV4Outcome(SigV4Failure Failure, string Message, string? SigningName = null, CallerIdentity? Caller = null)
{
    public bool IsVerified => Failure == SigV4Failure.None;

    public bool Presigned { get; init; }

    public static SigV4Outcome Verified(string signingName, CallerIdentity caller) => new(SigV4Failure.None, string.Empty, signingName, caller);

    public static SigV4Outcome Fail(SigV4Failure failure, string message, string? signingName = null) => new(failure, message, signingName);
}
