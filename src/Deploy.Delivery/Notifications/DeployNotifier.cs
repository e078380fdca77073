using Deploy.Engine;

namespace Deploy.Delivery.Notifications;

/// <summary>
/// Tells the team's Slack channel how a deploy, rollback or release ended: one message per outcome chosen with
/// <c>--notify-on</c>. Without a webhook it says so once and does nothing. A message that cannot be delivered costs one
/// warning line naming Slack's answer, never the webhook URL, and never an exception: the build's result stays its own.
/// </summary>
public sealed class DeployNotifier
{
    private readonly Uri? webhook;
    private readonly string? invalidWebhook;
    private readonly HashSet<NotificationOutcome> notifyOn;
    private readonly SlackWebhookSender sender;
    private readonly IBuildLog log;
    private bool saidOff;

    /// <param name="webhookUrl">The incoming webhook's URL (a secret); null or empty: no notifications.</param>
    /// <param name="notifyOn">The outcomes to notify.</param>
    /// <param name="sender">Delivers the messages.</param>
    /// <param name="log">Where the one line per outcome goes.</param>
    public DeployNotifier(string? webhookUrl, IEnumerable<NotificationOutcome> notifyOn, SlackWebhookSender sender, IBuildLog log)
    {
        this.notifyOn = new HashSet<NotificationOutcome>(notifyOn ?? throw new ArgumentNullException(nameof(notifyOn)));
        this.sender = sender ?? throw new ArgumentNullException(nameof(sender));
        this.log = log ?? throw new ArgumentNullException(nameof(log));
        if (string.IsNullOrWhiteSpace(webhookUrl))
        {
            return;
        }

        if (Uri.TryCreate(webhookUrl.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            webhook = uri;
        }
        else
        {
            invalidWebhook = "--slack-webhook-url (SLACK_WEBHOOK_URL) is not an absolute https URL; copy the incoming webhook's URL from the Slack app's settings";
        }
    }

    /// <summary>Whether a message for <paramref name="outcome"/> would be sent; says once when notifications are off.</summary>
    public bool Wants(NotificationOutcome outcome)
    {
        if (webhook is null)
        {
            if (!saidOff)
            {
                saidOff = true;
                if (invalidWebhook is not null)
                {
                    log.Warning($"Slack: no notifications: {invalidWebhook}.");
                }
                else
                {
                    log.Information("Slack: no notifications (set --slack-webhook-url, usually from the SLACK_WEBHOOK_URL CI/CD variable, to get them).");
                }
            }

            return false;
        }

        if (!notifyOn.Contains(outcome))
        {
            log.Debug($"Slack: {NotificationOutcomes.Name(outcome)} is not in --notify-on ({string.Join(",", notifyOn.Order().Select(NotificationOutcomes.Name))}); no message.");
            return false;
        }

        return true;
    }

    /// <summary>Sends the message when its outcome is wanted; true when Slack accepted it. Never throws.</summary>
    public async Task<bool> NotifyAsync(DeployNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (!Wants(notification.Outcome))
        {
            return false;
        }

        var outcome = NotificationOutcomes.Name(notification.Outcome);
        SlackDelivery delivery;
        try
        {
            delivery = await sender.SendAsync(webhook!, SlackMessageRenderer.Render(notification).ToJson(), cancellationToken);
        }
#pragma warning disable CA1031 // A notification must not change the build's result, whatever went wrong in it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // The type only: HttpClient's messages may carry the URI.
            delivery = new SlackDelivery(false, 0, $"unexpected {e.GetType().Name}");
        }

        if (delivery.Delivered)
        {
            log.Information($"Slack: notified ({outcome}{(delivery.Attempts > 1 ? $", attempt {delivery.Attempts}" : "")}).");
            return true;
        }

        log.Warning($"Slack notification ({outcome}) not delivered after {delivery.Attempts} attempt{(delivery.Attempts == 1 ? "" : "s")}: {delivery.Problem}. The {notification.Context.Command} result stands.");
        return false;
    }
}
