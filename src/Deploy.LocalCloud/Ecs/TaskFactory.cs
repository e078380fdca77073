using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

/// <summary>Makes a PROVISIONING task record from a task definition (the scheduler then launches it).</summary>
internal static class TaskFactory
{
    public static TaskRecord Create(EcsStore store, ClusterRecord cluster, TaskDefinitionRecord definition, string group, string? startedBy,
        string? serviceArn, string? deploymentId, string launchType, JsonObject? overrides)
    {
        var id = EcsStore.NewTaskId();
        var arn = store.Arn($"task/{cluster.Name}/{id}");
        var task = new TaskRecord
        {
            Arn = arn,
            ClusterArn = cluster.Arn,
            TaskDefinitionArn = definition.Arn,
            ServiceArn = serviceArn,
            DeploymentId = deploymentId,
            StartedBy = startedBy,
            Group = group,
            LaunchType = launchType,
            CreatedAt = store.Now,
            Cpu = definition.Definition.OptionalString("cpu") ?? "256",
            Memory = definition.Definition.OptionalString("memory") ?? "512",
            Overrides = overrides?.DeepClone().AsObject(),
        };
        foreach (var container in definition.Definition["containerDefinitions"]!.AsArray().OfType<JsonObject>())
        {
            var name = container.RequiredString("name");
            var port = container.OptionalArray("portMappings")?.OfType<JsonObject>().FirstOrDefault();
            var logOptions = container.OptionalObject("logConfiguration") is { } logging && logging.OptionalString("logDriver") == "awslogs"
                ? logging.OptionalObject("options")
                : null;
            var prefix = logOptions?.OptionalString("awslogs-stream-prefix");
            task.Containers.Add(new TaskContainerRecord
            {
                Name = name,
                ContainerArn = store.Arn($"container/{cluster.Name}/{id}/{Guid.NewGuid()}"),
                Image = container.RequiredString("image"),
                Essential = container.OptionalBool("essential") ?? true,
                HasHealthCheck = container.OptionalObject("healthCheck") is not null,
                ContainerPort = port?.OptionalInt("containerPort"),
                Protocol = port?.OptionalString("protocol") ?? "tcp",
                LogGroup = logOptions?.OptionalString("awslogs-group"),
                LogStream = logOptions is null ? null : prefix is null ? $"{name}/{id}" : $"{prefix}/{name}/{id}",
            });
        }

        return task;
    }
}
