using Deploy.Aws;
using Deploy.Aws.Ecs;
using Deploy.Engine;

namespace Deploy.Delivery.Fargate;

/// <summary>What the deployer and the rollback share: the service's settings, the watch of an update, errors with hints.</summary>
internal static class ServiceCalls
{
    /// <summary>Rolling deployments that keep full capacity, with the circuit breaker rolling back a failing one.</summary>
    public static DeploymentConfiguration DeploymentConfiguration { get; } = new()
    {
        DeploymentCircuitBreaker = new DeploymentCircuitBreaker(Enable: true, Rollback: true),
        MinimumHealthyPercent = 100,
        MaximumPercent = 200,
    };

    public static NetworkConfiguration Network(DeployOptions options) => new(new AwsVpcConfiguration(
        options.Subnets,
        options.SecurityGroups,
        options.AssignPublicIp ? "ENABLED" : "DISABLED"));

    public static LoadBalancer LoadBalancer(DeployOptions options) => new()
    {
        TargetGroupArn = options.TargetGroupArn,
        ContainerName = options.LoadBalancedContainer ?? options.ServiceName,
        ContainerPort = options.ContainerPort,
    };

    /// <summary>The watch of the deployment an UpdateService/CreateService response shows for <paramref name="taskDefinitionArn"/>.</summary>
    public static RolloutWatch WatchFor(
        EcsService? updated,
        string cluster,
        string service,
        string taskDefinitionArn,
        IReadOnlyList<ContainerDefinition> containers,
        DateTimeOffset localStart)
    {
        var ours = updated?.Deployments?.FirstOrDefault(d => d.Status == "PRIMARY" && d.TaskDefinition == taskDefinitionArn);
        return new RolloutWatch(cluster, service, new RolloutTarget(ours?.Id, taskDefinitionArn), ours?.CreatedAt ?? localStart, containers);
    }

    public static void PrintUrl(IBuildLog log, Uri? url)
    {
        if (url is not null)
        {
            log.Information($"Service URL: {url}");
        }
    }

    /// <summary>An AWS error as a deploy error; iam:PassRole denials get the hint peers leave out.</summary>
    public static DeployException Explain(AwsServiceException e, params string?[] roles)
    {
        if (e.Message.Contains("PassRole", StringComparison.OrdinalIgnoreCase))
        {
            var named = roles.Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.Ordinal).ToList();
            return new DeployException(
                $"{e.Message}\nHint: the caller may register task definitions and update services only with iam:PassRole on the roles they name"
                + (named.Count > 0 ? $" ({string.Join(", ", named)})" : "")
                + ", with the condition iam:PassedToService = ecs-tasks.amazonaws.com.",
                e);
        }

        return new DeployException(e.Message, e);
    }

    /// <summary>The service changes a deploy would make, for the dry run.</summary>
    public static IEnumerable<string> Changes(DeployOptions options, EcsService? service, NetworkConfiguration network)
    {
        var vpc = network.AwsvpcConfiguration!;
        var networkText = $"subnets {string.Join(", ", vpc.Subnets)}, security groups {string.Join(", ", vpc.SecurityGroups ?? [])}, public IP {vpc.AssignPublicIp}";
        if (service is null)
        {
            yield return $"Service {options.ServiceName} in cluster {options.Cluster}: would be created";
            yield return $"  + launch type FARGATE, desired count {options.DesiredCount}";
            yield return $"  + network awsvpc: {networkText}";
            if (options.TargetGroupArn is not null)
            {
                yield return $"  + load balancer: target group {options.TargetGroupArn} → container {options.LoadBalancedContainer ?? options.ServiceName}:{options.ContainerPort}, health check grace {options.HealthCheckGracePeriod.TotalSeconds:0} s";
            }

            yield return "  + deployment: circuit breaker with rollback, minimum healthy 100 %, maximum 200 %";
            yield break;
        }

        yield return $"Service {options.ServiceName} in cluster {options.Cluster}: would be updated";
        yield return $"  ~ task definition {RolloutDecision.Revision(service.TaskDefinition)} → the new revision";
        var currentVpc = service.NetworkConfiguration?.AwsvpcConfiguration;
        if (currentVpc is null
            || !currentVpc.Subnets.Order(StringComparer.Ordinal).SequenceEqual(vpc.Subnets.Order(StringComparer.Ordinal))
            || !(currentVpc.SecurityGroups ?? []).Order(StringComparer.Ordinal).SequenceEqual((vpc.SecurityGroups ?? []).Order(StringComparer.Ordinal))
            || currentVpc.AssignPublicIp != vpc.AssignPublicIp)
        {
            yield return $"  ~ network awsvpc: {networkText}";
        }

        var current = service.DeploymentConfiguration;
        if (current?.DeploymentCircuitBreaker is not { Enable: true, Rollback: true } || current.MinimumHealthyPercent != 100 || current.MaximumPercent != 200)
        {
            yield return "  ~ deployment: circuit breaker with rollback, minimum healthy 100 %, maximum 200 %";
        }
    }
}
