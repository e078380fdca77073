using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Auth;

/// <summary>
/// Requests signed by AWSSDK.Core's signer (not ours), then tampered with: the verifier must refuse each change the way
/// AWS would, and keep accepting what the SDKs and the aws CLI send.
/// </summary>
public sealed class SigV4VerificationTests : IDisposable
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly Uri Endpoint = new("http://127.0.0.1:4566/");

    /// <summary>The SDK signs an unsigned payload only for HTTPS; the verifier does not see the scheme.</summary>
    private static readonly Uri SecureEndpoint = new("https://127.0.0.1:4566/");

    private readonly TempDirectory state = new();

    [Fact]
    public void A_json_request_signed_by_the_sdk_is_verified_for_its_service()
    {
        var outcome = Verifier().Verify(Signed("ecs", "{}"u8.ToArray()), "ecs");

        Assert.True(outcome.IsVerified, outcome.Message);
    }

    [Fact]
    public void A_changed_body_is_refused_even_when_the_declared_content_hash_is_left_as_signed()
    {
        var request = Signed("ecs", """{"cluster":"a"}"""u8.ToArray()) with { Body = """{"cluster":"b"}"""u8.ToArray() };

        Assert.Equal(SigV4Failure.SignatureMismatch, Verifier().Verify(request, "ecs").Failure);
    }

    [Fact]
    public void S3_compares_the_body_with_the_declared_hash_and_says_XAmzContentSHA256Mismatch()
    {
        var put = Signed("s3", "hello"u8.ToArray(), HttpMethod.Put, "/bucket/key");

        Assert.True(Verifier().Verify(put, "s3").IsVerified);
        var outcome = Verifier().Verify(put with { Body = "jello"u8.ToArray() }, "s3");
        Assert.Equal(SigV4Failure.ContentHashMismatch, outcome.Failure);
    }

    [Fact]
    public void Only_S3_accepts_an_unsigned_payload()
    {
        var s3 = Signed("s3", "anything"u8.ToArray(), HttpMethod.Put, "/bucket/key", signPayload: false);
        var ecs = Signed("ecs", "{}"u8.ToArray(), signPayload: false);

        Assert.Equal("UNSIGNED-PAYLOAD", s3.HeaderValues("x-amz-content-sha256").Single());
        Assert.True(Verifier().Verify(s3, "s3").IsVerified);
        Assert.Equal(SigV4Failure.SignatureMismatch, Verifier().Verify(ecs, "ecs").Failure);
    }

    [Fact]
    public void S3_needs_the_content_hash_header_and_a_value_it_knows()
    {
        var put = Signed("s3", "x"u8.ToArray(), HttpMethod.Put, "/bucket/key");

        Assert.Equal(SigV4Failure.MissingContentHash, Verifier().Verify(WithHeader(put, "x-amz-content-sha256", null), "s3").Failure);
        Assert.Equal(SigV4Failure.InvalidContentHash, Verifier().Verify(WithHeader(put, "x-amz-content-sha256", "NOT-A-HASH"), "s3").Failure);
    }

    [Fact]
    public void A_signature_that_does_not_cover_host_is_incomplete()
    {
        var request = Signed("ecs", "{}"u8.ToArray());
        var authorization = request.HeaderValues("authorization").Single();
        var signedHeaders = System.Text.RegularExpressions.Regex.Match(authorization, "SignedHeaders=([^,]+)").Groups[1].Value;
        Assert.Contains("host", signedHeaders.Split(';'));
        var withoutHost = WithHeader(request, "authorization",
            authorization.Replace(signedHeaders, string.Join(';', signedHeaders.Split(';').Where(h => h != "host")), StringComparison.Ordinal));

        var outcome = Verifier().Verify(withoutHost, "ecs");

        Assert.Equal(SigV4Failure.IncompleteSignature, outcome.Failure);
        Assert.Contains("'Host'", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_signed_for_another_service_is_refused_for_this_one()
    {
        var outcome = Verifier().Verify(Signed("logs", "{}"u8.ToArray()), "ecs");

        Assert.Equal(SigV4Failure.WrongService, outcome.Failure);
        Assert.Equal("Credential should be scoped to correct service: 'ecs'.", outcome.Message);
    }

    [Theory]
    [InlineData(-16, false)]
    [InlineData(-14, true)]
    [InlineData(14, true)]
    [InlineData(16, false)]
    public void A_header_signature_must_be_dated_within_15_minutes_either_way(int minutesFromNow, bool accepted)
    {
        var request = Signed("ecs", "{}"u8.ToArray(), signedAt: Now.AddMinutes(minutesFromNow));

        Assert.Equal(accepted ? SigV4Failure.None : SigV4Failure.RequestTimeTooSkewed, Verifier().Verify(request, "ecs").Failure);
    }

    [Fact]
    public void A_presigned_url_is_accepted_until_it_expires_and_not_before_it_is_dated()
    {
        var url = Presigned(Now, TimeSpan.FromHours(1));

        Assert.True(Verifier(Now.AddMinutes(59)).Verify(Get(url), "s3").IsVerified);
        Assert.Equal(SigV4Failure.PresignedUrlExpired, Verifier(Now.AddMinutes(61)).Verify(Get(url), "s3").Failure);
        Assert.Equal(SigV4Failure.PresignedUrlExpired, Verifier(Now.AddMinutes(-16)).Verify(Get(url), "s3").Failure);
    }

    [Fact]
    public void A_presigned_url_may_live_seven_days_and_no_longer()
    {
        var week = Presigned(Now, TimeSpan.FromDays(7));
        var longer = new Uri(week.ToString().Replace("X-Amz-Expires=604800", "X-Amz-Expires=604801", StringComparison.Ordinal));

        Assert.True(Verifier(Now.AddDays(6)).Verify(Get(week), "s3").IsVerified);
        var outcome = Verifier().Verify(Get(longer), "s3");
        Assert.Equal(SigV4Failure.IncompleteSignature, outcome.Failure);
        Assert.True(outcome.Presigned);
        Assert.Contains("604800", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_presigned_url_without_X_Amz_Expires_is_incomplete()
    {
        var url = Presigned(Now, TimeSpan.FromHours(1)).ToString();
        var start = url.IndexOf("X-Amz-Expires=", StringComparison.Ordinal);
        var end = url.IndexOf('&', start);
        var without = new Uri(url.Remove(start, end - start + 1));

        Assert.Equal(SigV4Failure.IncompleteSignature, Verifier().Verify(Get(without), "s3").Failure);
    }

    public void Dispose() => state.Dispose();

    private SigV4Verifier Verifier(DateTimeOffset? now = null)
    {
        var clock = new FixedClock(now ?? Now);
        return new SigV4Verifier(new LocalCredentials(AccessKey, SecretKey, "us-east-1"), TemporaryCredentialStores.Empty(state.Path, clock), clock);
    }

    private static AWSSigV4Parameters Parameters(string service, DateTimeOffset signedAt, bool signPayload = true) => new()
    {
        Credentials = new BasicAWSCredentials(AccessKey, SecretKey),
        Region = RegionEndpoint.USEast1,
        Service = service,
        SignedAt = signedAt.UtcDateTime,
        SignPayload = signPayload,
    };

    private static SigV4Request Signed(string service, byte[] body, HttpMethod? method = null, string path = "/", bool signPayload = true, DateTimeOffset? signedAt = null)
    {
        var uri = new Uri(signPayload ? Endpoint : SecureEndpoint, path);
        var signing = new AWSSigningRequest { HttpMethod = method ?? HttpMethod.Post, RequestUri = uri, Content = body };
        signing.Headers["Content-Type"] = "application/x-amz-json-1.1";
        var result = AWSSigV4Signer.Sign(signing, Parameters(service, signedAt ?? Now, signPayload));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["host"] = uri.Authority, ["content-type"] = "application/x-amz-json-1.1" };
        foreach (var (name, value) in result.Headers)
        {
            headers[name] = value;
        }

        return Request(signing.HttpMethod.Method, uri, headers, body);
    }

    private static Uri Presigned(DateTimeOffset signedAt, TimeSpan expiry) =>
        AWSSigV4Signer.Presign(new AWSSigningRequest { HttpMethod = HttpMethod.Get, RequestUri = new Uri(SecureEndpoint, "/bucket/key") },
            Parameters("s3", signedAt, signPayload: false), expiry).Uri;

    private static SigV4Request Get(Uri url) =>
        Request("GET", url, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["host"] = url.Authority }, []);

    private static SigV4Request Request(string method, Uri uri, Dictionary<string, string> headers, byte[] body) =>
        new(method, uri.AbsolutePath, uri.Query.TrimStart('?'), name => headers.TryGetValue(name, out var v) ? [v] : [], body);

    private static SigV4Request WithHeader(SigV4Request request, string name, string? value) =>
        request with
        {
            HeaderValues = header => string.Equals(header, name, StringComparison.OrdinalIgnoreCase)
                ? value is null ? [] : [value]
                : request.HeaderValues(header),
        };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
