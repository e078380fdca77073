using System.Globalization;
using Deploy.Aws;
using Deploy.Aws.Ecs;
using Deploy.Aws.Iam;
using Deploy.Aws.Logs;
using Deploy.Engine;

namespace Deploy.Delivery.Fargate;

/// <summary>
/// Rollback: redeploys the previous ACTIVE revision of the family (the highest one below the service's current revision)
/// and waits for it exactly like a deploy. A revision whose IAM roles no longer exist (registered before the platform was
/// destroyed and provisioned again) is refused before the service is touched (<see cref="RevisionRoles"/>).
/// </summary>
public sealed class FargateRollback(
    EcsClient ecs,
    IamClient iam,
    LogsClient logs,
    IBuildLog log,
    TimeProvider? clock = null,
    Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly RolloutWatcher watcher = new(ecs, logs, log, clock, delay);

    /// <exception cref="DeployException">No service, no earlier revision, an AWS error, a failed or timed-out rollout.</exception>
    public async Task<DeployResult> RollbackAsync(RollbackOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return await RunAsync(options, cancellationToken);
        }
        catch (AwsServiceException e)
        {
            throw ServiceCalls.Explain(e);
        }
    }

    /// <summary>The highest ACTIVE revision of <paramref name="family"/> below <paramref name="currentRevision"/>, as an ARN; null when there is none.</summary>
    public static string? PreviousRevision(IEnumerable<string> activeArns, string family, int currentRevision)
    {
        ArgumentNullException.ThrowIfNull(activeArns);
        return activeArns
            .Select(arn => (Arn: arn, Parsed: Parse(arn)))
            .Where(p => p.Parsed is { } parsed && parsed.Family == family && parsed.Revision < currentRevision)
            .OrderByDescending(p => p.Parsed!.Value.Revision)
            .Select(p => p.Arn)
            .FirstOrDefault();
    }

    /// <summary>Family and revision of a task definition ARN or <c>family:revision</c>.</summary>
    public static (string Family, int Revision)? Parse(string? taskDefinition)
    {
        var name = RolloutDecision.Revision(taskDefinition);
        var colon = name.LastIndexOf(':');
        return colon > 0 && int.TryParse(name[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? (name[..colon], revision)
            : null;
    }

    private async Task<DeployResult> RunAsync(RollbackOptions options, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var service = await ecs.DescribeServiceAsync(options.Cluster, options.ServiceName, cancellationToken);
        if (service is null || service.Status != "ACTIVE")
        {
            throw new DeployException($"Service {options.ServiceName} in cluster {options.Cluster} does not exist{(service is null ? "" : $" ({service.Status})")}; there is nothing to roll back.");
        }

        var currentArn = service.TaskDefinition ?? throw new DeployException($"Service {options.ServiceName} reports no task definition.");
        var (family, currentRevision) = Parse(currentArn) ?? throw new DeployException($"Cannot read the revision of {currentArn}.");
        var active = new List<string>();
        await foreach (var arn in ecs.ListAllTaskDefinitionsAsync(
            new ListTaskDefinitionsRequest { FamilyPrefix = family, Status = "ACTIVE", Sort = "DESC" }, cancellationToken))
        {
            active.Add(arn);
        }

        var previousArn = PreviousRevision(active, family, currentRevision)
            ?? throw new DeployException(
                $"There is no ACTIVE revision of {family} before {family}:{currentRevision} (the service's current one) to roll back to.");
        var previous = (await ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = previousArn }, cancellationToken)).TaskDefinition
            ?? throw new DeployException($"DescribeTaskDefinition returned nothing for {previousArn}.");
        var revision = RolloutDecision.Revision(previousArn);

        // Before anything changes: a revision whose roles are gone would be accepted by ECS and fail in its tasks.
        var missing = await new RevisionRoles(iam, log).MissingAsync(previous, cancellationToken);
        if (missing.Count > 0)
        {
            var image = previous.ContainerDefinitions is { Count: > 0 } containers ? containers[0].Image : null;
            var refusal = $"Cannot roll back to {revision}: its {string.Join(" and ", missing.Select(m => $"{m.Use} {m.Arn}"))} no longer "
                + $"exist{(missing.Count == 1 ? "s" : "")} (the platform was destroyed and provisioned again since that revision was registered), so its tasks "
                + "could not start. Deploy that version again instead, which registers it with the current roles: "
                + $"./build.sh DeployFargate --deploy-image {image ?? "<its image>"}. Nothing was changed.";
            if (!options.DryRun)
            {
                throw new DeployException(refusal);
            }

            log.Warning(refusal);
        }

        if (options.DryRun)
        {
            var current = (await ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = currentArn }, cancellationToken)).TaskDefinition;
            log.Information("Dry run: nothing is updated.");
            log.Information($"Service {options.ServiceName} would go from {family}:{currentRevision} back to {revision}:");
            log.Write(TaskDefinitionDiff.Text(TaskDefinitionDiff.Lines(current?.ToRegisterRequest(), previous.ToRegisterRequest())).TrimEnd('\n'));
            return new DeployResult(DeployOutcome.DryRun, revision, clock.GetUtcNow() - started, options.ServiceUrl);
        }

        log.Information($"Rolling {options.ServiceName} back from {family}:{currentRevision} to {revision}");
        var updated = (await ecs.UpdateServiceAsync(
            new UpdateServiceRequest { Cluster = options.Cluster, Service = options.ServiceName, TaskDefinition = previousArn },
            cancellationToken)).Service;
        await watcher.WaitAsync(
            ServiceCalls.WatchFor(updated, options.Cluster, options.ServiceName, previousArn, previous.ContainerDefinitions ?? [], started),
            options.Timeout,
            cancellationToken);
        ServiceCalls.PrintUrl(log, options.ServiceUrl);
        return new DeployResult(DeployOutcome.RolledBack, revision, clock.GetUtcNow() - started, options.ServiceUrl);
    }
}
