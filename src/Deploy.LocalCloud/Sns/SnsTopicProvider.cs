using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>AWS::SNS::Topic (Ref = the topic ARN): attributes, tags and inline Subscription entries, through the SNS engine.</summary>
internal sealed class SnsTopicProvider(SnsTopics topics, SnsSubscriptions subscriptions) : IResourceProvider
{
    /// <summary>Template properties that are topic attributes of the same name (documents are passed as JSON text).</summary>
    private static readonly string[] AttributeProperties =
        ["DisplayName", "KmsMasterKeyId", "SignatureVersion", "TracingConfig", "DeliveryPolicy", "DataProtectionPolicy", "ArchivePolicy", "ContentBasedDeduplication"];

    public string ResourceType => "AWS::SNS::Topic";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "TopicName", "FifoTopic" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "TopicArn", "TopicName" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var name = request.String("TopicName") ?? request.PhysicalName(256);
        var attributes = Attributes(request);
        if (request.String("FifoTopic") is { } fifo)
        {
            attributes["FifoTopic"] = fifo.ToLowerInvariant();
        }

        var arn = topics.Create(name, attributes, Tags(request.Properties));
        try
        {
            Subscribe(arn, request.Properties, []);
        }
        catch (AwsServiceException)
        {
            topics.Delete(arn);
            throw;
        }

        return Task.FromResult(Result(arn, name));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var arn = previous.PhysicalId;
        var attributes = Attributes(request);
        foreach (var name in AttributeProperties)
        {
            topics.SetAttribute(arn, name, attributes.GetValueOrDefault(name));
        }

        var tags = Tags(request.Properties);
        topics.Untag(arn, Tags(previousProperties).Keys.Where(k => !tags.ContainsKey(k)));
        topics.Tag(arn, tags);
        Subscribe(arn, request.Properties, Entries(previousProperties));
        return Task.FromResult(Result(arn, arn[(arn.LastIndexOf(':') + 1)..]));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        topics.Delete(current.PhysicalId);
        return Task.CompletedTask;
    }

    /// <summary>Subscribes the Subscription entries that are new, and unsubscribes the ones no longer listed.</summary>
    private void Subscribe(string arn, JsonObject properties, List<(string Protocol, string Endpoint)> before)
    {
        var wanted = Entries(properties);
        var (existing, _) = subscriptions.List(arn, null);
        foreach (var gone in before.Except(wanted))
        {
            foreach (var subscription in existing.Where(s => s.Protocol == gone.Protocol && s.Endpoint == gone.Endpoint))
            {
                subscriptions.Unsubscribe(subscription.Arn, signed: true);
            }
        }

        foreach (var (protocol, endpoint) in wanted.Except(before))
        {
            subscriptions.Subscribe(arn, protocol, endpoint, new Dictionary<string, string>(), returnArn: true);
        }
    }

    private static List<(string Protocol, string Endpoint)> Entries(JsonObject properties) =>
        [.. (properties["Subscription"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => (s["Protocol"]?.ToString() ?? string.Empty, s["Endpoint"]?.ToString() ?? string.Empty))];

    private static Dictionary<string, string> Attributes(ResourceRequest request)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in AttributeProperties)
        {
            if (request.String(name) is { } value)
            {
                attributes[name] = request.Properties[name] is JsonValue v && v.TryGetValue<bool>(out var flag) ? (flag ? "true" : "false") : value;
            }
        }

        return attributes;
    }

    private static Dictionary<string, string> Tags(JsonObject properties) =>
        (properties["Tags"] as JsonArray ?? []).OfType<JsonObject>()
            .ToDictionary(t => t["Key"]?.ToString() ?? string.Empty, t => t["Value"]?.ToString() ?? string.Empty, StringComparer.Ordinal);

    private static ProvisionedResource Result(string arn, string name) => ProvisionedResource.Of(arn, ("TopicArn", arn), ("TopicName", name));
}
