using Deploy.Delivery.Notifications;
using Deploy.Delivery.Tests.Images;
using Deploy.Testing.Slack;

namespace Deploy.Delivery.Tests.Notifications;

public sealed class DeployNotifierTests : IAsyncLifetime
{
    private static readonly SlackDeliveryOptions Quick = new() { FirstBackoff = TimeSpan.FromMilliseconds(10) };

    private static readonly HttpClient Http = new();
    private readonly LevelLog log = new();
    private SlackReceiver receiver = null!;

    [Fact]
    public async Task Without_a_webhook_nothing_is_sent_and_that_is_said_once()
    {
        var notifier = Notifier(null);

        Assert.False(await notifier.NotifyAsync(SampleNotifications.Failed()));
        Assert.False(await notifier.NotifyAsync(SampleNotifications.Deployed()));

        var line = Assert.Single(log.Lines);
        Assert.Equal(("information", "Slack: no notifications (set --slack-webhook-url, usually from the SLACK_WEBHOOK_URL CI/CD variable, to get them)."), line);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task An_outcome_left_out_of_notify_on_sends_nothing()
    {
        var notifier = Notifier(receiver.WebhookUrl.ToString(), [NotificationOutcome.Failed, NotificationOutcome.RolledBack]);

        Assert.False(await notifier.NotifyAsync(SampleNotifications.Deployed()));
        Assert.False(await notifier.NotifyAsync(SampleNotifications.Unchanged()));
        Assert.True(await notifier.NotifyAsync(SampleNotifications.RolledBackByCircuitBreaker()));

        var request = Assert.Single(receiver.Requests);
        Assert.Contains("rolled back to sample-service:7", request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Lines, l => l.Level is "warning" or "error");
    }

    [Fact]
    public void Unchanged_is_the_only_outcome_not_notified_by_default()
    {
        Assert.Equal(
            [NotificationOutcome.Succeeded, NotificationOutcome.Failed, NotificationOutcome.RolledBack, NotificationOutcome.TimedOut],
            NotificationOutcomes.Default);
    }

    [Fact]
    public async Task A_delivered_message_is_one_information_line()
    {
        var notifier = Notifier(receiver.WebhookUrl.ToString());

        Assert.True(await notifier.NotifyAsync(SampleNotifications.TimedOut()));

        Assert.Equal([("information", "Slack: notified (timed-out).")], log.Lines);
        BlockKitShape.AssertConforms(Assert.Single(receiver.Requests).Body);
    }

    [Fact]
    public async Task A_receiver_that_is_down_costs_one_warning_without_the_url_and_no_exception()
    {
        var down = SlackReceiver.DownWebhookUrl();
        var notifier = Notifier(down.ToString());

        Assert.False(await notifier.NotifyAsync(SampleNotifications.Failed()));

        var warning = Assert.Single(log.Lines, l => l.Level != "debug");
        Assert.Equal(("warning", "Slack notification (failed) not delivered after 4 attempts: could not connect (ConnectionRefused). The DeployFargate result stands."), warning);
        Assert.DoesNotContain(log.Texts, t => t.Contains(down.Segments[^1], StringComparison.Ordinal) || t.Contains(down.Authority, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejected_message_names_Slacks_answer()
    {
        receiver.Then(new SlackAnswer(400, "invalid_payload"));

        await Notifier(receiver.WebhookUrl.ToString()).NotifyAsync(SampleNotifications.Failed());

        Assert.Equal([("warning", "Slack notification (failed) not delivered after 1 attempt: HTTP 400 invalid_payload. The DeployFargate result stands.")], log.Lines);
    }

    [Fact]
    public async Task A_webhook_that_is_not_a_url_is_one_warning_that_does_not_repeat_it()
    {
        const string notAUrl = "hooks.slack.com/services/T0/B0/secret-token-value";
        var notifier = Notifier(notAUrl);

        Assert.False(await notifier.NotifyAsync(SampleNotifications.Failed()));
        Assert.False(await notifier.NotifyAsync(SampleNotifications.Failed()));

        var warning = Assert.Single(log.Lines);
        Assert.Equal("warning", warning.Level);
        Assert.Contains("--slack-webhook-url (SLACK_WEBHOOK_URL) is not an absolute https URL", warning.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", warning.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whatever_breaks_inside_the_sender_is_a_warning_not_an_exception()
    {
        var disposed = new HttpClient();
        disposed.Dispose();
        var notifier = new DeployNotifier(receiver.WebhookUrl.ToString(), NotificationOutcomes.Default, new SlackWebhookSender(disposed, Quick), log);

        Assert.False(await notifier.NotifyAsync(SampleNotifications.Failed()));

        var warning = Assert.Single(log.Lines);
        Assert.Equal(("warning", "Slack notification (failed) not delivered after 0 attempts: unexpected ObjectDisposedException. The DeployFargate result stands."), warning);
    }

    public async Task InitializeAsync() => receiver = await SlackReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
    }

    private DeployNotifier Notifier(string? url, IEnumerable<NotificationOutcome>? notifyOn = null) =>
        new(url, notifyOn ?? NotificationOutcomes.Default, new SlackWebhookSender(Http, Quick), log);
}
