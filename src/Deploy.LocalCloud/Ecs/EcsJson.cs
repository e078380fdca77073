using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

/// <summary>Renders the state records in the shapes botocore's ECS model declares (nulls omitted).</summary>
internal static class EcsJson
{
    public static JsonValue Timestamp(DateTimeOffset value) => JsonValue.Create(value.ToUnixTimeMilliseconds() / 1000.0);

    private static JsonObject Object(params (string Name, JsonNode? Value)[] members)
    {
        var json = new JsonObject();
        foreach (var (name, value) in members)
        {
            if (value is not null)
            {
                json[name] = value;
            }
        }

        return json;
    }

    private static JsonValue? Time(DateTimeOffset? value) => value is { } at ? Timestamp(at) : null;

    private static JsonValue? Text(string? value) => value is null ? null : JsonValue.Create(value);

    public static JsonArray Tags(EcsState state, string arn) =>
        new([.. (state.Tags.GetValueOrDefault(arn) ?? []).Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]);

    public static JsonObject Cluster(EcsState state, ClusterRecord cluster)
    {
        var tasks = state.Tasks.Values.Where(t => t.ClusterArn == cluster.Arn && EcsStore.IsAlive(t)).ToList();
        return Object(
            ("clusterArn", cluster.Arn),
            ("clusterName", cluster.Name),
            ("status", cluster.Status),
            ("registeredContainerInstancesCount", 0),
            ("runningTasksCount", tasks.Count(t => t.LastStatus == "RUNNING")),
            ("pendingTasksCount", tasks.Count(t => t.LastStatus != "RUNNING")),
            ("activeServicesCount", state.Services.Values.Count(s => s.ClusterArn == cluster.Arn && s.Status == "ACTIVE")),
            ("statistics", new JsonArray()),
            ("tags", Tags(state, cluster.Arn)),
            ("settings", cluster.Settings?.DeepClone() ?? new JsonArray(new JsonObject { ["name"] = "containerInsights", ["value"] = "disabled" })),
            ("capacityProviders", new JsonArray()),
            ("defaultCapacityProviderStrategy", new JsonArray()));
    }

    /// <summary>What AWS fills in on RegisterTaskDefinition, so DescribeTaskDefinition shows the effective values.</summary>
    public static JsonObject WithContainerDefaults(JsonObject container, string networkMode)
    {
        var filled = container.DeepClone().AsObject();
        filled["cpu"] ??= 0;
        filled["essential"] ??= true;
        filled["environment"] ??= new JsonArray();
        filled["mountPoints"] ??= new JsonArray();
        filled["volumesFrom"] ??= new JsonArray();
        if (filled["portMappings"] is JsonArray mappings)
        {
            foreach (var mapping in mappings.OfType<JsonObject>())
            {
                mapping["protocol"] ??= "tcp";
                if (networkMode == "awsvpc" && mapping["containerPort"] is { } port)
                {
                    mapping["hostPort"] ??= port.DeepClone();
                }
            }
        }
        else
        {
            filled["portMappings"] = new JsonArray();
        }

        if (filled["healthCheck"] is JsonObject health)
        {
            health["interval"] ??= 30;
            health["timeout"] ??= 5;
            health["retries"] ??= 3;
            health["startPeriod"] ??= 0;
        }

        return filled;
    }

    public static JsonObject TaskDefinition(TaskDefinitionRecord record)
    {
        var json = record.Definition.DeepClone().AsObject();
        json["status"] = record.Status;
        if (record.DeregisteredAt is { } at)
        {
            json["deregisteredAt"] = Timestamp(at);
        }

        return json;
    }

    public static JsonObject Service(EcsState state, ServiceRecord service, bool includeTags)
    {
        var tasks = state.Tasks.Values.Where(t => t.ServiceArn == service.Arn && EcsStore.IsAlive(t) && t.DesiredStatus == "RUNNING").ToList();
        var json = Object(
            ("serviceArn", service.Arn),
            ("serviceName", service.Name),
            ("clusterArn", service.ClusterArn),
            ("loadBalancers", new JsonArray([.. service.LoadBalancers.Select(lb => (JsonNode)Object(
                ("targetGroupArn", Text(lb.TargetGroupArn)),
                ("loadBalancerName", Text(lb.LoadBalancerName)),
                ("containerName", Text(lb.ContainerName)),
                ("containerPort", lb.ContainerPort is { } p ? JsonValue.Create(p) : null)))])),
            ("serviceRegistries", new JsonArray()),
            ("status", service.Status),
            ("desiredCount", service.DesiredCount),
            ("runningCount", tasks.Count(t => t.LastStatus == "RUNNING")),
            ("pendingCount", tasks.Count(t => t.LastStatus is "PROVISIONING" or "PENDING" or "ACTIVATING")),
            ("launchType", service.LaunchType),
            ("platformVersion", Text(service.PlatformVersion)),
            ("platformFamily", service.LaunchType == "FARGATE" ? "Linux" : null),
            ("taskDefinition", service.TaskDefinitionArn),
            ("deploymentConfiguration", Object(
                ("deploymentCircuitBreaker", new JsonObject { ["enable"] = service.CircuitBreakerEnable, ["rollback"] = service.CircuitBreakerRollback }),
                ("maximumPercent", service.MaximumPercent),
                ("minimumHealthyPercent", service.MinimumHealthyPercent))),
            ("deployments", new JsonArray([.. service.Deployments.Select(d => (JsonNode)Deployment(state, service, d))])),
            ("events", new JsonArray([.. service.Events.Select(e => (JsonNode)new JsonObject { ["id"] = e.Id, ["createdAt"] = Timestamp(e.CreatedAt), ["message"] = e.Message })])),
            ("createdAt", Timestamp(service.CreatedAt)),
            ("placementConstraints", new JsonArray()),
            ("placementStrategy", new JsonArray()),
            ("networkConfiguration", service.NetworkConfiguration?.DeepClone()),
            ("healthCheckGracePeriodSeconds", service.HealthCheckGracePeriodSeconds is { } g ? JsonValue.Create(g) : null),
            ("schedulingStrategy", service.SchedulingStrategy),
            ("deploymentController", new JsonObject { ["type"] = "ECS" }),
            ("createdBy", $"arn:aws:iam::{AccountOf(service.Arn)}:user/local"),
            ("enableECSManagedTags", false),
            ("propagateTags", "NONE"),
            ("enableExecuteCommand", service.EnableExecuteCommand));
        if (includeTags)
        {
            json["tags"] = Tags(state, service.Arn);
        }

        return json;
    }

