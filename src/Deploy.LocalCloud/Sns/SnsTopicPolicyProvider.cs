using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>
/// AWS::SNS::TopicPolicy: sets the document as the Policy attribute of each listed topic (stored, not evaluated: IAM is not
/// enforced by the local cloud); removing a topic from the list, or the resource, gives the topic its default policy back.
/// Ref is a generated id, as CloudFormation's.
/// </summary>
internal sealed class SnsTopicPolicyProvider(SnsTopics topics) : IResourceProvider
{
    public string ResourceType => "AWS::SNS::TopicPolicy";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal);

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Id" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        Apply(request, previousTopics: []);
        var id = request.PhysicalName(128);
        return Task.FromResult(ProvisionedResource.Of(id, ("Id", id)));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        Apply(request, TopicArns(previousProperties));
        return Task.FromResult(ProvisionedResource.Of(previous.PhysicalId, ("Id", previous.PhysicalId)));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        Reset(TopicArns(request.Properties));
        return Task.CompletedTask;
    }

    private void Apply(ResourceRequest request, List<string> previousTopics)
    {
        var document = request.Properties["PolicyDocument"] switch
        {
            JsonValue text when text.TryGetValue<string>(out var literal) => literal,
            JsonObject policy => policy.ToJsonString(),
            _ => throw new ResourceProviderException("Property validation failure: [The property {/PolicyDocument} is required]"),
        };
        var arns = TopicArns(request.Properties);
        if (arns.Count == 0)
        {
            throw new ResourceProviderException("Property validation failure: [The property {/Topics} is required]");
        }

        Reset(previousTopics.Except(arns, StringComparer.Ordinal));
        foreach (var arn in arns)
        {
            topics.SetAttribute(arn, "Policy", document);
        }
    }

    private void Reset(IEnumerable<string> arns)
    {
        foreach (var arn in arns)
        {
            try
            {
                topics.SetAttribute(arn, "Policy", null);
            }
            catch (AwsServiceException failure) when (failure.Code == "NotFound")
            {
                // The topic is gone already.
            }
        }
    }

    private static List<string> TopicArns(JsonObject properties) =>
        [.. (properties["Topics"] as JsonArray ?? []).Select(t => t?.ToString() ?? string.Empty)];
}
