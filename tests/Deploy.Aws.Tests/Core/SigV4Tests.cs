using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Deploy.Aws.Tests.Core;

public sealed class SigV4Tests
{
    [Fact]
    public async Task The_known_ListClusters_vector_from_the_protocol_notes_reproduces_exactly()
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

    /// <summary>SigV4 written out from the specification, independent of the SDK's signer.</summary>
    private static string Signature(string host, string body, string target, DateTimeOffset at)
    {
        var date = at.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var day = date[..8];
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var canonical = string.Join(
            "\n",
            "POST",
            "/",
            string.Empty,
            "content-type:application/x-amz-json-1.1",
            "host:" + host,
            "x-amz-content-sha256:" + payloadHash,
            "x-amz-date:" + date,
            "x-amz-target:" + target,
            string.Empty,
            "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target",
            payloadHash);
        var stringToSign = $"AWS4-HMAC-SHA256\n{date}\n{day}/us-east-1/ecs/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        foreach (var part in new[] { day, "us-east-1", "ecs", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }
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
