using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>
/// SNS's HTTP/S delivery retry policy ("Amazon SNS message delivery retries"): after the first attempt, retries with no
/// delay, then at the minimum delay, then a backoff from the minimum to the maximum delay, then at the maximum delay.
/// Default: 3 retries 20 s apart. A subscription's policy wins over its topic's unless the topic disables overrides.
/// </summary>
internal sealed record DeliveryPolicy(
    int NumRetries = 3,
    int NumNoDelayRetries = 0,
    int NumMinDelayRetries = 0,
    int NumMaxDelayRetries = 0,
    int MinDelayTarget = 20,
    int MaxDelayTarget = 20,
    string BackoffFunction = "linear",
    string HeaderContentType = DeliveryPolicy.DefaultContentType)
{
    public const string DefaultContentType = "text/plain; charset=UTF-8";

    private static readonly string[] BackoffFunctions = ["linear", "arithmetic", "geometric", "exponential"];
    private static readonly string[] ContentTypes = ["text/plain", "application/json", "application/xml"];

    /// <summary>SNS keeps a message for one hour at most, whatever the policy.</summary>
    public static TimeSpan MaxMessageLifetime { get; } = TimeSpan.FromHours(1);

    /// <summary>The topic's effective policy document, as GetTopicAttributes shows it (<c>EffectiveDeliveryPolicy</c>).</summary>
    public static string EffectiveTopicPolicy(string? topicPolicy)
    {
        var http = (Parse(topicPolicy)?["http"] as JsonObject) ?? [];
        var policy = FromRetryPolicy(http["defaultHealthyRetryPolicy"] as JsonObject, (http["defaultRequestPolicy"] as JsonObject)?["headerContentType"]?.ToString());
        return new JsonObject
        {
            ["http"] = new JsonObject
            {
                ["defaultHealthyRetryPolicy"] = policy.RetryPolicyJson(),
                ["disableSubscriptionOverrides"] = Flag(http["disableSubscriptionOverrides"]),
                ["defaultRequestPolicy"] = new JsonObject { ["headerContentType"] = policy.HeaderContentType },
            },
        }.ToJsonString();
    }

    /// <summary>The subscription's effective policy document (<c>EffectiveDeliveryPolicy</c> of GetSubscriptionAttributes).</summary>
    public static string EffectiveSubscriptionPolicy(string? topicPolicy, string? subscriptionPolicy)
    {
        var policy = For(topicPolicy, subscriptionPolicy);
        return new JsonObject
        {
            ["healthyRetryPolicy"] = policy.RetryPolicyJson(),
            ["requestPolicy"] = new JsonObject { ["headerContentType"] = policy.HeaderContentType },
        }.ToJsonString();
    }

    /// <summary>The policy that applies to a subscription.</summary>
    public static DeliveryPolicy For(string? topicPolicy, string? subscriptionPolicy)
    {
        var http = (Parse(topicPolicy)?["http"] as JsonObject) ?? [];
        var topicRetry = http["defaultHealthyRetryPolicy"] as JsonObject;
        var topicType = (http["defaultRequestPolicy"] as JsonObject)?["headerContentType"]?.ToString();
        var subscription = Flag(http["disableSubscriptionOverrides"]) ? null : Parse(subscriptionPolicy);
        return FromRetryPolicy(
            subscription?["healthyRetryPolicy"] as JsonObject ?? topicRetry,
            (subscription?["requestPolicy"] as JsonObject)?["headerContentType"]?.ToString() ?? topicType);
    }

    /// <summary>Checks a topic's (<c>{"http": {...}}</c>) or a subscription's policy; throws SNS's InvalidParameter.</summary>
    public static void Validate(string json, bool forTopic)
    {
        var root = Parse(json) ?? throw Invalid("the policy is not a JSON object");
        var retry = forTopic ? (root["http"] as JsonObject)?["defaultHealthyRetryPolicy"] : root["healthyRetryPolicy"];
        var request = forTopic ? (root["http"] as JsonObject)?["defaultRequestPolicy"] : root["requestPolicy"];
        var policy = FromRetryPolicy(retry as JsonObject, (request as JsonObject)?["headerContentType"]?.ToString());
        if (policy.NumRetries is < 0 or > 100)
        {
            throw Invalid("numRetries must be 0 to 100");
        }

        if (policy.NumNoDelayRetries < 0 || policy.NumMinDelayRetries < 0 || policy.NumMaxDelayRetries < 0
            || policy.NumNoDelayRetries + policy.NumMinDelayRetries + policy.NumMaxDelayRetries > policy.NumRetries)
        {
            throw Invalid("numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries must add up to at most numRetries");
        }

        if (policy.MinDelayTarget < 1 || policy.MaxDelayTarget > 3600 || policy.MinDelayTarget > policy.MaxDelayTarget)
        {
            throw Invalid("minDelayTarget must be at least 1, at most maxDelayTarget, and maxDelayTarget at most 3600");
        }

        if (!BackoffFunctions.Contains(policy.BackoffFunction))
        {
            throw Invalid($"backoffFunction must be one of {string.Join(", ", BackoffFunctions)}");
        }

        if (!ContentTypes.Any(t => policy.HeaderContentType.StartsWith(t, StringComparison.OrdinalIgnoreCase)))
        {
            throw Invalid($"headerContentType must be one of {string.Join(", ", ContentTypes)} (with an optional charset)");
        }
    }

    /// <summary>The delay before each retry, in order (the first attempt is not delayed).</summary>
    public IReadOnlyList<TimeSpan> RetryDelays()
    {
        var backoff = Math.Max(0, NumRetries - NumNoDelayRetries - NumMinDelayRetries - NumMaxDelayRetries);
        var delays = new List<double>();
        delays.AddRange(Enumerable.Repeat(0.0, NumNoDelayRetries));
        delays.AddRange(Enumerable.Repeat((double)MinDelayTarget, NumMinDelayRetries));
        for (var i = 0; i < backoff; i++)
        {
            var t = backoff == 1 ? 0 : i / (double)(backoff - 1);
            delays.Add(MinDelayTarget + ((MaxDelayTarget - MinDelayTarget) * Curve(t)));
        }

        delays.AddRange(Enumerable.Repeat((double)MaxDelayTarget, NumMaxDelayRetries));
        return [.. delays.Select(TimeSpan.FromSeconds)];
    }

    /// <summary>
    /// Where a backoff retry falls between the minimum and the maximum delay. Linear is AWS's documented default (20, 30,
    /// 40 s for 3 retries from 20 to 40); AWS shows the other three only as curves, rising ever more steeply.
    /// </summary>
    private double Curve(double t) => BackoffFunction switch
    {
        "arithmetic" => t * t,
        "geometric" => t * t * t,
        "exponential" => MinDelayTarget == MaxDelayTarget ? t : (Math.Pow(MaxDelayTarget / (double)MinDelayTarget, t) - 1) / ((MaxDelayTarget / (double)MinDelayTarget) - 1),
        _ => t,
    };

    private JsonObject RetryPolicyJson() => new()
    {
        ["minDelayTarget"] = MinDelayTarget,
        ["maxDelayTarget"] = MaxDelayTarget,
        ["numRetries"] = NumRetries,
        ["numMaxDelayRetries"] = NumMaxDelayRetries,
        ["numNoDelayRetries"] = NumNoDelayRetries,
        ["numMinDelayRetries"] = NumMinDelayRetries,
        ["backoffFunction"] = BackoffFunction,
    };

    private static DeliveryPolicy FromRetryPolicy(JsonObject? retry, string? contentType)
    {
        var defaults = new DeliveryPolicy();
        int Number(string name, int fallback) => retry?[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : fallback;
        return defaults with
        {
            NumRetries = Number("numRetries", defaults.NumRetries),
            NumNoDelayRetries = Number("numNoDelayRetries", defaults.NumNoDelayRetries),
            NumMinDelayRetries = Number("numMinDelayRetries", defaults.NumMinDelayRetries),
            NumMaxDelayRetries = Number("numMaxDelayRetries", defaults.NumMaxDelayRetries),
            MinDelayTarget = Number("minDelayTarget", defaults.MinDelayTarget),
            MaxDelayTarget = Number("maxDelayTarget", defaults.MaxDelayTarget),
            BackoffFunction = retry?["backoffFunction"]?.ToString() ?? defaults.BackoffFunction,
            HeaderContentType = contentType ?? defaults.HeaderContentType,
        };
    }

    private static bool Flag(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    private static JsonObject? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static AwsServiceException Invalid(string reason) => new("InvalidParameter", $"Invalid parameter: DeliveryPolicy: {reason}");
}