    private static string AccountOf(string arn) => arn.Split(':')[4];

    private static JsonObject Deployment(EcsState state, ServiceRecord service, DeploymentRecord deployment)
    {
        var tasks = state.Tasks.Values.Where(t => t.ServiceArn == service.Arn && t.DeploymentId == deployment.Id && EcsStore.IsAlive(t) && t.DesiredStatus == "RUNNING").ToList();
        return Object(
            ("id", deployment.Id),
            ("status", deployment.Status),
            ("taskDefinition", deployment.TaskDefinitionArn),
            ("desiredCount", deployment.DesiredCount),
            ("pendingCount", tasks.Count(t => t.LastStatus is "PROVISIONING" or "PENDING" or "ACTIVATING")),
            ("runningCount", tasks.Count(t => t.LastStatus == "RUNNING")),
            ("failedTasks", deployment.FailedTasks),
            ("createdAt", Timestamp(deployment.CreatedAt)),
            ("updatedAt", Timestamp(deployment.UpdatedAt)),
            ("launchType", service.LaunchType),
            ("platformVersion", Text(service.LaunchType == "FARGATE" ? "1.4.0" : null)),
            ("platformFamily", service.LaunchType == "FARGATE" ? "Linux" : null),
            ("networkConfiguration", service.NetworkConfiguration?.DeepClone()),
            ("rolloutState", deployment.RolloutState),
            ("rolloutStateReason", Text(deployment.RolloutStateReason)));
    }

    public static JsonObject Task(EcsState state, TaskRecord task, bool includeTags)
    {
        var json = Object(
            ("attachments", new JsonArray()),
            ("attributes", new JsonArray()),
            ("availabilityZone", $"{AccountRegion(task.Arn)}a"),
            ("clusterArn", task.ClusterArn),
            ("connectivity", task.StartedAt is null ? null : "CONNECTED"),
            ("connectivityAt", Time(task.StartedAt)),
            ("containers", new JsonArray([.. task.Containers.Select(c => (JsonNode)Container(task, c))])),
            ("cpu", task.Cpu),
            ("createdAt", Timestamp(task.CreatedAt)),
            ("desiredStatus", task.DesiredStatus),
            ("group", task.Group),
            ("healthStatus", task.HealthStatus),
            ("lastStatus", task.LastStatus),
            ("launchType", task.LaunchType),
            ("memory", task.Memory),
            ("overrides", task.Overrides?.DeepClone() ?? new JsonObject { ["containerOverrides"] = new JsonArray(), ["inferenceAcceleratorOverrides"] = new JsonArray() }),
            ("platformVersion", task.LaunchType == "FARGATE" ? "1.4.0" : null),
            ("platformFamily", task.LaunchType == "FARGATE" ? "Linux" : null),
            ("pullStartedAt", Time(task.PullStartedAt)),
            ("pullStoppedAt", Time(task.PullStoppedAt)),
            ("startedAt", Time(task.StartedAt)),
            ("startedBy", Text(task.StartedBy)),
            ("stopCode", Text(task.StopCode)),
            ("stoppedAt", Time(task.StoppedAt)),
            ("stoppedReason", Text(task.StoppedReason)),
            ("stoppingAt", Time(task.StoppingAt)),
            ("taskArn", task.Arn),
            ("taskDefinitionArn", task.TaskDefinitionArn),
            ("version", 1),
            ("enableExecuteCommand", false));
        if (includeTags)
        {
            json["tags"] = Tags(state, task.Arn);
        }

        return json;
    }

    private static string AccountRegion(string arn) => arn.Split(':')[3];

    private static JsonObject Container(TaskRecord task, TaskContainerRecord container) => Object(
        ("containerArn", container.ContainerArn),
        ("taskArn", task.Arn),
        ("name", container.Name),
        ("image", container.Image),
        ("imageDigest", Text(container.ImageDigest)),
        ("runtimeId", Text(container.DockerId)),
        ("lastStatus", container.LastStatus),
        ("exitCode", container.ExitCode is { } code ? JsonValue.Create(code) : null),
        ("reason", Text(container.Reason)),
        ("networkBindings", new JsonArray([.. container.HostPort is { } hostPort && container.ContainerPort is { } containerPort
            ? [(JsonNode)new JsonObject { ["bindIP"] = "127.0.0.1", ["containerPort"] = containerPort, ["hostPort"] = hostPort, ["protocol"] = container.Protocol }]
            : Array.Empty<JsonNode>()])),
        ("networkInterfaces", new JsonArray()),
        ("healthStatus", container.HealthStatus),
        ("cpu", "0"));
}
