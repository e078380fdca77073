using System.Net;
using System.Security.Cryptography;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>
/// Subscriptions of HTTP/S endpoints with SNS's confirmation flow: Subscribe stores a pending subscription and POSTs a
/// SubscriptionConfirmation (Token, SubscribeURL); ConfirmSubscription (or fetching SubscribeURL) confirms it; Unsubscribe
/// removes it and POSTs an UnsubscribeConfirmation whose SubscribeURL restores it. Other protocols are refused.
/// </summary>
internal sealed class SnsSubscriptions(SnsStore store, SnsMessages messages, SnsDelivery delivery, LocalCloudOptions options)
{
    private static readonly string[] OtherProtocols = ["email", "email-json", "sms", "sqs", "lambda", "application", "firehose"];

    /// <summary>Subscribes; answers the subscription ARN when it is confirmed (or when asked to), else "pending confirmation".</summary>
    public string Subscribe(string topicArn, string protocol, string? endpoint, IReadOnlyDictionary<string, string> attributes, bool returnArn)
    {
        ValidateEndpoint(protocol, endpoint);
        foreach (var (name, value) in attributes)
        {
            SnsAttributes.ValidateSubscriptionAttribute(name, value);
        }

        var (subscription, confirmation) = store.Update(state =>
        {
            var topic = SnsStore.Topic(state, topicArn);
            var existing = state.Subscriptions.Values.FirstOrDefault(s => s.TopicArn == topicArn && s.Protocol == protocol && s.Endpoint == endpoint);
            if (existing is not null)
            {
                // SNS makes no duplicate; a pending one gets its confirmation again.
                return (existing, existing.PendingConfirmation ? Confirmation(topic, existing) : null);
            }

            var created = new SubscriptionRecord
            {
                Arn = $"{topicArn}:{Guid.NewGuid()}",
                TopicArn = topicArn,
                Protocol = protocol,
                Endpoint = endpoint!,
                Owner = options.AccountId,
                Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(128)),
                Attributes = new Dictionary<string, string>(attributes, StringComparer.Ordinal),
            };
            state.Subscriptions[created.Arn] = created;
            return (created, Confirmation(topic, created));
        });

        if (confirmation is not null)
        {
            delivery.Send(confirmation);
        }

        return subscription.PendingConfirmation && !returnArn ? "pending confirmation" : subscription.Arn;
    }

    /// <summary>Confirms the subscription the token was sent for (or restores an unsubscribed one); returns its ARN.</summary>
    public string Confirm(string topicArn, string token, bool authenticateOnUnsubscribe, bool signed) => store.Update(state =>
    {
        _ = SnsStore.Topic(state, topicArn);
        var subscription = state.Subscriptions.Values.FirstOrDefault(s => s.TopicArn == topicArn && s.Token == token);
        if (subscription is null && state.Unsubscribed.Remove(token, out var restored) && restored.TopicArn == topicArn)
        {
            subscription = restored;
            state.Subscriptions[restored.Arn] = restored;
        }

        if (subscription is null)
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: Token");
        }

        if (subscription.PendingConfirmation)
        {
            subscription.PendingConfirmation = false;
            subscription.ConfirmationWasAuthenticated = signed;
            subscription.AuthenticateOnUnsubscribe = signed && authenticateOnUnsubscribe;
        }

        return subscription.Arn;
    });

    /// <summary>Removes the subscription; without a signature only when it was not confirmed with AuthenticateOnUnsubscribe.</summary>
    public void Unsubscribe(string arn, bool signed)
    {
        var confirmation = store.Update(state =>
        {
            var subscription = SnsStore.Subscription(state, arn);
            if (!signed && subscription.AuthenticateOnUnsubscribe)
            {
                throw new AwsServiceException("AuthorizationError", "Authorization error: this subscription needs an authenticated request to unsubscribe", HttpStatusCode.Forbidden);
            }

            state.Subscriptions.Remove(arn);
            var topic = state.Topics.GetValueOrDefault(subscription.TopicArn);
            if (topic is null || subscription.PendingConfirmation)
            {
                return null;
            }

            topic.SubscriptionsDeleted++;
            subscription.PendingConfirmation = true;
            subscription.Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(128));
            state.Unsubscribed[subscription.Token] = subscription;
            return messages.UnsubscribeConfirmation(topic, subscription, Policy(topic, subscription));
        });

        if (confirmation is not null)
        {
            delivery.Send(confirmation);
        }
    }

    /// <summary>Subscriptions of one topic, or of the account, sorted by ARN, one page.</summary>
    public (IReadOnlyList<SubscriptionRecord> Subscriptions, string? NextToken) List(string? topicArn, string? nextToken) => store.Read(state =>
    {
        if (topicArn is not null)
        {
            _ = SnsStore.Topic(state, topicArn);
        }

        var all = state.Subscriptions.Values.Where(s => topicArn is null || s.TopicArn == topicArn).OrderBy(s => s.Arn, StringComparer.Ordinal).ToList();
        var (page, next) = SnsTopics.Page([.. all.Select(s => s.Arn)], nextToken);
        return ((IReadOnlyList<SubscriptionRecord>)[.. page.Select(arn => state.Subscriptions[arn])], next);
    });

    public Dictionary<string, string> Attributes(string arn) => store.Read(state =>
    {
        var subscription = SnsStore.Subscription(state, arn);
        return SnsAttributes.SubscriptionView(subscription, state.Topics.GetValueOrDefault(subscription.TopicArn));
    });

    public void SetAttribute(string arn, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            SnsAttributes.ValidateSubscriptionAttribute(name, value);
        }

        store.Update(state =>
        {
            var subscription = SnsStore.Subscription(state, arn);
            if (string.IsNullOrEmpty(value))
            {
                subscription.Attributes.Remove(name);
            }
            else
            {
                subscription.Attributes[name] = value;
            }

            return true;
        });
    }

    /// <summary>The retry policy for a subscription: its own unless its topic disables overrides, else its topic's.</summary>
    public static DeliveryPolicy Policy(TopicRecord topic, SubscriptionRecord subscription) =>
        DeliveryPolicy.For(topic.Attributes.GetValueOrDefault("DeliveryPolicy"), subscription.Attributes.GetValueOrDefault("DeliveryPolicy"));

    private HttpDelivery Confirmation(TopicRecord topic, SubscriptionRecord subscription) =>
        messages.SubscriptionConfirmation(topic, subscription, Policy(topic, subscription));

    private static void ValidateEndpoint(string protocol, string? endpoint)
    {
        if (protocol is not ("http" or "https"))
        {
            throw new AwsServiceException("InvalidParameter", OtherProtocols.Contains(protocol)
                ? $"Invalid parameter: Protocol Reason: the local cloud delivers to http and https endpoints only, not {protocol}"
                : $"Invalid parameter: Amazon SNS does not support this protocol string: {protocol}");
        }

        if (string.IsNullOrEmpty(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != protocol || uri.Host.Length == 0)
        {
            throw new AwsServiceException("InvalidParameter", $"Invalid parameter: Endpoint Reason: an {protocol} subscription needs an absolute {protocol}:// URL");
        }
    }
}
