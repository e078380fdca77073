using System.Net;
using System.Text;

namespace Deploy.Aws.Tests.Core;

public sealed class ErrorTests
{
    [Fact]
    public async Task A_json_error_names_the_service_operation_resource_code_message_and_request_id()
    {
        var handler = new ScriptedHandler().ThenError(HttpStatusCode.BadRequest, "ClusterNotFoundException", "Cluster not found.", "4b1c-req");
        using var session = FakeSessions.Create(handler);

        var error = await Assert.ThrowsAsync<EcsException>(() =>
            JsonProtocol.InvokeAsync<object>(session, AwsService.Ecs, "DescribeServices", null, "service 'web' in cluster 'main'", CancellationToken.None));

        Assert.Equal(
            "ECS DescribeServices failed for service 'web' in cluster 'main': ClusterNotFoundException: Cluster not found. (request id 4b1c-req)",
            error.Message);
        Assert.Equal(("ECS", "DescribeServices", "ClusterNotFoundException", "Cluster not found.", "4b1c-req"), (error.Service, error.Operation, error.Code, error.ErrorMessage, error.RequestId));
    }

    [Theory]
    [InlineData("""{"__type":"com.amazonaws.ecr#RepositoryNotFoundException","message":"nope"}""", null, "RepositoryNotFoundException", "nope")]
    [InlineData("""{"__type":"RepositoryNotFoundException:http://internal.amazon.com/","Message":"Nope"}""", null, "RepositoryNotFoundException", "Nope")]
    [InlineData("""{"message":"from body"}""", "aws.protocoltests#FooError:http://internal.amazon.com/", "FooError", "from body")]
    [InlineData("<html>bad gateway</html>", null, null, null)]
    [InlineData("", null, null, null)]
    public void Json_error_codes_are_read_from_type_or_header_without_namespace_or_suffix(string body, string? header, string? code, string? message)
    {
        var parsed = JsonProtocol.ParseError(Encoding.UTF8.GetBytes(body), header);

        Assert.Equal(code, parsed.Code);
        Assert.Equal(message, parsed.Message);
    }

    [Fact]
    public async Task An_error_without_a_body_is_named_after_its_status()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.Forbidden, string.Empty);
        using var session = FakeSessions.Create(handler);

        var error = await Assert.ThrowsAsync<EcrException>(() =>
            JsonProtocol.InvokeAsync<object>(session, AwsService.Ecr, "DescribeRepositories", null, null, CancellationToken.None));

        Assert.Equal("Http403", error.Code);
        Assert.Equal("ECR DescribeRepositories failed: Http403", error.Message);
    }

    [Fact]
    public async Task A_query_error_response_is_parsed_into_the_service_family_exception()
    {
        const string xml = """
            <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
              <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name app cannot be found.</Message></Error>
              <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
            </ErrorResponse>
            """;
        var handler = new ScriptedHandler().Then(HttpStatusCode.NotFound, xml);
        using var session = FakeSessions.Create(handler);

        var error = await Assert.ThrowsAsync<IamException>(() =>
            QueryProtocol.InvokeAsync(session, AwsService.Iam, "GetRole", new QueryRequest().Add("RoleName", "app"), "role 'app'", CancellationToken.None));

        Assert.Equal("NoSuchEntity", error.Code);
        Assert.Equal("7a62c49f-347e-4fc4-9331-6e8eEXAMPLE", error.RequestId);
        Assert.Equal("IAM GetRole failed for role 'app': NoSuchEntity: The role with name app cannot be found. (request id 7a62c49f-347e-4fc4-9331-6e8eEXAMPLE)", error.Message);
    }

    [Fact]
    public void Ec2_style_query_errors_are_understood_too()
    {
        const string xml = "<Response><Errors><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></Errors><RequestID>abc</RequestID></Response>";

        var parsed = QueryProtocol.ParseError(Encoding.UTF8.GetBytes(xml));

        Assert.Equal(new ParsedError("Throttling", "Rate exceeded", "abc"), parsed);
    }

    [Fact]
    public void Every_service_descriptor_raises_its_own_exception_family()
    {
        var details = new AwsErrorDetails("X", "Op", null, "Code", "msg", null, HttpStatusCode.BadRequest);

        var types = AwsService.All.Select(s => s.ExceptionFactory(details, null).GetType()).ToList();

        Assert.Equal(
            [typeof(EcsException), typeof(EcrException), typeof(LogsException), typeof(CodeCommitException), typeof(CodeBuildException), typeof(CodePipelineException), typeof(CloudFormationException), typeof(IamException), typeof(StsException)],
            types);
        Assert.All(types, t => Assert.True(t.IsAssignableTo(typeof(AwsServiceException))));
    }
}

public sealed class CallRecordTests
{
    [Fact]
    public void A_call_record_reads_as_one_log_line_with_status_duration_attempt_and_request_id()
    {
        var record = new AwsCallRecord("ECS", "DescribeServices", 2, 429, TimeSpan.FromMilliseconds(41.4), "req-9", "ThrottlingException", true);

        Assert.Equal("ECS DescribeServices → 429 ThrottlingException in 41 ms (attempt 2, request id req-9, retrying)", record.ToLogLine());
        Assert.Equal(
            "ECR GetAuthorizationToken → no response ConnectionError in 3 ms (attempt 1)",
            new AwsCallRecord("ECR", "GetAuthorizationToken", 1, null, TimeSpan.FromMilliseconds(3), null, "ConnectionError", false).ToLogLine());
    }
}

public sealed class MalformedResponseTests
{
    [Fact]
    public async Task A_success_response_that_does_not_match_the_model_names_the_operation_and_request_id()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, """{"services":"not a list"}""", ("x-amzn-RequestId", "req-7"));
        using var session = FakeSessions.Create(handler);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            new Deploy.Aws.Ecs.EcsClient(session).DescribeServicesAsync(new Deploy.Aws.Ecs.DescribeServicesRequest { Services = ["web"] }));

        Assert.StartsWith("ECS DescribeServices returned a response that does not match its model (request id req-7)", error.Message, StringComparison.Ordinal);
    }
}

public sealed class CredentialFailureTests
{
    private sealed class BrokenCredentials : Amazon.Runtime.AWSCredentials
    {
        public override Amazon.Runtime.ImmutableCredentials GetCredentials() =>
            throw new Amazon.Runtime.AmazonClientException("The SSO session has expired.");

        public override Task<Amazon.Runtime.ImmutableCredentials> GetCredentialsAsync() =>
            throw new Amazon.Runtime.AmazonClientException("The SSO session has expired.");
    }

    [Fact]
    public async Task Unavailable_credentials_fail_the_call_with_its_name_and_the_cause_without_sending_anything()
    {
        var handler = new ScriptedHandler();
        using var session = new AwsSession(new AwsSessionOptions { Region = "us-east-1", Credentials = new BrokenCredentials(), HttpHandler = handler });

        var error = await Assert.ThrowsAsync<EcrException>(() =>
            JsonProtocol.InvokeAsync<object>(session, AwsService.Ecr, "GetAuthorizationToken", null, null, CancellationToken.None));

        Assert.Equal("CredentialsUnavailable", error.Code);
        Assert.Contains("ECR GetAuthorizationToken failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("The SSO session has expired.", error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Sent);
    }
}
