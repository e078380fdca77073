using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Ecs;

/// <summary>ecs.json: clusters, task definitions, services with their deployments and events, tasks.</summary>
internal sealed class EcsState
{
    public Dictionary<string, ClusterRecord> Clusters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>family → revisions in order (revision n at index n-1).</summary>
    public Dictionary<string, List<TaskDefinitionRecord>> TaskDefinitions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>service ARN → service.</summary>
    public Dictionary<string, ServiceRecord> Services { get; set; } = new(StringComparer.Ordinal);

    /// <summary>task ARN → task (stopped tasks are kept for an hour, as DescribeTasks shows them in AWS).</summary>
    public Dictionary<string, TaskRecord> Tasks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>resource ARN → tags (clusters, services, task definitions, tasks).</summary>
    public Dictionary<string, Dictionary<string, string>> Tags { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class ClusterRecord
{
    public required string Name { get; set; }

    public required string Arn { get; set; }

    public string Status { get; set; } = "ACTIVE";

    public JsonArray? Settings { get; set; }
}

internal sealed class TaskDefinitionRecord
{
    public required string Arn { get; set; }

    public required string Family { get; set; }

    public int Revision { get; set; }

    public string Status { get; set; } = "ACTIVE";

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset? DeregisteredAt { get; set; }

    /// <summary>The TaskDefinition as DescribeTaskDefinition returns it (read-only fields included).</summary>
    public required JsonObject Definition { get; set; }
}

internal sealed class ServiceRecord
{
    public required string Arn { get; set; }

    public required string Name { get; set; }

    public required string ClusterArn { get; set; }

    public required string TaskDefinitionArn { get; set; }

    public int DesiredCount { get; set; }

    public string Status { get; set; } = "ACTIVE";

    public string LaunchType { get; set; } = "FARGATE";

    public string SchedulingStrategy { get; set; } = "REPLICA";

    public JsonObject? NetworkConfiguration { get; set; }

    public int MinimumHealthyPercent { get; set; } = 100;

    public int MaximumPercent { get; set; } = 200;

    public bool CircuitBreakerEnable { get; set; }

    public bool CircuitBreakerRollback { get; set; }

    public List<LoadBalancerBinding> LoadBalancers { get; set; } = [];

    public int? HealthCheckGracePeriodSeconds { get; set; }

    public bool EnableExecuteCommand { get; set; }

    public string? PlatformVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<DeploymentRecord> Deployments { get; set; } = [];

    /// <summary>Newest first, at most 100 (AWS keeps the latest 100).</summary>
    public List<ServiceEventRecord> Events { get; set; } = [];

    /// <summary>The deployment a circuit-breaker rollback returns to (the last one that reached COMPLETED).</summary>
    public string? LastCompletedDeploymentId { get; set; }

    public string? LastCompletedTaskDefinitionArn { get; set; }

    /// <summary>When the service last reported "has reached a steady state." (null: not steady since the last change).</summary>
    public DateTimeOffset? SteadySince { get; set; }
}

internal sealed class LoadBalancerBinding
{
    public string? TargetGroupArn { get; set; }

    public string? LoadBalancerName { get; set; }

    public string? ContainerName { get; set; }

    public int? ContainerPort { get; set; }
}

internal sealed class DeploymentRecord
{
    public required string Id { get; set; }

    /// <summary>PRIMARY, ACTIVE or INACTIVE.</summary>
    public string Status { get; set; } = "PRIMARY";

    public required string TaskDefinitionArn { get; set; }

    public int DesiredCount { get; set; }

    public string RolloutState { get; set; } = "IN_PROGRESS";

    public string? RolloutStateReason { get; set; }

    public int FailedTasks { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set when this deployment was made PRIMARY again by a circuit-breaker rollback.</summary>
    public bool RolledBackTo { get; set; }

    /// <summary>The rollout state last published as an "ECS Deployment State Change" event (<see cref="DeploymentStateEvents"/>).</summary>
    public string? PublishedRolloutState { get; set; }
}

internal sealed class ServiceEventRecord
{
    public required string Id { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string Message { get; set; }
}

internal sealed class TaskRecord
{
    public required string Arn { get; set; }

    public required string ClusterArn { get; set; }

    public required string TaskDefinitionArn { get; set; }

    public string? ServiceArn { get; set; }

    public string? DeploymentId { get; set; }

    public string? StartedBy { get; set; }

    public required string Group { get; set; }

    public string LaunchType { get; set; } = "FARGATE";

    /// <summary>PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED.</summary>
    public string LastStatus { get; set; } = "PROVISIONING";

    public string DesiredStatus { get; set; } = "RUNNING";

    /// <summary>HEALTHY, UNHEALTHY or UNKNOWN.</summary>
    public string HealthStatus { get; set; } = "UNKNOWN";

    public string? StoppedReason { get; set; }

    public string? StopCode { get; set; }

    /// <summary>The hash of the token the task's containers present for their task role's credentials (none without a task role).</summary>
    public string? CredentialsTokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PullStartedAt { get; set; }

    public DateTimeOffset? PullStoppedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When Docker first reported every health-checked container healthy.</summary>
    public DateTimeOffset? ContainerHealthyAt { get; set; }

    /// <summary>When the task first counted as healthy (container health, and the target group if any).</summary>
    public DateTimeOffset? HealthyAt { get; set; }

    public DateTimeOffset? StoppingAt { get; set; }

    public DateTimeOffset? StoppedAt { get; set; }

    public string Cpu { get; set; } = "256";

    public string Memory { get; set; } = "512";

    public JsonObject? Overrides { get; set; }

    public List<TaskContainerRecord> Containers { get; set; } = [];

    /// <summary>Whether the launch failure (or the early exit) was already counted against the deployment.</summary>
    public bool CountedAsFailure { get; set; }

    /// <summary>Target groups this task is registered in (ARN) while it serves behind a load balancer.</summary>
    public List<string> RegisteredTargetGroups { get; set; } = [];
}

internal sealed class TaskContainerRecord
{
    public required string Name { get; set; }

    public required string ContainerArn { get; set; }

    public required string Image { get; set; }

    public string? ImageDigest { get; set; }

    public string? DockerId { get; set; }

    public bool Essential { get; set; } = true;

    public string LastStatus { get; set; } = "PENDING";

    public int? ExitCode { get; set; }

    public string? Reason { get; set; }

    /// <summary>HEALTHY, UNHEALTHY, UNKNOWN (UNKNOWN also when no health check is defined).</summary>
    public string HealthStatus { get; set; } = "UNKNOWN";

    public bool HasHealthCheck { get; set; }

    public int? ContainerPort { get; set; }

    public int? HostPort { get; set; }

    public string Protocol { get; set; } = "tcp";

    /// <summary>Where awslogs output goes (null: no awslogs configuration).</summary>
    public string? LogGroup { get; set; }

    public string? LogStream { get; set; }
}
