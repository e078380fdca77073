using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

/// <summary>
/// ECS control plane (JSON 1.1, <c>AmazonEC2ContainerServiceV20141113</c>). Requests change ecs.json; the
/// <see cref="EcsScheduler"/> turns the desired state into Docker containers. Split by resource into partial files.
/// </summary>
internal sealed partial class EcsService : IJsonApiService
{
    private readonly EcsStore store;
    private readonly EcsScheduler scheduler;
    private readonly JsonOperations operations;

    public EcsService(EcsStore store, EcsScheduler scheduler)
    {
        this.store = store;
        this.scheduler = scheduler;
        operations = new JsonOperations()
            .Add("CreateCluster", CreateCluster)
            .Add("DescribeClusters", DescribeClusters)
            .Add("DeleteCluster", DeleteCluster)
            .Add("ListClusters", ListClusters)
            .Add("RegisterTaskDefinition", RegisterTaskDefinition)
            .Add("DescribeTaskDefinition", DescribeTaskDefinition)
            .Add("DeregisterTaskDefinition", DeregisterTaskDefinition)
            .Add("ListTaskDefinitions", ListTaskDefinitions)
            .Add("ListTaskDefinitionFamilies", ListTaskDefinitionFamilies)
            .Add("CreateService", CreateService)
            .Add("UpdateService", UpdateService)
            .Add("DescribeServices", DescribeServices)
            .Add("DeleteService", DeleteService)
            .Add("ListServices", ListServices)
            .Add("RunTask", RunTask)
            .Add("ListTasks", ListTasks)
            .Add("DescribeTasks", DescribeTasks)
            .Add("StopTask", StopTask)
            .Add("TagResource", TagResource)
            .Add("UntagResource", UntagResource)
            .Add("ListTagsForResource", ListTagsForResource);
    }

    public string TargetPrefix => "AmazonEC2ContainerServiceV20141113";

    public string SigningName => "ecs";

    public JsonObject Handle(string operation, JsonObject request) => operations.Run(operation, request);

    private JsonObject CreateCluster(JsonObject request)
    {
        var name = request.OptionalString("clusterName") ?? "default";
        var tags = ReadTags(request);
        var settings = request.OptionalArray("settings")?.DeepClone().AsArray();
        var cluster = store.Update(state =>
        {
            if (!state.Clusters.TryGetValue(name, out var existing) || existing.Status != "ACTIVE")
            {
                existing = new ClusterRecord { Name = name, Arn = store.Arn($"cluster/{name}"), Settings = settings };
                state.Clusters[name] = existing;
            }

            MergeTags(state, existing.Arn, tags);
            return existing;
        });
        return new JsonObject { ["cluster"] = store.Read(state => EcsJson.Cluster(state, cluster)) };
    }

    private JsonObject DescribeClusters(JsonObject request)
    {
        var names = request.OptionalStringList("clusters");
        var include = request.OptionalStringList("include");
        return store.Read(state =>
        {
            var clusters = new JsonArray();
            var failures = new JsonArray();
            foreach (var reference in names.Count == 0 ? ["default"] : names)
            {
                var name = EcsStore.LastSegment(reference);
                if (state.Clusters.TryGetValue(name, out var cluster))
                {
                    var json = EcsJson.Cluster(state, cluster);
                    if (!include.Contains("TAGS"))
                    {
                        json.Remove("tags");
                    }

                    clusters.Add(json);
                }
                else
                {
                    failures.Add(new JsonObject { ["arn"] = store.Arn($"cluster/{name}"), ["reason"] = "MISSING" });
                }
            }

            return new JsonObject { ["clusters"] = clusters, ["failures"] = failures };
        });
    }

    private JsonObject DeleteCluster(JsonObject request)
    {
        var reference = request.RequiredString("cluster");
        var cluster = store.Update(state =>
        {
            var cluster = EcsStore.Cluster(state, reference);
            if (state.Services.Values.Any(s => s.ClusterArn == cluster.Arn && s.Status != "INACTIVE"))
            {
                throw new AwsServiceException("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.");
            }

            if (state.Tasks.Values.Any(t => t.ClusterArn == cluster.Arn && EcsStore.IsAlive(t)))
            {
                throw new AwsServiceException("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
            }

            cluster.Status = "INACTIVE";
            return cluster;
        });
        return new JsonObject { ["cluster"] = store.Read(state => EcsJson.Cluster(state, cluster)) };
    }

    private JsonObject ListClusters(JsonObject request) => store.Read(state => new JsonObject
    {
        ["clusterArns"] = new JsonArray([.. state.Clusters.Values.Where(c => c.Status == "ACTIVE").Select(c => (JsonNode)JsonValue.Create(c.Arn))]),
    });

    private JsonObject TagResource(JsonObject request)
    {
        var arn = request.RequiredString("resourceArn");
        var tags = ReadTags(request);
        store.Update(state =>
        {
            EnsureTaggable(state, arn);
            MergeTags(state, arn, tags);
        });
        return [];
    }

    private JsonObject UntagResource(JsonObject request)
    {
        var arn = request.RequiredString("resourceArn");
        var keys = request.OptionalStringList("tagKeys");
        store.Update(state =>
        {
            EnsureTaggable(state, arn);
            if (state.Tags.TryGetValue(arn, out var tags))
            {
                foreach (var key in keys)
                {
                    tags.Remove(key);
                }
            }
        });
        return [];
    }

    private JsonObject ListTagsForResource(JsonObject request)
    {
        var arn = request.RequiredString("resourceArn");
        return store.Read(state =>
        {
            EnsureTaggable(state, arn);
            return new JsonObject { ["tags"] = EcsJson.Tags(state, arn) };
        });
    }

    private static void EnsureTaggable(EcsState state, string arn)
    {
        var known = state.Clusters.Values.Any(c => c.Arn == arn)
                    || state.Services.ContainsKey(arn)
                    || state.Tasks.ContainsKey(arn)
                    || state.TaskDefinitions.Values.SelectMany(r => r).Any(d => d.Arn == arn);
        if (!known)
        {
            throw arn.Contains(":cluster/", StringComparison.Ordinal)
                ? new AwsServiceException("ClusterNotFoundException", "Cluster not found.")
                : new AwsServiceException("InvalidParameterException", "The specified resource is not valid.");
        }
    }

    private static Dictionary<string, string> ReadTags(JsonObject request)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in request.OptionalArray("tags") ?? [])
        {
            if (tag is JsonObject pair)
            {
                tags[pair.RequiredString("key")] = pair.OptionalString("value") ?? string.Empty;
            }
        }

        return tags;
    }

    private static void MergeTags(EcsState state, string arn, Dictionary<string, string> tags)
    {
        if (tags.Count == 0)
        {
            return;
        }

        if (!state.Tags.TryGetValue(arn, out var existing))
        {
            existing = new Dictionary<string, string>(StringComparer.Ordinal);
            state.Tags[arn] = existing;
        }

        foreach (var (key, value) in tags)
        {
            existing[key] = value;
        }
    }
}
