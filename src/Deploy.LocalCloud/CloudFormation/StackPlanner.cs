using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>
/// Compares a stack's applied resources with a new template: what a change set shows and what an update does.
/// Values only known after execution (attributes of resources being added or replaced) count as changed, Dynamic.
/// </summary>
internal sealed class StackPlanner(ResourceProviderRegistry providers, CloudFormationStore store)
{
    public List<ResourceChangeRecord> Plan(StackRecord stack, Template template, IReadOnlyDictionary<string, string> parameters)
    {
        var identity = new StackIdentity(stack.StackName, stack.StackId, store.Region, store.AccountId);
        var pending = new HashSet<string>(StringComparer.Ordinal);
        var existing = stack.Resources.Values.Where(r => r.Provisioned is not null && r.Status != StackStatus.DeleteComplete)
            .ToDictionary(r => r.LogicalId, StringComparer.Ordinal);
        var scope = new StackScope(template, parameters, identity,
            logicalId => pending.Contains(logicalId) ? null : existing.GetValueOrDefault(logicalId)?.Provisioned,
            store.Export, preview: true);
        var included = template.Resources.Values.Where(r => scope.Includes(r.Definition)).Select(r => r.LogicalId).ToHashSet(StringComparer.Ordinal);
        var changes = new List<ResourceChangeRecord>();
        foreach (var logicalId in template.CreationOrder(included))
        {
            var resource = template.Resources[logicalId];
            if (!existing.TryGetValue(logicalId, out var current) || current.Type != resource.Type)
            {
                pending.Add(logicalId);
                changes.Add(new ResourceChangeRecord("Add", logicalId, null, resource.Type, null, [], []));
                if (current is not null)
                {
                    changes.Add(new ResourceChangeRecord("Remove", logicalId, current.PhysicalId, current.Type, null, [], []));
                }

                continue;
            }

            var resolved = scope.ResolveObject(resource.Properties);
            var details = new List<ResourceChangeDetailRecord>();
            var replacement = providers.Find(resource.Type)!.ReplacementProperties;
            foreach (var name in ChangedProperties(current.Properties, resolved))
            {
                var dynamic = StackScope.IsUnknown(resolved[name]);
                var recreation = replacement.Contains(name) ? (dynamic ? "Conditionally" : "Always") : "Never";
                var causing = dynamic ? CausingEntity(resource.Properties[name], pending) : null;
                details.Add(new ResourceChangeDetailRecord("Properties", name, recreation,
                    dynamic ? "Dynamic" : "Static", dynamic ? "ResourceReference" : "DirectModification", causing));
            }

            if (details.Count == 0)
            {
                continue;
            }

            var replaced = details.Any(d => d.RequiresRecreation == "Always") ? "True"
                : details.Any(d => d.RequiresRecreation == "Conditionally") ? "Conditional" : "False";
            if (replaced != "False")
            {
                pending.Add(logicalId);
            }

            changes.Add(new ResourceChangeRecord("Modify", logicalId, current.PhysicalId, resource.Type, replaced, ["Properties"], details));
        }

        foreach (var current in existing.Values.Where(r => !included.Contains(r.LogicalId)))
        {
            changes.Add(new ResourceChangeRecord("Remove", current.LogicalId, current.PhysicalId, current.Type, null, [], []));
        }

        return changes;
    }

    /// <summary>Top-level property names whose values differ (added, removed or changed).</summary>
    public static IEnumerable<string> ChangedProperties(JsonObject before, JsonObject after) =>
        before.Select(p => p.Key).Union(after.Select(p => p.Key), StringComparer.Ordinal)
            .Where(name => !JsonNode.DeepEquals(before[name], after[name]))
            .Order(StringComparer.Ordinal);

    private static string? CausingEntity(JsonNode? raw, HashSet<string> pending)
    {
        var references = new Template.References();
        references.Collect(raw);
        return references.Attributes.Where(a => pending.Contains(a.Target)).Select(a => $"{a.Target}.{a.Attribute}")
            .Concat(references.Names.Where(pending.Contains))
            .FirstOrDefault();
    }
}
