using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>A message attribute as Publish received it (DataType and a string or base64 binary value).</summary>
internal sealed record MessageAttribute(string Name, string DataType, string Value);

/// <summary>
/// Publish: checks the message as SNS does (size, subject, json structure, attributes) and hands one signed Notification per
/// confirmed subscription to the delivery engine. Pending subscriptions get nothing, as in SNS.
/// </summary>
internal sealed class SnsPublisher(SnsStore store, SnsMessages messages, SnsDelivery delivery, TimeProvider clock)
{
    private const int MaxMessageBytes = 256 * 1024;

    /// <summary>Publishes to the topic; returns the MessageId.</summary>
    public string Publish(string topicArn, string message, string? subject = null, string? structure = null, IReadOnlyList<MessageAttribute>? attributes = null)
    {
        var published = Accept(message, subject, structure, attributes ?? []);
        var deliveries = store.Read(state =>
        {
            var topic = SnsStore.Topic(state, topicArn);
            return state.Subscriptions.Values
                .Where(s => s.TopicArn == topicArn && !s.PendingConfirmation)
                .Select(s => messages.Notification(topic, s, published, SnsSubscriptions.Policy(topic, s)))
                .ToList();
        });
        foreach (var item in deliveries)
        {
            delivery.Send(item);
        }

        return published.MessageId;
    }

    private PublishedMessage Accept(string message, string? subject, string? structure, IReadOnlyList<MessageAttribute> attributes)
    {
        if (message.Length == 0)
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: Empty message");
        }

        var size = Encoding.UTF8.GetByteCount(message) + attributes.Sum(a => Encoding.UTF8.GetByteCount(a.Name + a.DataType + a.Value));
        if (size > MaxMessageBytes)
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: Message too long");
        }

        if (subject is not null && (subject.Length is 0 or > 100 || subject.Any(c => c is '\n' or '\r' || char.IsControl(c) || c > '~')))
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: Subject");
        }

        JsonObject? perProtocol = null;
        var text = message;
        if (structure is not null)
        {
            if (structure != "json")
            {
                throw new AwsServiceException("InvalidParameter", "Invalid parameter: MessageStructure");
            }

            perProtocol = ParseStructure(message);
            text = perProtocol["default"] is JsonValue value && value.TryGetValue<string>(out var fallback)
                ? fallback
                : throw new AwsServiceException("InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body");
        }

        var delivered = new JsonObject();
        foreach (var attribute in attributes)
        {
            ValidateAttribute(attribute);
            delivered[attribute.Name] = new JsonObject { ["Type"] = attribute.DataType, ["Value"] = attribute.Value };
        }

        return new PublishedMessage(Guid.NewGuid().ToString(), text, subject, delivered, clock.GetUtcNow(), perProtocol);
    }

    private static JsonObject ParseStructure(string message)
    {
        try
        {
            return JsonNode.Parse(message) as JsonObject
                   ?? throw new AwsServiceException("InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse");
        }
        catch (JsonException)
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse");
        }
    }

    private static void ValidateAttribute(MessageAttribute attribute)
    {
        var type = attribute.DataType.Split('.', 2)[0];
        if (attribute.Name.Length is 0 or > 256 || attribute.Name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase)
            || attribute.Name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase))
        {
            throw new AwsServiceException("InvalidParameterValue", $"The message attribute name '{attribute.Name}' is invalid.");
        }

        if (type is not ("String" or "Number" or "Binary"))
        {
            throw new AwsServiceException("InvalidParameterValue", $"The message attribute '{attribute.Name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
        }

        if (attribute.Value.Length == 0)
        {
            throw new AwsServiceException("InvalidParameterValue", $"The message attribute '{attribute.Name}' must contain non-empty message attribute value for message attribute type '{type}'.");
        }
    }
}
