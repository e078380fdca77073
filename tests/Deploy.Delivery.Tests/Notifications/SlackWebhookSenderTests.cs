using System.Collections.Concurrent;
using Deploy.Delivery.Notifications;
using Deploy.Testing.Slack;

namespace Deploy.Delivery.Tests.Notifications;

/// <summary>The sender against a real HTTP listener on loopback that answers as Slack does, or as scripted.</summary>
public sealed class SlackWebhookSenderTests : IAsyncLifetime
{
    private const string Message = """{"text":"hello","blocks":[{"type":"divider"}]}""";

    private static readonly HttpClient Http = new();
    private readonly ConcurrentQueue<TimeSpan> waits = new();
    private SlackReceiver receiver = null!;

    [Fact]
    public async Task A_message_is_posted_once_as_json_and_delivered_on_ok()
    {
        var delivery = await Sender().SendAsync(receiver.WebhookUrl, Message);

        Assert.Equal(new SlackDelivery(true, 1), delivery);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("POST", receiver.WebhookUrl.AbsolutePath, Message), (request.Method, request.Path, request.Body));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Empty(waits);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_Retry_After_it_names()
    {
        receiver.Then(new SlackAnswer(429, "rate_limited", RetryAfter: "2"));

        var delivery = await Sender(realDelay: true).SendAsync(receiver.WebhookUrl, Message);

        Assert.Equal(new SlackDelivery(true, 2), delivery);
        Assert.Equal([TimeSpan.FromSeconds(2)], waits);
        var requests = receiver.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromSeconds(1.9), $"retried after {requests[1].ReceivedAt - requests[0].ReceivedAt}");
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_cap_ends_the_attempts_instead_of_holding_the_build()
    {
        receiver.Then(new SlackAnswer(429, "rate_limited", RetryAfter: "600"));

        var delivery = await Sender().SendAsync(receiver.WebhookUrl, Message);

        Assert.False(delivery.Delivered);
        Assert.Equal("HTTP 429 rate_limited; Slack asked to retry after 600 s, more than the 30 s this build waits", delivery.Problem);
        Assert.Single(receiver.Requests);
        Assert.Empty(waits);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_growing_jittered_backoff_up_to_the_attempt_limit()
    {
        for (var i = 0; i < 4; i++)
        {
            receiver.Then(new SlackAnswer(500, "rollup_error"));
        }

        var delivery = await Sender().SendAsync(receiver.WebhookUrl, Message);

        Assert.Equal(new SlackDelivery(false, 4, "HTTP 500 rollup_error"), delivery);
        Assert.Equal(4, receiver.Requests.Count);
        // jitter 0.5: half of 1 s, 2 s, 4 s plus a quarter of each.
        Assert.Equal([TimeSpan.FromSeconds(0.75), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3)], waits);
    }

    [Theory]
    [InlineData(400, "invalid_payload")]
    [InlineData(403, "action_prohibited")]
    [InlineData(404, "channel_not_found")]
    [InlineData(410, "channel_is_archived")]
    public async Task A_client_error_is_final_and_names_Slacks_answer(int status, string answer)
    {
        receiver.Then(new SlackAnswer(status, answer));

        var delivery = await Sender().SendAsync(receiver.WebhookUrl, Message);

        Assert.Equal(new SlackDelivery(false, 1, $"HTTP {status} {answer}"), delivery);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_wrong_webhook_path_gets_no_service_like_a_revoked_webhook()
    {
        var revoked = new Uri(receiver.WebhookUrl, "/services/T0TESTTEAM/B0TESTHOOK/revoked");

        var delivery = await Sender().SendAsync(revoked, Message);

        Assert.Equal(new SlackDelivery(false, 1, "HTTP 404 no_service"), delivery);
    }

    [Fact]
    public async Task A_receiver_that_is_down_is_tried_again_and_reported_without_the_url()
    {
        var down = SlackReceiver.DownWebhookUrl();

        var delivery = await Sender().SendAsync(down, Message);

        Assert.False(delivery.Delivered);
        Assert.Equal(4, delivery.Attempts);
        Assert.Equal("could not connect (ConnectionRefused)", delivery.Problem);
        Assert.DoesNotContain(down.Segments[^1], delivery.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", delivery.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_does_not_come_within_the_attempt_timeout_counts_as_a_failed_attempt()
    {
        receiver.Then(new SlackAnswer(200, "ok", Delay: TimeSpan.FromMinutes(2)));

        var delivery = await Sender(new SlackDeliveryOptions { MaxAttempts = 2, AttemptTimeout = TimeSpan.FromSeconds(1) }).SendAsync(receiver.WebhookUrl, Message);

        Assert.Equal(new SlackDelivery(true, 2), delivery);
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task An_answer_that_repeats_the_url_is_scrubbed_and_cut()
    {
        receiver.Then(new SlackAnswer(400, $"invalid_payload for {receiver.WebhookUrl} " + new string('x', 500)));

        var delivery = await Sender().SendAsync(receiver.WebhookUrl, Message);

        Assert.DoesNotContain(receiver.Token, delivery.Problem, StringComparison.Ordinal);
        Assert.StartsWith("HTTP 400 invalid_payload for *** xxx", delivery.Problem, StringComparison.Ordinal);
        Assert.InRange(delivery.Problem!.Length, 100, 220);
    }

    [Fact]
    public async Task Cancellation_stops_the_waiting_and_reports_cancelled()
    {
        receiver.Then(new SlackAnswer(429, "rate_limited", RetryAfter: "20"));
        using var cancellation = new CancellationTokenSource();
        var sender = new SlackWebhookSender(Http, delay: async (wait, ct) =>
        {
            await cancellation.CancelAsync();
            await Task.Delay(wait, ct);
        });

        var delivery = await sender.SendAsync(receiver.WebhookUrl, Message, cancellation.Token);

        Assert.Equal(new SlackDelivery(false, 1, "cancelled"), delivery);
    }

    public async Task InitializeAsync() => receiver = await SlackReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
    }

    private SlackWebhookSender Sender(SlackDeliveryOptions? options = null, bool realDelay = false) => new(
        Http,
        options,
        (wait, ct) =>
        {
            waits.Enqueue(wait);
            return realDelay ? Task.Delay(wait, ct) : Task.CompletedTask;
        },
        () => 0.5);
}
