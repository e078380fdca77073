using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Deploy.LocalCloud.Auth;

/// <summary>
/// Recomputes the SigV4 signature of an incoming request (Authorization header or presigned query) with the secret of
/// the key it names — the configured key, or a session's temporary key, whose session token must come along — and
/// compares it with the one the client sent.
/// </summary>
internal sealed class SigV4Verifier(LocalCredentials credentials, TemporaryCredentialStore sessions, TimeProvider clock)
{
    public const string InvalidToken = "The security token included in the request is invalid.";
    public const string ExpiredToken = "The security token included in the request is expired";

    /// <summary>AWS refuses requests signed more than 15 minutes away from its clock.</summary>
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(15);

    /// <summary>The longest a presigned URL may live: 7 days.</summary>
    public const long MaxPresignedExpiresSeconds = 604800;

    /// <summary>
    /// Verifies <paramref name="request"/>. <paramref name="expectedService"/> is the signing name of the API being called
    /// (null where the scope itself routes the request, as on the shared query endpoint).
    /// </summary>
    public SigV4Outcome Verify(SigV4Request request, string? expectedService = null)
    {
        var query = ParseQuery(request.RawQuery);
        var header = FirstValue(request, "authorization");
        var presigned = header is null && query.Any(p => p.Key == "X-Amz-Algorithm");
        if (header is null && !presigned)
        {
            return SigV4Outcome.Fail(SigV4Failure.MissingAuthentication, "Missing Authentication Token");
        }

        var outcome = Check(request, query, header, presigned, expectedService);
        return outcome with { Presigned = presigned };
    }

    private SigV4Outcome Check(SigV4Request request, List<KeyValuePair<string, string>> query, string? header, bool presigned, string? expectedService)
    {
        var parts = presigned ? FromQuery(query) : FromHeader(header!, request);
        if (parts is null)
        {
            return SigV4Outcome.Fail(SigV4Failure.IncompleteSignature, presigned
                ? "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
                : "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters and an X-Amz-Date.");
        }

        var scope = parts.Credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return SigV4Outcome.Fail(SigV4Failure.IncompleteSignature, $"Credential '{parts.Credential}' is malformed.");
        }

        var service = scope[3];
        if (expectedService is not null && service != expectedService)
        {
            return SigV4Outcome.Fail(SigV4Failure.WrongService, $"Credential should be scoped to correct service: '{expectedService}'.", expectedService);
        }

