using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>AWS::SNS::Subscription (Ref = the subscription ARN): an HTTP/S endpoint subscribed with its attributes; it
/// stays pending until the endpoint confirms, as in SNS.</summary>
internal sealed class SnsSubscriptionProvider(SnsSubscriptions subscriptions) : IResourceProvider
{
    private static readonly string[] AttributeProperties = ["RawMessageDelivery", "DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"];

    public string ResourceType => "AWS::SNS::Subscription";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "TopicArn", "Protocol", "Endpoint", "Region" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var arn = subscriptions.Subscribe(request.RequiredString("TopicArn"), request.RequiredString("Protocol"), request.String("Endpoint"), Attributes(request), returnArn: true);
        return Task.FromResult(ProvisionedResource.Of(arn, ("Arn", arn)));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var attributes = Attributes(request);
        foreach (var name in AttributeProperties.Where(n => attributes.ContainsKey(n) || previousProperties[n] is not null))
        {
            subscriptions.SetAttribute(previous.PhysicalId, name, attributes.GetValueOrDefault(name));
        }

        return Task.FromResult(ProvisionedResource.Of(previous.PhysicalId, ("Arn", previous.PhysicalId)));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        try
        {
            subscriptions.Unsubscribe(current.PhysicalId, signed: true);
        }
        catch (AwsServiceException failure) when (failure.Code == "NotFound")
        {
            // Already gone (its topic was deleted).
        }

        return Task.CompletedTask;
    }

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
}
