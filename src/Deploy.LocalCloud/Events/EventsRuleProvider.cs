using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.CloudFormation.Providers;

namespace Deploy.LocalCloud.Events;

/// <summary>AWS::Events::Rule with its Targets, through the EventBridge service (Ref = rule name).</summary>
internal sealed class EventsRuleProvider(JsonServiceCalls calls) : IResourceProvider
{
    private const string Events = "AWSEvents";

    public string ResourceType => "AWS::Events::Rule";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "Name", "EventBusName" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var name = request.String("Name") ?? request.PhysicalName(64);
        return Task.FromResult(Put(request, name, previousTargets: []));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var before = (previousProperties["Targets"] as JsonArray ?? []).Select(t => t!["Id"]!.GetValue<string>()).ToList();
        return Task.FromResult(Put(request, previous.PhysicalId, before));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        var targets = new JsonArray();
        try
        {
            targets = calls.Call(Events, "ListTargetsByRule", new JsonObject { ["Rule"] = current.PhysicalId })["Targets"]!.AsArray();
        }
        catch (Protocols.AwsServiceException failure) when (failure.Code == "ResourceNotFoundException")
        {
            return Task.CompletedTask;
        }

        if (targets.Count > 0)
        {
            calls.Call(Events, "RemoveTargets", new JsonObject
            {
                ["Rule"] = current.PhysicalId,
                ["Ids"] = new JsonArray(targets.Select(t => (JsonNode?)t!["Id"]!.DeepClone()).ToArray()),
            });
        }

        calls.Delete(Events, "DeleteRule", new JsonObject { ["Name"] = current.PhysicalId });
        return Task.CompletedTask;
    }

    private ProvisionedResource Put(ResourceRequest request, string name, List<string> previousTargets)
    {
        var rule = new JsonObject { ["Name"] = name, ["State"] = request.String("State") ?? "ENABLED" };
        foreach (var member in new[] { "Description", "ScheduleExpression", "RoleArn" })
        {
            if (request.String(member) is { } value)
            {
                rule[member] = value;
            }
        }

        if (request.Properties["EventPattern"] is { } pattern)
        {
            rule["EventPattern"] = pattern is JsonValue text && text.TryGetValue<string>(out var literal) ? literal : pattern.ToJsonString();
        }

        var arn = calls.Call(Events, "PutRule", rule)["RuleArn"]!.GetValue<string>();
        var targets = request.Properties["Targets"] as JsonArray ?? [];
        var ids = targets.Select(t => t!["Id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var stale = previousTargets.Where(id => !ids.Contains(id)).ToList();
        if (stale.Count > 0)
        {
            calls.Call(Events, "RemoveTargets", new JsonObject { ["Rule"] = name, ["Ids"] = new JsonArray(stale.Select(s => (JsonNode?)s).ToArray()) });
        }

        if (targets.Count > 0)
        {
            calls.Call(Events, "PutTargets", new JsonObject { ["Rule"] = name, ["Targets"] = targets.DeepClone() });
        }

        return ProvisionedResource.Of(name, ("Arn", arn));
    }
}
