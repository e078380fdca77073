using System.Text;
using Deploy.Aws;
using Deploy.Aws.CodePipeline;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;
using Deploy.Delivery.Fargate;
using Deploy.Engine;

namespace Deploy.Delivery.Release;

/// <summary>
/// The ECS side of CodePipeline's ECS deploy action. While it runs: the service's new events and the progress of the
/// deployment the action started (the earliest deployment created since the action started: a circuit-breaker rollback
/// comes after it). When it failed: the rollout's verdict (<see cref="RolloutDecision"/>) and the stopped tasks' reasons
/// and log lines (<see cref="StoppedTasksReport"/>), as DeployFargate explains its own failures.
/// </summary>
internal sealed class EcsDeployWatch(EcsClient ecs, LogsClient logs, IBuildLog log)
{
    // CodePipeline and ECS keep separate clocks; a deployment created a moment "before" the action started is still its own.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(5);

    private readonly HashSet<string> seenEvents = new(StringComparer.Ordinal);
    private string? lastProgress;

    /// <summary>The deployment the action started, once seen.</summary>
    private Deployment? ours;

    /// <summary>Prints what changed at the service since the last look.</summary>
    public async Task PollAsync(ActionLayout action, ActionExecutionDetail detail, CancellationToken cancellationToken)
    {
        var (cluster, service) = Target(action, detail);
        DescribeServicesResponse response;
        try
        {
            response = await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [service] }, cancellationToken);
        }
        catch (AwsServiceException e)
        {
            Progress($"{service}: {e.Code} ({e.ErrorMessage})");
            return;
        }

        var since = (detail.StartTime ?? DateTimeOffset.MinValue) - ClockSlack;
        var found = response.Services is { Count: > 0 } services && services[0].Status != "INACTIVE" ? services[0] : null;
        if (found is null)
        {
            Progress($"{service}: not found in cluster {cluster}");
            return;
        }

        foreach (var e in (found.Events ?? []).Where(e => e.Id is not null && e.CreatedAt >= since && !seenEvents.Contains(e.Id)).OrderBy(e => e.CreatedAt))
        {
            seenEvents.Add(e.Id!);
            log.Information($"    {PipelineText.Time(e.CreatedAt)} {e.Message}");
        }

        ours = Identify(found, detail, since, ours);
        if (ours is { TaskDefinition: { } definition })
        {
            Progress($"{service}: {RolloutDecision.Evaluate(response, new RolloutTarget(ours.Id, definition)).Summary}");
        }
    }

    /// <summary>What ECS shows about a failed deploy action: the service missing, or the rollout's verdict and its stopped tasks.</summary>
    public async Task<string> ExplainFailureAsync(ActionLayout action, ActionExecutionDetail detail, CancellationToken cancellationToken)
    {
        var (cluster, service) = Target(action, detail);
        try
        {
            var response = await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [service] }, cancellationToken);
            var found = response.Services is { Count: > 0 } services && services[0].Status != "INACTIVE" ? services[0] : null;
            if (found is null)
            {
                var why = response.Failures is { Count: > 0 } failures ? $" (DescribeServices: {failures[0].Reason})" : "";
                return $"\nECS: service {service} does not exist in cluster {cluster}{why}. Create it (DeployFargate creates it on its first run) "
                    + "or point the pipeline's Deploy action at the right ClusterName/ServiceName.";
            }

            var since = (detail.StartTime ?? DateTimeOffset.MinValue) - ClockSlack;
            ours = Identify(found, detail, since, ours);
            var definition = ours?.TaskDefinition ?? await FailedRevisionAsync(cluster, service, found, since, cancellationToken);
            if (definition is null)
            {
                return $"\nECS: no deployment was started; service {service} still runs {RolloutDecision.Revision(found.TaskDefinition)}.";
            }

            var verdict = RolloutDecision.Evaluate(response, new RolloutTarget(ours?.Id, definition));
            var containers = (await ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = definition }, cancellationToken))
                .TaskDefinition?.ContainerDefinitions ?? [];
            var watch = new RolloutWatch(cluster, service, new RolloutTarget(ours?.Id, definition), since, containers);
            var text = new StringBuilder($"\nECS: {verdict.Summary}.");
            text.Append(await new StoppedTasksReport(ecs, logs).DescribeAsync(watch, cancellationToken));
            return text.ToString();
        }
        catch (AwsServiceException e)
        {
            return $"\nECS: the service could not be inspected: {e.Message}";
        }
    }

    /// <summary><c>family:revision</c> the service runs now.</summary>
    public async Task<string?> RunningRevisionAsync(ActionLayout action, ActionExecutionDetail? detail, CancellationToken cancellationToken)
    {
        var (cluster, service) = Target(action, detail);
        var found = await ecs.DescribeServiceAsync(cluster, service, cancellationToken);
        return found?.TaskDefinition is { } arn ? RolloutDecision.Revision(arn) : null;
    }

    /// <summary>The cluster and service the action ran against (its resolved configuration), else the declared ones.</summary>
    private static (string Cluster, string Service) Target(ActionLayout action, ActionExecutionDetail? detail)
    {
        var configuration = detail?.Input?.ResolvedConfiguration ?? detail?.Input?.Configuration ?? action.Configuration;
        string Get(string name) => configuration.TryGetValue(name, out var value) ? value
            : action.Configuration.TryGetValue(name, out var declared) ? declared
            : throw new ReleaseException($"The pipeline's ECS deploy action {action.Path} has no {name} in its configuration.");
        return (Get("ClusterName"), Get("ServiceName"));
    }

    /// <summary>
    /// The action's deployment: once known, the same one (refreshed while the service still lists it; a rollback removes it,
    /// and the rollback's own deployment must not take its place); first the one the action's external id names, else the
    /// earliest created since the action started.
    /// </summary>
    private static Deployment? Identify(EcsService service, ActionExecutionDetail detail, DateTimeOffset since, Deployment? known)
    {
        var deployments = service.Deployments ?? [];
        if (known is not null)
        {
            return deployments.FirstOrDefault(d => d.Id == known.Id) ?? known;
        }

        return deployments.FirstOrDefault(d => d.Id is not null && d.Id == detail.Output?.ExecutionResult?.ExternalExecutionId)
            ?? deployments.Where(d => d.CreatedAt >= since).OrderBy(d => d.CreatedAt).FirstOrDefault();
    }

    /// <summary>
    /// When the rollback finished before we ever saw the failed deployment: the revision of the newest task stopped since
    /// the action started that is not the one the service runs now.
    /// </summary>
    private async Task<string?> FailedRevisionAsync(string cluster, string service, EcsService found, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var stopped = await ecs.ListTasksAsync(new ListTasksRequest { Cluster = cluster, ServiceName = service, DesiredStatus = "STOPPED", MaxResults = 100 }, cancellationToken);
        if (stopped.TaskArns is not { Count: > 0 } arns)
        {
            return null;
        }

        var tasks = (await ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = cluster, Tasks = arns }, cancellationToken)).Tasks ?? [];
        return tasks
            .Where(t => (t.CreatedAt ?? DateTimeOffset.MinValue) >= since && t.TaskDefinitionArn is not null && t.TaskDefinitionArn != found.TaskDefinition)
            .OrderByDescending(t => t.StoppedAt ?? t.CreatedAt)
            .FirstOrDefault()?.TaskDefinitionArn;
    }

    private void Progress(string line)
    {
        if (line != lastProgress)
        {
            log.Information("    " + line);
            lastProgress = line;
        }
    }
}
