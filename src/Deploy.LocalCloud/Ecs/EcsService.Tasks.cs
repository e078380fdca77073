using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

internal sealed partial class EcsService
{
    private JsonObject RunTask(JsonObject request)
    {
        var reference = request.RequiredString("taskDefinition");
        var count = request.OptionalInt("count") ?? 1;
        if (count is < 1 or > 10)
        {
            throw new AwsServiceException("InvalidParameterException", "count must be between 1 and 10.");
        }

        var launchType = request.OptionalString("launchType") ?? "FARGATE";
        var tags = ReadTags(request);
        var tasks = store.Update(state =>
        {
            var cluster = EcsStore.Cluster(state, request.OptionalString("cluster"));
            var definition = ActiveTaskDefinition(state, reference);
            var created = new List<TaskRecord>();
            for (var i = 0; i < count; i++)
            {
                var task = TaskFactory.Create(store, cluster, definition, request.OptionalString("group") ?? $"family:{definition.Family}",
                    request.OptionalString("startedBy"), null, null, launchType, request.OptionalObject("overrides"));
                state.Tasks[task.Arn] = task;
                MergeTags(state, task.Arn, tags);
                created.Add(task);
            }

            return created;
        });
        foreach (var task in tasks)
        {
            scheduler.Launch(task.Arn);
        }

        return store.Read(state => new JsonObject
        {
            ["tasks"] = new JsonArray([.. tasks.Select(t => (JsonNode)EcsJson.Task(state, state.Tasks[t.Arn], includeTags: false))]),
            ["failures"] = new JsonArray(),
        });
    }

    private JsonObject ListTasks(JsonObject request) => store.Read(state =>
    {
        var cluster = EcsStore.Cluster(state, request.OptionalString("cluster"));
        var serviceName = request.OptionalString("serviceName");
        var family = request.OptionalString("family");
        var desired = request.OptionalString("desiredStatus") ?? "RUNNING";
        var startedBy = request.OptionalString("startedBy");
        var serviceArn = serviceName is null ? null : store.Arn($"service/{cluster.Name}/{EcsStore.LastSegment(serviceName)}");
        if (serviceArn is not null && !state.Services.ContainsKey(serviceArn))
        {
            throw new AwsServiceException("ServiceNotFoundException", "Service not found.");
        }

        var arns = state.Tasks.Values
            .Where(t => t.ClusterArn == cluster.Arn
                        && t.DesiredStatus == desired
                        && (serviceArn is null || t.ServiceArn == serviceArn)
                        && (family is null || t.Group == $"family:{family}" || EcsStore.LastSegment(t.TaskDefinitionArn).StartsWith(family + ":", StringComparison.Ordinal))
                        && (startedBy is null || t.StartedBy == startedBy))
            .OrderBy(t => t.CreatedAt)
            .Select(t => t.Arn);
        return EcsPages.Page(arns, request, "taskArns");
    });

    private JsonObject DescribeTasks(JsonObject request)
    {
        var references = request.OptionalStringList("tasks");
        if (references.Count == 0)
        {
            throw new AwsServiceException("InvalidParameterException", "Tasks cannot be empty.");
        }

        var includeTags = request.OptionalStringList("include").Contains("TAGS");
        return store.Read(state =>
        {
            var cluster = EcsStore.Cluster(state, request.OptionalString("cluster"));
            var tasks = new JsonArray();
            var failures = new JsonArray();
            foreach (var reference in references)
            {
                var arn = store.Arn($"task/{cluster.Name}/{EcsStore.LastSegment(reference)}");
                if (state.Tasks.TryGetValue(arn, out var task))
                {
                    tasks.Add(EcsJson.Task(state, task, includeTags));
                }
                else
                {
                    failures.Add(new JsonObject { ["arn"] = reference.StartsWith("arn:", StringComparison.Ordinal) ? reference : arn, ["reason"] = "MISSING" });
                }
            }

            return new JsonObject { ["tasks"] = tasks, ["failures"] = failures };
        });
    }

    private JsonObject StopTask(JsonObject request)
    {
        var reference = request.RequiredString("task");
        var reason = request.OptionalString("reason") ?? "Task stopped by user";
        var arn = store.Read(state =>
        {
            var cluster = EcsStore.Cluster(state, request.OptionalString("cluster"));
            var arn = store.Arn($"task/{cluster.Name}/{EcsStore.LastSegment(reference)}");
            return state.Tasks.ContainsKey(arn) ? arn : throw new AwsServiceException("InvalidParameterException", "The referenced task was not found.");
        });
        scheduler.RequestStop(arn, reason, "UserInitiated");
        return store.Read(state => new JsonObject { ["task"] = EcsJson.Task(state, state.Tasks[arn], includeTags: false) });
    }
}
