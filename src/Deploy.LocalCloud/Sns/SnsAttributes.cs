using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>
/// Topic and subscription attributes: which names may be set and with what values (SNS's InvalidParameter otherwise), and
/// what Get*Attributes shows. KMS and delivery-status logging settings are recorded, not applied.
/// </summary>
internal static class SnsAttributes
{
    /// <summary>Topic attributes that are stored and returned as given (the ones below are checked first).</summary>
    private static readonly HashSet<string> RecordedTopicAttributes = new(StringComparer.Ordinal)
    {
        "KmsMasterKeyId", "DataProtectionPolicy", "ArchivePolicy",
        "ApplicationSuccessFeedbackRoleArn", "ApplicationSuccessFeedbackSampleRate", "ApplicationFailureFeedbackRoleArn",
        "HTTPSuccessFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate", "HTTPFailureFeedbackRoleArn",
        "LambdaSuccessFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate", "LambdaFailureFeedbackRoleArn",
        "FirehoseSuccessFeedbackRoleArn", "FirehoseSuccessFeedbackSampleRate", "FirehoseFailureFeedbackRoleArn",
        "SQSSuccessFeedbackRoleArn", "SQSSuccessFeedbackSampleRate", "SQSFailureFeedbackRoleArn",
    };

    /// <summary>Topic attributes whose values are checked (<see cref="ValidateTopicAttribute"/>).</summary>
    private static readonly HashSet<string> CheckedTopicAttributes = new(StringComparer.Ordinal)
    {
        "Policy", "DeliveryPolicy", "DisplayName", "SignatureVersion", "TracingConfig", "FifoTopic", "ContentBasedDeduplication", "FifoThroughputScope",
    };