        // Without host in the signature a request could be replayed against another endpoint.
        if (!parts.SignedHeaders.Contains("host"))
        {
            return SigV4Outcome.Fail(SigV4Failure.IncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", service);
        }

        if (presigned && parts.ExpiresSeconds is < 1 or > MaxPresignedExpiresSeconds)
        {
            return SigV4Outcome.Fail(SigV4Failure.IncompleteSignature, parts.ExpiresSeconds < 1
                ? "X-Amz-Expires must be non-negative"
                : $"X-Amz-Expires must be less than a week (in seconds) that is {MaxPresignedExpiresSeconds}", service);
        }

        var (secret, caller, keyProblem) = Key(scope[0], presigned ? Get(query, "X-Amz-Security-Token") : FirstValue(request, "x-amz-security-token"));
        if (keyProblem is not null)
        {
            return SigV4Outcome.Fail(keyProblem.Value, keyProblem == SigV4Failure.ExpiredToken ? ExpiredToken : InvalidToken, service);
        }

        if (scope[2] != credentials.Region)
        {
            return SigV4Outcome.Fail(SigV4Failure.SignatureMismatch,
                $"Credential should be scoped to a valid region, not '{scope[2]}'.", service);
        }

        if (!DateTimeOffset.TryParseExact(parts.AmzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var signedAt) || parts.AmzDate[..8] != scope[1])
        {
            return SigV4Outcome.Fail(SigV4Failure.IncompleteSignature, "X-Amz-Date must be in ISO 8601 basic format and on the credential scope's date.", service);
        }

        if (TimeProblem(presigned, signedAt, parts) is { } timeProblem)
        {
            return timeProblem with { SigningName = service };
        }

        var payloadHash = PayloadHash(request, service, presigned);
        if (payloadHash.Problem is not null)
        {
            return payloadHash.Problem with { SigningName = service };
        }

        var canonical = SigV4Signature.CanonicalRequest(
            request.Method,
            CanonicalUri(request.RawPath, service),
            CanonicalQuery(query.Where(p => p.Key != "X-Amz-Signature")),
            parts.SignedHeaders.Select(name => (name, CanonicalHeaderValue(request.HeaderValues(name)))).ToList(),
            payloadHash.Value);
        var credentialScope = string.Join('/', scope[1..]);
        var stringToSign = SigV4Signature.StringToSign(parts.AmzDate, credentialScope, canonical);
        var signingKey = SigV4Signature.DerivedKey(secret, scope[1], scope[2], service);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts.Signature)))
        {
            return SigV4Outcome.Fail(SigV4Failure.SignatureMismatch,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                service);
        }

        // The signature covers the declared hash; the body must still be what was declared.
        if (SigV4StreamingPayload.IsSigned(payloadHash.Value))
        {
            var chunkProblem = SigV4StreamingPayload.Verify(request.Body, signingKey, parts.AmzDate, credentialScope, expected,
                trailer: payloadHash.Value == SigV4StreamingPayload.SignedWithTrailer);
            if (chunkProblem is not null)
            {
                return SigV4Outcome.Fail(SigV4Failure.SignatureMismatch, chunkProblem, service);
            }
        }
        else if (IsSha256Hex(payloadHash.Value) && payloadHash.Value != SigV4Signature.HexSha256(request.Body))
        {
            return SigV4Outcome.Fail(SigV4Failure.ContentHashMismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.", service);
        }

        return SigV4Outcome.Verified(service, caller!);
    }

    /// <summary>A header-signed request must be within the skew either way; a presigned URL between its date and its expiry.</summary>
    private SigV4Outcome? TimeProblem(bool presigned, DateTimeOffset signedAt, SignatureParts parts)
    {
        var now = clock.GetUtcNow();
        if (presigned)
        {
            return signedAt > now + AllowedSkew ? SigV4Outcome.Fail(SigV4Failure.PresignedUrlExpired, "Request is not valid yet")
                : now > signedAt.AddSeconds(parts.ExpiresSeconds) ? SigV4Outcome.Fail(SigV4Failure.PresignedUrlExpired, "Request has expired")
                : null;
        }

        const string format = "yyyyMMdd'T'HHmmss'Z'";
        return signedAt < now - AllowedSkew
            ? SigV4Outcome.Fail(SigV4Failure.RequestTimeTooSkewed,
                $"Signature expired: {parts.AmzDate} is now earlier than {(now - AllowedSkew).ToString(format, CultureInfo.InvariantCulture)} ({now.ToString(format, CultureInfo.InvariantCulture)} - 15 min.)")
            : signedAt > now + AllowedSkew
                ? SigV4Outcome.Fail(SigV4Failure.RequestTimeTooSkewed,
                    $"Signature not yet current: {parts.AmzDate} is still later than {(now + AllowedSkew).ToString(format, CultureInfo.InvariantCulture)} ({now.ToString(format, CultureInfo.InvariantCulture)} + 15 min.)")
                : null;
    }

    /// <summary>
    /// The secret and identity of a key id: the configured key (a session token sent along is ignored), or a session
    /// key whose token must be present and equal to the issued one and whose session has not expired.
    /// </summary>
    private (string Secret, CallerIdentity? Caller, SigV4Failure? Problem) Key(string accessKeyId, string? sessionToken)
    {
        if (accessKeyId == credentials.AccessKeyId)
        {
            return (credentials.SecretAccessKey, CallerIdentity.Root(credentials), null);
        }

        var session = sessions.Find(accessKeyId);
        if (session is null || !SessionTokenMatches(session, sessionToken))
        {
            return (string.Empty, null, SigV4Failure.UnknownAccessKey);
        }

        return session.IsExpired(clock.GetUtcNow())
            ? (string.Empty, null, SigV4Failure.ExpiredToken)
            : (session.SecretAccessKey, CallerIdentity.For(session, credentials.AccountId), null);
    }

    public static bool SessionTokenMatches(TemporaryCredentials session, string? token) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(session.SessionToken), Encoding.UTF8.GetBytes(token));

    private static string? Get(IReadOnlyList<KeyValuePair<string, string>> query, string name) => query.FirstOrDefault(p => p.Key == name).Value;

    private sealed record SignatureParts(string Credential, IReadOnlyList<string> SignedHeaders, string Signature, string AmzDate, long ExpiresSeconds);

    private static SignatureParts? FromHeader(string header, SigV4Request request)
    {
        if (!header.StartsWith(SigV4Signature.Algorithm + " ", StringComparison.Ordinal))
        {
            return null;
        }

        var fields = header[SigV4Signature.Algorithm.Length..]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(field => field.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        var date = FirstValue(request, "x-amz-date");
        return fields.TryGetValue("Credential", out var credential)
               && fields.TryGetValue("SignedHeaders", out var signedHeaders)
               && fields.TryGetValue("Signature", out var signature)
               && date is not null
            ? new SignatureParts(credential, signedHeaders.Split(';'), signature, date, 0)
            : null;
    }

    private static SignatureParts? FromQuery(IReadOnlyList<KeyValuePair<string, string>> query)
    {
        string? Get(string name) => query.FirstOrDefault(p => p.Key == name).Value;
        var credential = Get("X-Amz-Credential");
        var signedHeaders = Get("X-Amz-SignedHeaders");
        var signature = Get("X-Amz-Signature");
        var date = Get("X-Amz-Date");
        var expires = long.TryParse(Get("X-Amz-Expires"), CultureInfo.InvariantCulture, out var seconds) ? seconds : (long?)null;
        return Get("X-Amz-Algorithm") == SigV4Signature.Algorithm && credential is not null && signedHeaders is not null
               && signature is not null && date is not null && expires is not null
            ? new SignatureParts(credential, signedHeaders.Split(';'), signature, date, expires.Value)
            : null;
    }

    /// <summary>Every service but S3 signs the already-encoded path encoded once more.</summary>
    private static string CanonicalUri(string rawPath, string service)
    {
        var path = string.IsNullOrEmpty(rawPath) ? "/" : rawPath;
        return service == "s3" ? path : SigV4Signature.UriEncode(path, keepSlash: true);
    }

    private static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query
            .Select(p => (Key: SigV4Signature.UriEncode(p.Key, false), Value: SigV4Signature.UriEncode(p.Value, false)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    private static string CanonicalHeaderValue(IReadOnlyList<string> values) =>
        string.Join(',', values.Select(v => string.Join(' ', v.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))));

    /// <summary>
    /// The payload line of the canonical request. Every service but S3 hashes the body it received, whatever a header says;
    /// S3 takes the declared <c>x-amz-content-sha256</c> (required with the header form; a presigned URL is
    /// UNSIGNED-PAYLOAD), which is a SHA-256 checked against the body later, or one of its payload modes.
    /// </summary>
    private static (string Value, SigV4Outcome? Problem) PayloadHash(SigV4Request request, string service, bool presigned)
    {
        if (service != "s3")
        {
            return (SigV4Signature.HexSha256(request.Body), null);
        }

        var declared = FirstValue(request, "x-amz-content-sha256");
        if (declared is null)
        {
            return presigned
                ? (SigV4Signature.UnsignedPayload, null)
                : (string.Empty, SigV4Outcome.Fail(SigV4Failure.MissingContentHash, "Missing required header for this request: x-amz-content-sha256"));
        }

        return IsSha256Hex(declared) || declared is SigV4Signature.UnsignedPayload or SigV4StreamingPayload.Signed
            or SigV4StreamingPayload.SignedWithTrailer or SigV4StreamingPayload.UnsignedWithTrailer
            ? (declared, null)
            : (string.Empty, SigV4Outcome.Fail(SigV4Failure.InvalidContentHash,
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-UNSIGNED-PAYLOAD-TRAILER or a valid sha256 value."));
    }

    private static bool IsSha256Hex(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigitLower);

    private static string? FirstValue(SigV4Request request, string header) =>
        request.HeaderValues(header) is [var first, ..] ? first : null;

    private static List<KeyValuePair<string, string>> ParseQuery(string rawQuery) =>
        rawQuery.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(pair => KeyValuePair.Create(Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : string.Empty))
            .ToList();
}
