using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

internal sealed partial class EcsService
{
    /// <summary>Request members that are not part of the TaskDefinition AWS returns.</summary>
    private static readonly string[] NotStoredMembers = ["tags"];

    private JsonObject RegisterTaskDefinition(JsonObject request)
    {
        var family = request.RequiredString("family");
        var containers = request.OptionalArray("containerDefinitions") ?? throw AwsServiceException.Validation("containerDefinitions");
        var taskMemory = request.OptionalString("memory");
        var definition = request.DeepClone().AsObject();
        foreach (var member in NotStoredMembers)
        {
            definition.Remove(member);
        }

        var filled = new JsonArray();
        foreach (var node in containers)
        {
            if (node is not JsonObject container)
            {
                throw new AwsServiceException("SerializationException", "containerDefinitions must hold objects");
            }

            var name = container.OptionalString("name");
            if (string.IsNullOrEmpty(name))
            {
                throw new AwsServiceException("ClientException", "Container.name should not be null or empty.");
            }

            if (string.IsNullOrEmpty(container.OptionalString("image")))
            {
                throw new AwsServiceException("ClientException", "Container.image should not be null or empty.");
            }

            if (taskMemory is null && container.OptionalInt("memory") is null && container.OptionalInt("memoryReservation") is null)
            {
                throw new AwsServiceException("ClientException", $"Invalid setting for container '{name}'. At least one of 'memory' or 'memoryReservation' must be specified.");
            }

            filled.Add(EcsJson.WithContainerDefaults(container, request.OptionalString("networkMode") ?? "awsvpc"));
        }

        definition["containerDefinitions"] = filled;
        definition["networkMode"] ??= "awsvpc";
        definition["volumes"] ??= new JsonArray();
        definition["placementConstraints"] ??= new JsonArray();
        definition["compatibilities"] = new JsonArray("EC2", "FARGATE");
        definition["requiresAttributes"] = new JsonArray();
        var tags = ReadTags(request);
        var now = store.Now;
        var record = store.Update(state =>
        {
            if (!state.TaskDefinitions.TryGetValue(family, out var revisions))
            {
                revisions = [];
                state.TaskDefinitions[family] = revisions;
            }

            var revision = revisions.Count + 1;
            var arn = store.Arn($"task-definition/{family}:{revision}");
            var stored = definition.DeepClone().AsObject();
            stored["taskDefinitionArn"] = arn;
            stored["revision"] = revision;
            stored["status"] = "ACTIVE";
            stored["registeredAt"] = EcsJson.Timestamp(now);
            stored["registeredBy"] = $"arn:aws:iam::{store.Options.AccountId}:user/local";
            var created = new TaskDefinitionRecord { Arn = arn, Family = family, Revision = revision, RegisteredAt = now, Definition = stored };
            revisions.Add(created);
            MergeTags(state, arn, tags);
            return created;
        });
        return store.Read(state => new JsonObject
        {
            ["taskDefinition"] = record.Definition.DeepClone(),
            ["tags"] = EcsJson.Tags(state, record.Arn),
        });
    }

    private JsonObject DescribeTaskDefinition(JsonObject request)
    {
        var reference = request.RequiredString("taskDefinition");
        var include = request.OptionalStringList("include");
        return store.Read(state =>
        {
            var definition = EcsStore.TaskDefinition(state, reference);
            var response = new JsonObject { ["taskDefinition"] = EcsJson.TaskDefinition(definition) };
            if (include.Contains("TAGS"))
            {
                response["tags"] = EcsJson.Tags(state, definition.Arn);
            }

            return response;
        });
    }

    private JsonObject DeregisterTaskDefinition(JsonObject request)
    {
        var reference = request.RequiredString("taskDefinition");
        if (!EcsStore.LastSegment(reference).Contains(':', StringComparison.Ordinal))
        {
            throw new AwsServiceException("ClientException", "Revision is missing.");
        }

        var now = store.Now;
        var definition = store.Update(state =>
        {
            var definition = EcsStore.TaskDefinition(state, reference);
            if (definition.Status == "ACTIVE")
            {
                definition.Status = "INACTIVE";
                definition.DeregisteredAt = now;
            }

            return definition;
        });
        return new JsonObject { ["taskDefinition"] = EcsJson.TaskDefinition(definition) };
    }

    private JsonObject ListTaskDefinitions(JsonObject request)
    {
        var prefix = request.OptionalString("familyPrefix");
        var status = request.OptionalString("status") ?? "ACTIVE";
        var descending = request.OptionalString("sort") == "DESC";
        return store.Read(state =>
        {
            var arns = state.TaskDefinitions
                .Where(f => prefix is null || f.Key == prefix)
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .SelectMany(f => f.Value)
                .Where(d => status == "ALL" || d.Status == status)
                .Select(d => d.Arn);
            if (descending)
            {
                arns = arns.Reverse();
            }

            return EcsPages.Page(arns, request, "taskDefinitionArns");
        });
    }

    private JsonObject ListTaskDefinitionFamilies(JsonObject request)
    {
        var prefix = request.OptionalString("familyPrefix");
        var status = request.OptionalString("status") ?? "ACTIVE";
        return store.Read(state => EcsPages.Page(
            state.TaskDefinitions
                .Where(f => (prefix is null || f.Key.StartsWith(prefix, StringComparison.Ordinal))
                            && (status == "ALL" || (status == "ACTIVE" ? f.Value.Any(d => d.Status == "ACTIVE") : f.Value.All(d => d.Status == "INACTIVE"))))
                .Select(f => f.Key),
            request,
            "families"));
    }
}