    /// <summary>Whether SetTopicAttributes knows the name (else SNS answers InvalidParameter: AttributeName).</summary>
    public static void RequireTopicAttributeName(string name)
    {
        if (!CheckedTopicAttributes.Contains(name) && !RecordedTopicAttributes.Contains(name))
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: AttributeName");
        }
    }

    /// <summary>AWS's default topic policy: the owning account may do everything on the topic.</summary>
    public static string DefaultPolicy(string topicArn, string account) => new JsonObject
    {
        ["Version"] = "2008-10-17",
        ["Id"] = "__default_policy_ID",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Sid"] = "__default_statement_ID",
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["AWS"] = "*" },
            ["Action"] = new JsonArray(
                "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"),
            ["Resource"] = topicArn,
            ["Condition"] = new JsonObject { ["StringEquals"] = new JsonObject { ["AWS:SourceOwner"] = account } },
        }),
    }.ToJsonString();

    /// <summary>Checks one topic attribute as SetTopicAttributes (and CreateTopic's Attributes) would.</summary>
    public static void ValidateTopicAttribute(string name, string value)
    {
        RequireTopicAttributeName(name);
        switch (name)
        {
            case "Policy":
                RequireJsonObject(name, value);
                break;
            case "DeliveryPolicy":
                DeliveryPolicy.Validate(value, forTopic: true);
                break;
            case "DisplayName" when value.Length > 100:
                throw Invalid("DisplayName", "the display name is limited to 100 characters");
            case "DisplayName":
                break;
            case "SignatureVersion" when value is not ("1" or "2"):
                throw Invalid("SignatureVersion", "must be 1 (SHA1withRSA) or 2 (SHA256withRSA)");
            case "SignatureVersion":
                break;
            case "TracingConfig" when value is not ("PassThrough" or "Active"):
                throw Invalid("TracingConfig", "must be PassThrough or Active");
            case "TracingConfig":
                break;
            case "FifoTopic" when !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase):
                throw Invalid("FifoTopic", "the local cloud has standard topics only");
            case "FifoTopic":
                break;
            case "ContentBasedDeduplication" when value != "false":
                throw Invalid(name, "only FIFO topics have it, and the local cloud has standard topics only");
            case "FifoThroughputScope":
                throw Invalid(name, "only FIFO topics have it, and the local cloud has standard topics only");
            default:
                break; // recorded as given
        }
    }

    /// <summary>What GetTopicAttributes answers.</summary>
    public static Dictionary<string, string> TopicView(TopicRecord topic, IEnumerable<SubscriptionRecord> subscriptions, string account)
    {
        var list = subscriptions.ToList();
        var view = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Policy"] = topic.Attributes.GetValueOrDefault("Policy") ?? DefaultPolicy(topic.Arn, account),
            ["Owner"] = account,
            ["SubscriptionsPending"] = Count(list.Count(s => s.PendingConfirmation)),
            ["TopicArn"] = topic.Arn,
            ["EffectiveDeliveryPolicy"] = DeliveryPolicy.EffectiveTopicPolicy(topic.Attributes.GetValueOrDefault("DeliveryPolicy")),
            ["SubscriptionsConfirmed"] = Count(list.Count(s => !s.PendingConfirmation)),
            ["DisplayName"] = topic.Attributes.GetValueOrDefault("DisplayName") ?? string.Empty,
            ["SubscriptionsDeleted"] = Count(topic.SubscriptionsDeleted),
        };
        foreach (var (name, value) in topic.Attributes.Where(a => !view.ContainsKey(a.Key)))
        {
            view[name] = value;
        }

        return view;
    }

    /// <summary>Checks one subscription attribute as SetSubscriptionAttributes (and Subscribe's Attributes) would.</summary>
    public static void ValidateSubscriptionAttribute(string name, string value)
    {
        switch (name)
        {
            case "RawMessageDelivery" when value is not ("true" or "false"):
                throw Invalid("RawMessageDelivery", "must be true or false");
            case "RawMessageDelivery":
                break;
            case "DeliveryPolicy":
                DeliveryPolicy.Validate(value, forTopic: false);
                break;
            case "FilterPolicy" or "FilterPolicyScope":
                throw Invalid(name, "subscription filter policies are not supported by the local cloud (every message is delivered)");
            case "RedrivePolicy":
                throw Invalid(name, "dead-letter queues need SQS, which the local cloud does not have");
            case "SubscriptionRoleArn":
                throw Invalid(name, "only Firehose subscriptions have a role, and the local cloud delivers to http and https only");
            default:
                throw new AwsServiceException("InvalidParameter", "Invalid parameter: AttributeName");
        }
    }

    /// <summary>What GetSubscriptionAttributes answers.</summary>
    public static Dictionary<string, string> SubscriptionView(SubscriptionRecord subscription, TopicRecord? topic)
    {
        var view = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConfirmationWasAuthenticated"] = Flag(subscription.ConfirmationWasAuthenticated),
            ["PendingConfirmation"] = Flag(subscription.PendingConfirmation),
            ["Owner"] = subscription.Owner,
            ["RawMessageDelivery"] = subscription.Attributes.GetValueOrDefault("RawMessageDelivery") ?? "false",
            ["TopicArn"] = subscription.TopicArn,
            ["Endpoint"] = subscription.Endpoint,
            ["Protocol"] = subscription.Protocol,
            ["SubscriptionArn"] = subscription.Arn,
            ["EffectiveDeliveryPolicy"] = DeliveryPolicy.EffectiveSubscriptionPolicy(
                topic?.Attributes.GetValueOrDefault("DeliveryPolicy"), subscription.Attributes.GetValueOrDefault("DeliveryPolicy")),
        };
        if (subscription.Attributes.GetValueOrDefault("DeliveryPolicy") is { } policy)
        {
            view["DeliveryPolicy"] = policy;
        }

        return view;
    }

    private static void RequireJsonObject(string name, string value)
    {
        try
        {
            if (JsonNode.Parse(value) is JsonObject)
            {
                return;
            }
        }
        catch (JsonException)
        {
        }

        throw Invalid(name, "the value is not a JSON object");
    }

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static string Flag(bool value) => value ? "true" : "false";

    private static AwsServiceException Invalid(string name, string reason) => new("InvalidParameter", $"Invalid parameter: {name} Reason: {reason}");
}
