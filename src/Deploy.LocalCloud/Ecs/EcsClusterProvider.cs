using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.CloudFormation.Providers;

namespace Deploy.LocalCloud.Ecs;

/// <summary>AWS::ECS::Cluster through the ECS API (name, tags, settings). Ref = cluster name.</summary>
internal sealed class EcsClusterProvider(JsonServiceCalls calls) : IResourceProvider
{
    private const string Ecs = "AmazonEC2ContainerServiceV20141113";

    public string ResourceType => "AWS::ECS::Cluster";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "ClusterName" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Apply(request.String("ClusterName") ?? request.PhysicalName(255), request));

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken) =>
        Task.FromResult(Apply(previous.PhysicalId, request));

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        calls.Delete(Ecs, "DeleteCluster", new JsonObject { ["cluster"] = current.PhysicalId });
        return Task.CompletedTask;
    }

    private ProvisionedResource Apply(string name, ResourceRequest request)
    {
        var create = new JsonObject { ["clusterName"] = name };
        if (request.Properties["Tags"] is JsonArray tags)
        {
            create["tags"] = new JsonArray([.. tags.OfType<JsonObject>().Select(t => (JsonNode)new JsonObject { ["key"] = t["Key"]?.DeepClone(), ["value"] = t["Value"]?.DeepClone() })]);
        }

        if (request.Properties["ClusterSettings"] is JsonArray settings)
        {
            create["settings"] = new JsonArray([.. settings.OfType<JsonObject>().Select(s => (JsonNode)new JsonObject { ["name"] = s["Name"]?.DeepClone(), ["value"] = s["Value"]?.DeepClone() })]);
        }

        var cluster = calls.Call(Ecs, "CreateCluster", create);
        return ProvisionedResource.Of(name, ("Arn", cluster["cluster"]!["clusterArn"]!.DeepClone()));
    }
}
