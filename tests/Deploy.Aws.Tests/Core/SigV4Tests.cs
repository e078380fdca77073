using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Deploy.Aws.Tests.Core;

public sealed class SigV4Tests
{
    // AWS's SigV4 test suite, case get-vanilla (published with the SigV4 documentation): GET / on example.amazonaws.com,
    // service "service", us-east-1, 20150830T123600Z, the documentation's example keys.
    private const string GetVanillaSignature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    [Fact]
    public void The_signature_written_out_from_the_specification_reproduces_AWSs_published_get_vanilla_case()
    {
        var signature = SpecSignature(
            "GET", "/", [("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")], string.Empty, "service",
            new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero));

        Assert.Equal(GetVanillaSignature, signature);
    }

    /// <summary>
    /// The SDK's signer (what the session signs with) on get-vanilla's request: it adds and signs x-amz-content-sha256, so
    /// the published signature cannot be its; it must be what the specification, pinned above by get-vanilla, gives with
    /// that header added.
    /// </summary>
    [Fact]
    public async Task The_SDKs_signer_signs_the_get_vanilla_request_as_the_pinned_specification_does_with_its_payload_hash_header()
    {
        var at = new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
        var request = new Amazon.Runtime.Signing.AWSSigningRequest { HttpMethod = HttpMethod.Get, RequestUri = new Uri("https://example.amazonaws.com/"), Content = [] };
        var parameters = new Amazon.Runtime.Signing.AWSSigV4Parameters
        {
            Credentials = FakeSessions.Credentials,
            Region = Amazon.RegionEndpoint.USEast1,
            Service = "service",
            SignedAt = at.UtcDateTime,
        };

        var signed = await Amazon.Runtime.Signing.AWSSigV4Signer.SignAsync(request, parameters, CancellationToken.None);

        var expected = SpecSignature(
            "GET", "/", [("host", "example.amazonaws.com"), ("x-amz-content-sha256", Hex(string.Empty)), ("x-amz-date", "20150830T123600Z")], string.Empty, "service", at);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + expected,
            signed.Headers["Authorization"]);
    }

    /// <summary>
    /// A cross-check, not a published vector: the signature the protocol notes recorded for ListClusters (made with the SDK's
    /// signer) is what our session sends and what the specification, written out below and pinned by get-vanilla, gives.
    /// </summary>
    [Fact]
    public async Task ListClusters_is_signed_as_the_protocol_notes_recorded_and_as_the_specification_written_out_here_signs_it()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"clusterArns":[]}""");
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = "us-east-1",
            Credentials = FakeSessions.Credentials,
            HttpHandler = handler,
            Clock = () => new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero),
        });

        await JsonProtocol.InvokeAsync<object>(session, AwsService.Ecs, "ListClusters", null, null, CancellationToken.None);

        var sent = Assert.Single(handler.Sent);
        Assert.Equal(new Uri("https://ecs.us-east-1.amazonaws.com/"), sent.Uri);
        Assert.Equal("{}", sent.Body);
        Assert.Equal("AmazonEC2ContainerServiceV20141113.ListClusters", sent.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.1", sent.Header("Content-Type"));
        Assert.Equal("20150830T123600Z", sent.Header("X-Amz-Date"));
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ecs/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, "
            + "Signature=bf3792d2d1cd0e9d2f8f3972495918bdaf980ded4b77d651080d44800e47c88b",
            sent.Header("Authorization"));
        Assert.Equal("bf3792d2d1cd0e9d2f8f3972495918bdaf980ded4b77d651080d44800e47c88b", Signature("ecs.us-east-1.amazonaws.com", "{}", "AmazonEC2ContainerServiceV20141113.ListClusters", new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task Session_credentials_send_their_token_and_global_IAM_is_signed_for_us_east_1()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, "<GetUserResponse><GetUserResult/></GetUserResponse>");
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = "eu-west-1",
            Credentials = new Amazon.Runtime.SessionAWSCredentials("ASIAEXAMPLE", "secret", "session-token"),
            HttpHandler = handler,
        });

        await QueryProtocol.InvokeAsync(session, AwsService.Iam, "GetUser", new QueryRequest(), null, CancellationToken.None);

        var sent = Assert.Single(handler.Sent);
        Assert.Equal(new Uri("https://iam.amazonaws.com/"), sent.Uri);
        Assert.Equal("session-token", sent.Header("X-Amz-Security-Token"));
        Assert.Contains("/us-east-1/iam/aws4_request", sent.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal("Action=GetUser&Version=2010-05-08", sent.Body);
    }

    [Fact]
    public async Task A_loopback_endpoint_is_signed_with_its_port_as_the_host_header_carries_it()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, "{}");
        var signedAt = new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = "us-east-1",
            Credentials = FakeSessions.Credentials,
            HttpHandler = handler,
            Clock = () => signedAt,
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566" },
        });

        await JsonProtocol.InvokeAsync<object>(session, AwsService.Ecs, "ListClusters", null, null, CancellationToken.None);

        var expected = Signature("127.0.0.1:4566", "{}", "AmazonEC2ContainerServiceV20141113.ListClusters", signedAt);
        Assert.EndsWith("Signature=" + expected, handler.Sent[0].Header("Authorization"), StringComparison.Ordinal);
    }

    /// <summary>An ECS JSON 1.1 call signed by <see cref="SpecSignature"/>.</summary>
    private static string Signature(string host, string body, string target, DateTimeOffset at)
    {
        var payloadHash = Hex(body);
        return SpecSignature(
            "POST",
            "/",
            [
                ("content-type", "application/x-amz-json-1.1"),
                ("host", host),
                ("x-amz-content-sha256", payloadHash),
                ("x-amz-date", at.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)),
                ("x-amz-target", target),
            ],
            body,
            "ecs",
            at);
    }

    /// <summary>
    /// SigV4 written out from the specification, independent of the SDK's signer (no query string; headers already
    /// lower-case, trimmed and sorted; the documentation's example keys, us-east-1).
    /// </summary>
    private static string SpecSignature(string method, string path, (string Name, string Value)[] headers, string body, string service, DateTimeOffset at)
    {
        var date = at.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var day = date[..8];
        var canonical = string.Join(
            "\n",
            [
                method,
                path,
                string.Empty,
                .. headers.Select(h => $"{h.Name}:{h.Value}"),
                string.Empty,
                string.Join(';', headers.Select(h => h.Name)),
                Hex(body),
            ]);
        var scope = $"{day}/us-east-1/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{date}\n{scope}\n{Hex(canonical)}";
        var key = Encoding.UTF8.GetBytes("AWS4" + "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        foreach (var part in new[] { day, "us-east-1", service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

public sealed class UnsignedCallTests
{
    [Fact]
    public async Task NoAuth_operations_go_out_without_signature_or_token_but_with_retries()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.ServiceUnavailable, "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>")
            .Then(HttpStatusCode.OK, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>x</SubjectFromWebIdentityToken></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>");
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = "eu-west-1",
            Credentials = new Amazon.Runtime.AnonymousAWSCredentials(),
            HttpHandler = handler,
            Delay = (_, _) => Task.CompletedTask,
        });

        var result = await QueryProtocol.InvokeAsync(
            session, AwsService.Sts, "AssumeRoleWithWebIdentity", new QueryRequest().Add("RoleArn", "arn:aws:iam::123456789012:role/ci"), null, CancellationToken.None, unsigned: true);

        Assert.Equal("x", result.Text("SubjectFromWebIdentityToken"));
        Assert.Equal(2, handler.Sent.Count);
        Assert.All(handler.Sent, sent =>
        {
            Assert.Null(sent.Header("Authorization"));
            Assert.Null(sent.Header("X-Amz-Security-Token"));
        });
        Assert.Equal(new Uri("https://sts.eu-west-1.amazonaws.com/"), handler.Sent[0].Uri);
    }
}
