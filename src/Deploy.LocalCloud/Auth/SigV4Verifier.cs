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

    public SigV4Outcome Verify(SigV4Request request)
    {
        var query = ParseQuery(request.RawQuery);
        var header = FirstValue(request, "authorization");
        var presigned = query.Any(p => p.Key == "X-Amz-Algorithm");
        if (header is null && !presigned)
        {
            return SigV4Outcome.Fail(SigV4Failure.MissingAuthentication, "Missing Authentication Token");
        }

        var parts = presigned ? FromQuery(query) : FromHeader(header!, request);
        if (parts is null)
        {
            return SigV4Outcome.Fail(SigV4Failure.IncompleteSignature,
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters and an X-Amz-Date.");
        }

        var scope = parts.Credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return SigV4Outcome.Fail(SigV4Failure.IncompleteSignature, $"Credential '{parts.Credential}' is malformed.");
        }

        var service = scope[3];
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
                DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return SigV4Outcome.Fail(SigV4Failure.IncompleteSignature, "X-Amz-Date must be in ISO 8601 basic format.");
        }

        var now = clock.GetUtcNow();
        var stale = presigned ? now > signedAt.AddSeconds(parts.ExpiresSeconds) : (now - signedAt).Duration() > AllowedSkew;
        if (stale)
        {
            return SigV4Outcome.Fail(SigV4Failure.SignatureMismatch,
                $"Signature expired: {parts.AmzDate} is now earlier than {now.Subtract(AllowedSkew):yyyyMMdd'T'HHmmss'Z'}.", service);
        }

        var canonical = SigV4Signature.CanonicalRequest(
            request.Method,
            CanonicalUri(request.RawPath, service),
            CanonicalQuery(query.Where(p => p.Key != "X-Amz-Signature")),
            parts.SignedHeaders.Select(name => (name, CanonicalHeaderValue(request.HeaderValues(name)))).ToList(),
            PayloadHash(request, presigned && service == "s3"));
        var stringToSign = SigV4Signature.StringToSign(parts.AmzDate, string.Join('/', scope[1..]), canonical);
        var expected = SigV4Signature.Sign(secret, scope[1], scope[2], service, stringToSign);

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts.Signature))
            ? SigV4Outcome.Verified(service, caller!)
            : SigV4Outcome.Fail(SigV4Failure.SignatureMismatch,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                service);
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
        var expires = long.TryParse(Get("X-Amz-Expires"), CultureInfo.InvariantCulture, out var seconds) ? seconds : 900;
        return Get("X-Amz-Algorithm") == SigV4Signature.Algorithm && credential is not null && signedHeaders is not null
               && signature is not null && date is not null
            ? new SignatureParts(credential, signedHeaders.Split(';'), signature, date, expires)
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

    /// <summary>Only S3 presigned URLs sign UNSIGNED-PAYLOAD; other presigned requests hash the (empty) body.</summary>
    private static string PayloadHash(SigV4Request request, bool s3Presigned)
    {
        var declared = FirstValue(request, "x-amz-content-sha256");
        return declared ?? (s3Presigned ? SigV4Signature.UnsignedPayload : SigV4Signature.HexSha256(request.Body));
    }

    private static string? FirstValue(SigV4Request request, string header) =>
        request.HeaderValues(header) is [var first, ..] ? first : null;

    private static List<KeyValuePair<string, string>> ParseQuery(string rawQuery) =>
        rawQuery.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(pair => KeyValuePair.Create(Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : string.Empty))
            .ToList();
}
