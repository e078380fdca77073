using System.Net;
using System.Text;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;

namespace Deploy.LocalCloud.Tests;

public sealed class SigV4SignatureTests
{
    // Not published by AWS: ECS ListClusters at 20150830T123600Z as the protocol notes (docs/aws-protocols.md) recorded it
    // from the SDK's signer, a cross-check; SigV4TestSuiteTests pins the arithmetic to AWS's published get-vanilla case.
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20150830T123600Z";
    private const string Target = "AmazonEC2ContainerServiceV20141113.ListClusters";
    private const string ExpectedSignature = "bf3792d2d1cd0e9d2f8f3972495918bdaf980ded4b77d651080d44800e47c88b";

    private static readonly string BodyHash = SigV4Signature.HexSha256("{}"u8);

    private static readonly (string Name, string Value)[] Headers =
    [
        ("content-type", "application/x-amz-json-1.1"),
        ("host", "ecs.us-east-1.amazonaws.com"),
        ("x-amz-content-sha256", BodyHash),
        ("x-amz-date", AmzDate),
        ("x-amz-target", Target),
    ];

    [Fact]
    public void The_ListClusters_request_recorded_from_the_SDKs_signer_gets_the_same_signature()
    {
        var canonical = SigV4Signature.CanonicalRequest("POST", "/", string.Empty, Headers, BodyHash);
        var stringToSign = SigV4Signature.StringToSign(AmzDate, "20150830/us-east-1/ecs/aws4_request", canonical);

        Assert.Equal(ExpectedSignature, SigV4Signature.Sign(SecretKey, "20150830", "us-east-1", "ecs", stringToSign));
    }

    [Fact]
    public void The_verifier_accepts_the_recorded_request_at_its_signing_time()
    {
        using var state = new TempDirectory();
        var clock = new FixedClock(new DateTimeOffset(2015, 8, 30, 12, 40, 0, TimeSpan.Zero));
        var verifier = new SigV4Verifier(new LocalCredentials(AccessKey, SecretKey, "us-east-1"), TemporaryCredentialStores.Empty(state.Path, clock), clock);

        var outcome = verifier.Verify(VectorRequest(ExpectedSignature));

        Assert.True(outcome.IsVerified, outcome.Message);
        Assert.Equal("ecs", outcome.SigningName);
    }

    [Fact]
    public void The_verifier_refuses_the_recorded_request_today_because_its_signature_expired()
    {
        using var state = new TempDirectory();
        var clock = TimeProvider.System;
        var verifier = new SigV4Verifier(new LocalCredentials(AccessKey, SecretKey, "us-east-1"), TemporaryCredentialStores.Empty(state.Path, clock), clock);

        var outcome = verifier.Verify(VectorRequest(ExpectedSignature));

        Assert.Equal(SigV4Failure.RequestTimeTooSkewed, outcome.Failure);
        Assert.StartsWith("Signature expired", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_verifier_refuses_a_tampered_signature()
    {
        using var state = new TempDirectory();
        var clock = new FixedClock(new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero));
        var verifier = new SigV4Verifier(new LocalCredentials(AccessKey, SecretKey, "us-east-1"), TemporaryCredentialStores.Empty(state.Path, clock), clock);

        var outcome = verifier.Verify(VectorRequest(ExpectedSignature.Replace('b', 'c')));

        Assert.Equal(SigV4Failure.SignatureMismatch, outcome.Failure);
    }

    [Fact]
    public async Task A_presigned_sts_url_made_by_botocore_is_accepted_and_a_tampered_one_is_refused()
    {
        await using var cloud = await TestCloud.StartAsync();
        var script = "import os,botocore.session;" +
                     "c=botocore.session.get_session().create_client('sts',endpoint_url='" + cloud.Instance.Endpoint.ToString().TrimEnd('/') +
                     "',region_name='us-east-1',aws_access_key_id='local',aws_secret_access_key=os.environ['LOCAL_SECRET']);" +
                     "print(c.generate_presigned_url('get_caller_identity',HttpMethod='GET'))";
        // botocore signs the operation's own method (POST) unless told GET is how the URL will be used.
        var presign = await ProcessRunner.RunAsync("python3", ["-c", script], new Dictionary<string, string> { ["LOCAL_SECRET"] = cloud.Instance.SecretAccessKey });
        Assert.True(presign.ExitCode == 0, presign.ToString());
        var url = presign.Stdout.Trim();
        using var http = new HttpClient();

        using var accepted = await http.GetAsync(new Uri(url));
        using var refused = await http.GetAsync(new Uri(url.Replace("X-Amz-Expires=3600", "X-Amz-Expires=3601", StringComparison.Ordinal)));

        var body = await accepted.Content.ReadAsStringAsync();
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("<Account>000000000000</Account>", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    private static SigV4Request VectorRequest(string signature)
    {
        var headers = Headers.ToDictionary(h => h.Name, h => h.Value);
        headers["authorization"] = $"AWS4-HMAC-SHA256 Credential={AccessKey}/20150830/us-east-1/ecs/aws4_request, " +
                                   $"SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature={signature}";
        return new SigV4Request("POST", "/", string.Empty, name => headers.TryGetValue(name, out var v) ? [v] : [], Encoding.UTF8.GetBytes("{}"));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
