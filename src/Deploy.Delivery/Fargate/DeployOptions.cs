using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Fargate;

/// <summary>What <see cref="FargateDeployer.DeployAsync"/> deploys, and where.</summary>
public sealed record DeployOptions
{
    /// <summary>The default rollout timeout (peers' 10-minute waiters time out on slow health checks).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(15);

    public required string Cluster { get; init; }

    /// <summary>The ECS service; also the task definition family and the main container's name in the template.</summary>
    public required string ServiceName { get; init; }

    /// <summary>The task definition template (<c>deploy/taskdef.json</c>).</summary>
    public required string TemplatePath { get; init; }

    /// <summary>The image for <c>${IMAGE}</c>; a tag is resolved to its digest in ECR.</summary>
    public required ImageReference Image { get; init; }

    /// <summary>Images for <c>${IMAGE:&lt;name&gt;}</c> placeholders (other containers), by name; resolved and verified like <see cref="Image"/>.</summary>
    public IReadOnlyDictionary<string, ImageReference> ContainerImages { get; init; } = new Dictionary<string, ImageReference>();

    public required string AccountId { get; init; }

    public required string Region { get; init; }

    public required string ExecutionRoleArn { get; init; }

    public required string TaskRoleArn { get; init; }

    public required string LogGroup { get; init; }

    /// <summary>The source commit (<c>${COMMIT}</c>).</summary>
    public required string Commit { get; init; }

    /// <summary>The service version (<c>${VERSION}</c>); default: the commit shortened to 12 characters, keeping <c>-dirty-&lt;content&gt;</c> (as BuildImage's <c>SERVICE_VERSION</c>).</summary>
    public string? Version { get; init; }

    /// <summary>Subnets of the service's tasks (used when the service is created, and kept in line on updates).</summary>
    public required IReadOnlyList<string> Subnets { get; init; }

    public required IReadOnlyList<string> SecurityGroups { get; init; }

    /// <summary>The load balancer's target group the service registers its tasks in; null for none.</summary>
    public string? TargetGroupArn { get; init; }

    /// <summary>The container the load balancer sends to; default: <see cref="ServiceName"/>.</summary>
    public string? LoadBalancedContainer { get; init; }

    public int ContainerPort { get; init; } = 8080;

    /// <summary>Whether tasks get a public IP (needed to pull from ECR in subnets without a NAT gateway, e.g. the default VPC).</summary>
    public bool AssignPublicIp { get; init; }

    /// <summary>Tasks of a newly created service (an existing service keeps its count).</summary>
    public int DesiredCount { get; init; } = 1;

    public TimeSpan HealthCheckGracePeriod { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Print the task definition diff and the service changes; call nothing that changes anything.</summary>
    public bool DryRun { get; init; }

    /// <summary>Printed at the end (the load balancer's URL).</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>The options for the platform ProvisionInfra created: cluster, service, roles, log group, network and load balancer.</summary>
    public static DeployOptions ForPlatform(PlatformOutputs platform, ImageReference image, string region, string commit, string templatePath)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return new DeployOptions
        {
            Cluster = platform.ClusterName,
            ServiceName = platform.ServiceName,
            TemplatePath = templatePath,
            Image = image,
            AccountId = AccountOf(platform.TaskExecutionRoleArn),
            Region = region,
            ExecutionRoleArn = platform.TaskExecutionRoleArn,
            TaskRoleArn = platform.TaskRoleArn,
            LogGroup = platform.LogGroupName,
            Commit = commit,
            Subnets = platform.SubnetIds,
            SecurityGroups = [platform.ServiceSecurityGroupId],
            TargetGroupArn = platform.TargetGroupArn,
            ServiceUrl = platform.LoadBalancerUrl,
        };
    }

    /// <summary>The account of an ARN (<c>arn:aws:iam::123456789012:role/x</c>), without an STS call.</summary>
    public static string AccountOf(string arn)
    {
        var parts = (arn ?? "").Split(':');
        return parts.Length >= 6 && parts[0] == "arn" && parts[4].Length > 0
            ? parts[4]
            : throw new FormatException($"'{arn}' is not an ARN with an account id.");
    }
}

/// <summary>What <see cref="FargateRollback.RollbackAsync"/> rolls back.</summary>
public sealed record RollbackOptions
{
    public required string Cluster { get; init; }

    public required string ServiceName { get; init; }

    public TimeSpan Timeout { get; init; } = DeployOptions.DefaultTimeout;

    public bool DryRun { get; init; }

    public Uri? ServiceUrl { get; init; }
}

/// <summary>How a deploy or rollback ended (failures are exceptions).</summary>
public enum DeployOutcome
{
    /// <summary>A new revision was registered and rolled out.</summary>
    Deployed,

    /// <summary>The service already runs this content and these image digests; nothing was called that changes anything.</summary>
    Unchanged,

    /// <summary>Only the diff was printed.</summary>
    DryRun,

    /// <summary>The previous revision was rolled out again.</summary>
    RolledBack,
}

/// <param name="Outcome">What happened.</param>
/// <param name="TaskDefinition"><c>family:revision</c> the service runs now (for a dry run: the one it would run, or the family when not registered yet).</param>
/// <param name="Duration">From the start of the command to the end of the rollout.</param>
/// <param name="ServiceUrl">Where the service answers.</param>
public sealed record DeployResult(DeployOutcome Outcome, string TaskDefinition, TimeSpan Duration, Uri? ServiceUrl)
{
    /// <summary>One line for the build summary: <c>deployed app:7 in 42 s</c>, <c>unchanged</c>, <c>dry run</c>.</summary>
    public string Summary => Outcome switch
    {
        DeployOutcome.Deployed => $"deployed {TaskDefinition} in {Seconds} s",
        DeployOutcome.RolledBack => $"rolled back to {TaskDefinition} in {Seconds} s",
        DeployOutcome.Unchanged => $"unchanged ({TaskDefinition})",
        _ => "dry run",
    };

    private long Seconds => (long)Math.Round(Duration.TotalSeconds);
}
