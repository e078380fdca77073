using System.Diagnostics;
using Deploy.Aws.Ecs;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Core;

/// <summary>The retry pipeline against a real loopback server that misbehaves by script.</summary>
public sealed class FaultServerTests
{
    private static AwsSession SessionFor(ScriptedHttpServer server, int maxAttempts = 3, TimeSpan? attemptTimeout = null, List<AwsCallRecord>? calls = null) => new(new AwsSessionOptions
    {
        Region = "us-east-1",
        Credentials = FakeSessions.Credentials,
        Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_ECS"] = server.Endpoint.ToString() },
        MaxAttempts = maxAttempts,
        BaseDelay = TimeSpan.FromMilliseconds(100),
        Jitter = () => 1.0,
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        Observer = calls is null ? null : calls.Add,
    });

    private static Task<ListTasksResponse> ListAsync(AwsSession session, CancellationToken token = default) =>
        new EcsClient(session).ListTasksAsync(new ListTasksRequest { Cluster = "main" }, token);

    [Fact]
    public async Task Throttling_429_and_503_are_retried_with_growing_delays_until_the_call_succeeds()
    {
        await using var server = new ScriptedHttpServer(
            ScriptStep.JsonError(400, "ThrottlingException", "Rate exceeded"),
            ScriptStep.JsonError(429, "TooManyRequestsException"),
            ScriptStep.JsonError(503, "ServiceUnavailableException"),
            ScriptStep.Respond(200, """{"taskArns":["arn:aws:ecs:us-east-1:123456789012:task/main/1"]}"""));
        using var session = SessionFor(server, maxAttempts: 4);

        var response = await ListAsync(session);

        Assert.Single(response.TaskArns!);
        Assert.Equal(4, server.Requests.Count);
        var gaps = server.Gaps;
        Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(90), $"first back-off {gaps[0]}");
        Assert.True(gaps[1] >= TimeSpan.FromMilliseconds(190), $"second back-off {gaps[1]}");
        Assert.True(gaps[2] >= TimeSpan.FromMilliseconds(390), $"third back-off {gaps[2]}");
    }

    [Fact]
    public async Task Server_errors_that_persist_are_bounded_by_max_attempts()
    {
        await using var server = new ScriptedHttpServer();
        server.Fallback = ScriptStep.JsonError(500, "ServerException", "internal");
        using var session = SessionFor(server, maxAttempts: 3);

        var error = await Assert.ThrowsAsync<EcsException>(() => ListAsync(session));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal("ServerException", error.Code);
        Assert.Equal("scripted-ServerException", error.RequestId);
    }

    [Fact]
    public async Task A_connection_reset_is_retried_on_a_new_connection()
    {
        await using var server = new ScriptedHttpServer(ScriptStep.ResetConnection(), ScriptStep.Respond(200, """{"taskArns":[]}"""));
        using var session = SessionFor(server);

        var response = await ListAsync(session);

        Assert.Empty(response.TaskArns!);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(server.Connections >= 2);
    }

    [Fact]
    public async Task A_slow_response_is_abandoned_after_the_attempt_timeout_and_retried()
    {
        // The first attempt never gets an answer; every later one succeeds, so a retry slowed down by a busy
        // machine cannot run the script dry and turn this into a different failure.
        await using var server = new ScriptedHttpServer(ScriptStep.Hang());
        server.Fallback = ScriptStep.Respond(200, """{"taskArns":["arn:aws:ecs:us-east-1:123456789012:task/main/2"]}""");
        var calls = new List<AwsCallRecord>();
        using var session = SessionFor(server, maxAttempts: 5, attemptTimeout: TimeSpan.FromMilliseconds(500), calls: calls);

        var response = await ListAsync(session);

        Assert.Single(response.TaskArns!);
        Assert.True(server.Requests.Count >= 2, $"{server.Requests.Count} request(s)");
        Assert.Equal("RequestTimeout", calls[0].ErrorCode);
        Assert.True(calls[0].WillRetry);
        Assert.Null(calls[^1].ErrorCode);
    }

    [Fact]
    public async Task A_response_that_is_not_an_aws_error_document_names_the_endpoint_and_status_instead_of_quoting_it()
    {
        await using var server = new ScriptedHttpServer();
        server.Fallback = ScriptStep.Respond(502, "<html>\n  <body>Bad gateway from the corporate proxy</body>\n</html>", new Dictionary<string, string> { ["Content-Type"] = "text/html" });
        using var session = SessionFor(server, maxAttempts: 1);

        var error = await Assert.ThrowsAsync<EcsException>(() => ListAsync(session));

        Assert.StartsWith($"ECS ListTasks failed for cluster 'main': Http502: {server.Endpoint.GetLeftPart(UriPartial.Authority)} answered HTTP 502", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("with a text/html body that is not an AWS error; a proxy or load balancer may stand between this machine and AWS (check HTTPS_PROXY, AWS_ENDPOINT_URL).",
            error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<html>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validation_error_surfaces_at_once_without_retrying()
    {
        await using var server = new ScriptedHttpServer(ScriptStep.JsonError(400, "InvalidParameterException", "cluster name is invalid"));
        using var session = SessionFor(server);

        var error = await Assert.ThrowsAsync<EcsException>(() => ListAsync(session));

        Assert.Single(server.Requests);
        Assert.Equal("ECS ListTasks failed for cluster 'main': InvalidParameterException: cluster name is invalid (request id scripted-InvalidParameterException)", error.Message);
    }

    [Fact]
    public async Task Cancelling_stops_waiting_for_a_server_that_never_answers()
    {
        await using var server = new ScriptedHttpServer(ScriptStep.Hang());
        using var session = SessionFor(server);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ListAsync(session, cancellation.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Single(server.Requests);
    }
}
