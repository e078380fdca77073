using System.Net;
using System.Net.Sockets;

namespace Deploy.Aws.Tests.Core;

public sealed class RetryTests
{
    private static Task CallAsync(AwsSession session, CancellationToken token = default) =>
        JsonProtocol.InvokeAsync<object>(session, AwsService.Ecs, "ListClusters", null, null, token);

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "TooManyRequestsException")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailableException")]
    [InlineData(HttpStatusCode.BadRequest, "ThrottlingException")]
    [InlineData(HttpStatusCode.BadRequest, "Throttling")]
    [InlineData(HttpStatusCode.InternalServerError, "ServerException")]
    [InlineData(HttpStatusCode.BadGateway, "Whatever")]
    [InlineData(HttpStatusCode.GatewayTimeout, "Whatever")]
    [InlineData(HttpStatusCode.BadRequest, "RequestTimeoutException")]
    public async Task Throttling_and_server_errors_are_retried_with_growing_delays_until_one_succeeds(HttpStatusCode status, string code)
    {
        var handler = new ScriptedHandler()
            .ThenError(status, code, "slow down")
            .ThenError(status, code, "slow down")
            .Then(HttpStatusCode.OK);
        var delays = new List<TimeSpan>();
        using var session = FakeSessions.Create(handler, delays);

        await CallAsync(session);

        Assert.Equal(3, handler.Sent.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], delays);
    }

    [Fact]
    public async Task Retries_are_bounded_by_max_attempts_and_the_last_error_surfaces()
    {
        var handler = new ScriptedHandler();
        for (var i = 0; i < 5; i++)
        {
            handler.ThenError(HttpStatusCode.TooManyRequests, "ThrottlingException", "Rate exceeded", "req-" + i);
        }

        var delays = new List<TimeSpan>();
        using var session = FakeSessions.Create(handler, delays, maxAttempts: 5);

        var error = await Assert.ThrowsAsync<EcsException>(() => CallAsync(session));

        Assert.Equal(5, handler.Sent.Count);
        Assert.Equal("ThrottlingException", error.Code);
        Assert.Equal("req-4", error.RequestId);
        Assert.Equal([100, 200, 400, 800], delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task Backoff_never_exceeds_the_cap_and_is_a_random_share_of_it()
    {
        Assert.Equal(TimeSpan.FromSeconds(20), AwsRetryPolicy.Backoff(12, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20), 1.0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), AwsRetryPolicy.Backoff(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20), 0.5));
        Assert.Equal(TimeSpan.Zero, AwsRetryPolicy.Backoff(2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20), 0.0));

        var handler = new ScriptedHandler().ThenError(HttpStatusCode.ServiceUnavailable, "Unavailable", "x").Then(HttpStatusCode.OK);
        var delays = new List<TimeSpan>();
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = "us-east-1",
            Credentials = FakeSessions.Credentials,
            HttpHandler = handler,
            Jitter = () => 0.25,
            Delay = (d, _) =>
            {
                delays.Add(d);
                return Task.CompletedTask;
            },
        });
        await CallAsync(session);
        Assert.Equal([TimeSpan.FromMilliseconds(25)], delays);
    }

    [Fact]
    public async Task A_validation_error_is_not_retried()
    {
        var handler = new ScriptedHandler().ThenError(HttpStatusCode.BadRequest, "ValidationException", "bad input");
        var delays = new List<TimeSpan>();
        using var session = FakeSessions.Create(handler, delays);

        var error = await Assert.ThrowsAsync<EcsException>(() => CallAsync(session));

        Assert.Single(handler.Sent);
        Assert.Empty(delays);
        Assert.Equal("ValidationException", error.Code);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task Connection_resets_are_retried()
    {
        var handler = new ScriptedHandler()
            .ThenThrow(new HttpRequestException("reset", new IOException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset))))
            .ThenThrow(new IOException("broken pipe"))
            .Then(HttpStatusCode.OK);
        using var session = FakeSessions.Create(handler);

        await CallAsync(session);

        Assert.Equal(3, handler.Sent.Count);
    }

    [Fact]
    public async Task Connection_failures_that_never_recover_surface_as_a_typed_error_with_the_cause()
    {
        var handler = new ScriptedHandler().ThenThrow(new HttpRequestException("refused")).ThenThrow(new HttpRequestException("refused"));
        using var session = FakeSessions.Create(handler, maxAttempts: 2);

        var error = await Assert.ThrowsAsync<EcsException>(() => CallAsync(session));

        Assert.Equal("ConnectionError", error.Code);
        Assert.Equal((HttpStatusCode)0, error.StatusCode);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_is_retried()
    {
        var handler = new ScriptedHandler().ThenHang().Then(HttpStatusCode.OK);
        using var session = FakeSessions.Create(handler, attemptTimeout: TimeSpan.FromMilliseconds(500));

        await CallAsync(session);

        Assert.Equal(2, handler.Sent.Count);
    }

    [Fact]
    public async Task Cancellation_while_waiting_for_a_response_stops_at_once_without_retrying()
    {
        var handler = new ScriptedHandler().ThenHang().Then(HttpStatusCode.OK);
        using var session = FakeSessions.Create(handler);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CallAsync(session, cancellation.Token));

        Assert.Single(handler.Sent);
    }

    [Fact]
    public async Task Cancellation_during_backoff_stops_retrying()
    {
        using var cancellation = new CancellationTokenSource();
        var handler = new ScriptedHandler().ThenError(HttpStatusCode.ServiceUnavailable, "Unavailable", "x").Then(HttpStatusCode.OK);
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = "us-east-1",
            Credentials = FakeSessions.Credentials,
            HttpHandler = handler,
            Delay = (d, token) =>
            {
                cancellation.Cancel();
                return Task.Delay(d, token);
            },
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CallAsync(session, cancellation.Token));

        Assert.Single(handler.Sent);
    }

    [Fact]
    public async Task The_observer_sees_every_attempt_with_status_request_id_and_retry_decision()
    {
        var handler = new ScriptedHandler()
            .ThenError(HttpStatusCode.TooManyRequests, "ThrottlingException", "Rate exceeded", "req-a")
            .Then(HttpStatusCode.OK, "{}", ("x-amzn-RequestId", "req-b"));
        var calls = new List<AwsCallRecord>();
        using var session = FakeSessions.Create(handler, calls: calls);

        await CallAsync(session);

        Assert.Collection(
            calls,
            first =>
            {
                Assert.Equal(("ECS", "ListClusters", 1, 429, "req-a", "ThrottlingException", true), (first.Service, first.Operation, first.Attempt, first.StatusCode, first.RequestId, first.ErrorCode, first.WillRetry));
            },
            second =>
            {
                Assert.Equal((2, 200, "req-b", (string?)null, false), (second.Attempt, second.StatusCode, second.RequestId, second.ErrorCode, second.WillRetry));
            });
        Assert.All(calls, c => Assert.True(c.Duration >= TimeSpan.Zero));
    }

    [Fact]
    public async Task A_refused_connection_to_an_endpoint_known_to_be_down_fails_at_once_with_its_message()
    {
        // A real refusal: nothing listens on a port just found free.
        var endpoint = new Uri($"http://127.0.0.1:{Deploy.Testing.FreePort.Next()}");
        var calls = new List<AwsCallRecord>();
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = "us-east-1",
            Credentials = new Amazon.Runtime.BasicAWSCredentials("local", "localsecret"),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = endpoint.ToString() },
            MaxAttempts = 3,
            UnreachableHint = "the local cloud is not answering; start it again with ./build.sh LocalCloud",
            Observer = calls.Add,
        });

        var error = await Assert.ThrowsAsync<EcsException>(() => CallAsync(session));

        Assert.Single(calls);
        Assert.Equal("EndpointDown", error.Code);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains($"{endpoint.GetLeftPart(UriPartial.Authority)} refused the connection", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("the local cloud is not answering; start it again with ./build.sh LocalCloud", error.Message, StringComparison.Ordinal);
    }
}
