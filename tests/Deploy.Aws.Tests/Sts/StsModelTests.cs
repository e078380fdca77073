using Deploy.Aws.Sts;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Sts;

/// <summary>STS operations against botocore's model, plus the unsigned web-identity call's pipeline.</summary>
public sealed class StsModelTests : IDisposable
{
    private const string Service = "sts";
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6Z3JvdXAvYXBwIn0.c2lnbmF0dXJl";

    private readonly RecordingHandler handler = RecordingHandler.AnsweringWithSamples(Service);
    private readonly AwsSession session;
    private readonly StsClient client;

    public StsModelTests()
    {
        session = TestSessions.With(handler, region: "eu-west-1");
        client = new StsClient(session);
    }

    public void Dispose()
    {
        session.Dispose();
        handler.Dispose();
    }

    private static AssumeRoleWithWebIdentityRequest WebIdentity => new()
    {
        RoleArn = "arn:aws:iam::123456789012:role/gitlab-deploy",
        RoleSessionName = "gitlab-job-42",
        WebIdentityToken = Token,
        ProviderId = "www.amazon.com",
        PolicyArns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}""",
        DurationSeconds = 3600,
    };

    [Fact]
    public async Task GetCallerIdentity()
    {
        var response = await client.GetCallerIdentityAsync();

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal(new Uri("https://sts.eu-west-1.amazonaws.com/"), handler.Last.Uri);
        Assert.Contains("/eu-west-1/sts/aws4_request", handler.Last.Header("Authorization"), StringComparison.Ordinal);
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task AssumeRoleWithWebIdentity_is_sent_unsigned()
    {
        var response = await client.AssumeRoleWithWebIdentityAsync(WebIdentity);

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal("arn:aws:iam::aws:policy/ReadOnlyAccess", handler.Last.FormField("PolicyArns.member.1.arn"));
        Assert.Equal(Token, handler.Last.FormField("WebIdentityToken"));
        Assert.Null(handler.Last.Header("Authorization"));
        Assert.Null(handler.Last.Header("X-Amz-Security-Token"));
        Assert.Equal(new Uri("https://sts.eu-west-1.amazonaws.com/"), handler.Last.Uri);
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task Secrets_stay_out_of_ToString()
    {
        var response = await client.AssumeRoleWithWebIdentityAsync(WebIdentity);
        var credentials = response.Credentials!;

        Assert.DoesNotContain(credentials.SecretAccessKey, credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(credentials.SessionToken, credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(credentials.SessionToken, response.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, WebIdentity.ToString(), StringComparison.Ordinal);
        var immutable = await credentials.ToAwsCredentials().GetCredentialsAsync();
        Assert.Equal(credentials.SessionToken, immutable.Token);
    }

    [Fact]
    public async Task Unsigned_calls_retry_throttling_and_report_errors()
    {
        await using var server = new ScriptedHttpServer(
            ScriptStep.QueryError(400, "Throttling", "Rate exceeded"),
            ScriptStep.QueryError(503, "ServiceUnavailable"),
            ScriptStep.Respond(200, BotocoreModels.SampleResponse(Service, "AssumeRoleWithWebIdentity"), new Dictionary<string, string> { ["Content-Type"] = "text/xml" }),
            ScriptStep.QueryError(400, "InvalidIdentityToken", "Token is expired"));
        var records = new List<AwsCallRecord>();
        var delays = new List<TimeSpan>();
        using var retrying = new AwsSession(new AwsSessionOptions
        {
            Region = "us-east-1",
            Credentials = new Amazon.Runtime.AnonymousAWSCredentials(),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_STS"] = server.Endpoint.ToString() },
            MaxAttempts = 3,
            Delay = (d, _) =>
            {
                delays.Add(d);
                return Task.CompletedTask;
            },
            Jitter = () => 1.0,
            Observer = records.Add,
        });
        var sts = new StsClient(retrying);

        var response = await sts.AssumeRoleWithWebIdentityAsync(WebIdentity);
        Assert.StartsWith("AccessKeyId1", response.Credentials!.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], delays);
        Assert.Equal([true, true, false], records.Select(r => r.WillRetry));
        Assert.All(server.Requests, r => Assert.False(r.Headers.ContainsKey("Authorization")));

        var error = await Assert.ThrowsAsync<StsException>(() => sts.AssumeRoleWithWebIdentityAsync(WebIdentity));
        Assert.Equal("InvalidIdentityToken", error.Code);
        Assert.Equal(4, server.Requests.Count);
        Assert.Contains("role arn:aws:iam::123456789012:role/gitlab-deploy", error.Message, StringComparison.Ordinal);
    }
}
