using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Sns;

/// <summary>One HTTP POST to a subscriber: where, which SNS headers, the body, and the retry policy that applies.</summary>
internal sealed record HttpDelivery(Uri Endpoint, string MessageType, string MessageId, IReadOnlyDictionary<string, string> Headers, string Body, DeliveryPolicy Policy);

/// <summary>
/// SNS's HTTP/S message formats ("Parsing Amazon SNS message formats"): SubscriptionConfirmation, Notification and
/// UnsubscribeConfirmation JSON documents with their signature fields, and the <c>x-amz-sns-*</c> headers. URLs
/// (SubscribeURL, UnsubscribeURL, SigningCertURL) point at the local cloud.
/// </summary>
internal sealed class SnsMessages(SnsSigner signer, LocalCloudAddress address, TimeProvider clock)
{
    private static readonly string[] NotificationSigned = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"];
    private static readonly string[] ConfirmationSigned = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
    private static readonly JsonSerializerOptions BodyOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    /// <summary>The URL a subscriber fetches to confirm (what SubscribeURL carries).</summary>
    public Uri SubscribeUrl(string topicArn, string token) =>
        new($"{Base}/?Action=ConfirmSubscription&TopicArn={Uri.EscapeDataString(topicArn)}&Token={token}");

    public HttpDelivery SubscriptionConfirmation(TopicRecord topic, SubscriptionRecord subscription, DeliveryPolicy policy) =>
        Confirmation("SubscriptionConfirmation", topic, subscription, policy,
            $"You have chosen to subscribe to the topic {topic.Arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.");

    public HttpDelivery UnsubscribeConfirmation(TopicRecord topic, SubscriptionRecord subscription, DeliveryPolicy policy) =>
        Confirmation("UnsubscribeConfirmation", topic, subscription, policy,
            $"You have chosen to deactivate subscription {subscription.Arn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.");

    /// <summary>The Notification for one subscriber (or the bare message when the subscription asks for raw delivery).</summary>
    public HttpDelivery Notification(TopicRecord topic, SubscriptionRecord subscription, PublishedMessage published, DeliveryPolicy policy)
    {
        var message = published.MessageFor(subscription.Protocol);
        var headers = Headers("Notification", published.MessageId, topic.Arn, subscription.Arn);
        if (subscription.Attributes.GetValueOrDefault("RawMessageDelivery") == "true")
        {
            headers["x-amz-sns-rawdelivery"] = "true";
            return new HttpDelivery(new Uri(subscription.Endpoint), "Notification", published.MessageId, headers, message, policy);
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Type"] = "Notification",
            ["MessageId"] = published.MessageId,
            ["TopicArn"] = topic.Arn,
            ["Subject"] = published.Subject,
            ["Message"] = message,
            ["Timestamp"] = Timestamp(published.Timestamp),
        };
        var body = Signed(topic, fields, NotificationSigned);
        body["UnsubscribeURL"] = $"{Base}/?Action=Unsubscribe&SubscriptionArn={Uri.EscapeDataString(subscription.Arn)}";
        if (published.Attributes.Count > 0)
        {
            body["MessageAttributes"] = published.Attributes.DeepClone();
        }

        return new HttpDelivery(new Uri(subscription.Endpoint), "Notification", published.MessageId, headers, body.ToJsonString(BodyOptions), policy);
    }

    private HttpDelivery Confirmation(string type, TopicRecord topic, SubscriptionRecord subscription, DeliveryPolicy policy, string message)
    {
        var id = Guid.NewGuid().ToString();
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Type"] = type,
            ["MessageId"] = id,
            ["Token"] = subscription.Token,
            ["TopicArn"] = topic.Arn,
            ["Message"] = message,
            ["SubscribeURL"] = SubscribeUrl(topic.Arn, subscription.Token).ToString(),
            ["Timestamp"] = Timestamp(clock.GetUtcNow()),
        };
        // AWS sends the subscription's ARN with an UnsubscribeConfirmation, not with a SubscriptionConfirmation.
        var headers = Headers(type, id, topic.Arn, type == "UnsubscribeConfirmation" ? subscription.Arn : null);
        return new HttpDelivery(new Uri(subscription.Endpoint), type, id, headers, Signed(topic, fields, ConfirmationSigned).ToJsonString(BodyOptions), policy);
    }

    private JsonObject Signed(TopicRecord topic, Dictionary<string, string?> fields, string[] signedNames)
    {
        var version = topic.Attributes.GetValueOrDefault("SignatureVersion") ?? "1";
        var body = new JsonObject();
        foreach (var (name, value) in fields.Where(f => f.Value is not null))
        {
            body[name] = value;
        }

        body["SignatureVersion"] = version;
        body["Signature"] = signer.Sign(SnsSigner.StringToSign(fields, signedNames), version);
        body["SigningCertURL"] = Base + signer.CertificatePath;
        return body;
    }

    private static Dictionary<string, string> Headers(string type, string messageId, string topicArn, string? subscriptionArn)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["x-amz-sns-message-type"] = type,
            ["x-amz-sns-message-id"] = messageId,
            ["x-amz-sns-topic-arn"] = topicArn,
        };
        if (subscriptionArn is not null)
        {
            headers["x-amz-sns-subscription-arn"] = subscriptionArn;
        }

        return headers;
    }

    private string Base => address.Endpoint.ToString().TrimEnd('/');

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A message as Publish accepted it: per-protocol texts when its structure is json, attributes as SNS delivers them.</summary>
internal sealed record PublishedMessage(string MessageId, string Message, string? Subject, JsonObject Attributes, DateTimeOffset Timestamp, JsonObject? PerProtocol = null)
{
    /// <summary>With MessageStructure json, the text for the protocol, else the "default" one.</summary>
    public string MessageFor(string protocol) =>
        PerProtocol?[protocol] is JsonValue specific && specific.TryGetValue<string>(out var text) ? text : Message;
}
