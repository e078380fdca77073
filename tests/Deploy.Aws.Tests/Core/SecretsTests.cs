using System.Net;
using Amazon.Runtime;
using Deploy.Aws.Ecr;
using Deploy.Aws.Ecs;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Core;

public sealed class SecretsTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRETzz";
    private const string Token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENzz";

    [Fact]
    public async Task Verbose_call_records_and_error_messages_never_carry_keys_tokens_or_registry_passwords()
    {
        const string password = "ecr-registry-password-zz";
        var token = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("AWS:" + password));
        var answers = new Queue<HttpResponseMessage>(
        [
            RecordingHandler.Response(HttpStatusCode.OK, $$"""{"authorizationData":[{"authorizationToken":"{{token}}","expiresAt":1700000000,"proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}]}"""),
            RecordingHandler.Response(HttpStatusCode.TooManyRequests, """{"__type":"ThrottlingException","message":"Rate exceeded"}"""),
            RecordingHandler.Response(HttpStatusCode.BadRequest, """{"__type":"ClusterNotFoundException","message":"Cluster not found."}"""),
        ]);
        var handler = new RecordingHandler(_ => answers.Dequeue());
        var log = new List<string>();
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = "eu-west-1",
            Credentials = new SessionAWSCredentials("ASIAEXAMPLE", Secret, Token),
            HttpHandler = handler,
            MaxAttempts = 2,
            Delay = (_, _) => Task.CompletedTask,
            Observer = record => log.Add(record.ToString()),
        });

        var auth = await new EcrClient(session).GetAuthAsync();
        var error = await Assert.ThrowsAsync<EcsException>(() => new EcsClient(session).DescribeServiceAsync("main", "web"));
        log.Add(error.ToString());
        log.Add(auth.ToString());

        Assert.Equal(password, auth.Password);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(Token, handler.Requests[0].Header("X-Amz-Security-Token"));
        var output = string.Join(Environment.NewLine, log);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, output, StringComparison.Ordinal);
        Assert.DoesNotContain(password, output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, output, StringComparison.Ordinal);
        Assert.Contains("ThrottlingException", output, StringComparison.Ordinal);
    }
}
