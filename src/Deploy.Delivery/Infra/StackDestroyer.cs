using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Aws.Ecs;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>What <see cref="StackDestroyer"/> deletes and how long it may wait.</summary>
public sealed record StackDestroyOptions
{
    public required string StackName { get; init; }

    /// <summary>
    /// Delete the stack while keeping the resources CloudFormation cannot delete (a repository with images, a bucket with
    /// objects, a cluster with someone else's service): they stay in the account and must be deleted by hand.
    /// </summary>
    public bool RetainFailed { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Deletes the platform stack, deciding up front: it reads what the stack holds (<see cref="PlatformInventory"/>), lists
/// what it will delete, and stops before deleting anything when something would make CloudFormation fail half way (an
/// image repository with images, a bucket with objects, a service or task in the cluster that this checkout did not
/// make). DeployFargate's service is not part of the stack but this checkout owns it: it is deleted first and its tasks
/// drained, so the cluster can go and no task writes to a log group after the stack deleted it. With
/// <see cref="StackDestroyOptions.RetainFailed"/> the blockers are kept instead: the stack is deleted, CloudFormation
/// leaves them DELETE_FAILED, and the stack is deleted again retaining them.
/// </summary>
public sealed class StackDestroyer(CloudFormationClient cloudFormation, PlatformInventory inventory, EcsClient ecs, IBuildLog log, TimeProvider? clock = null)
{
    /// <summary>What DestroyInfra prints when CloudFormation still failed to delete a resource (the README says the same).</summary>
    public const string DataLossGuidance =
        "CloudFormation does not delete an ECR repository that still contains images, nor an S3 bucket that still contains objects "
        + "(with versioning on, that includes every old version and delete marker), nor an ECS cluster that still runs a service or task. "
        + "Either empty them and run DestroyInfra again "
        + "(aws ecr batch-delete-image / aws ecr delete-repository --force; aws s3api delete-objects over list-object-versions; "
        + "aws ecs delete-service --force), or run DestroyInfra --retain-failed to delete the stack and keep them: they stay in the "
        + "account under their names (and keep costing storage) until you delete them, and the repository's name stays taken, "
        + "so provisioning the same service again fails until it is gone.";

    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>A destroyer reading the stack's contents through the session's ECS, ECR and S3.</summary>
    public static StackDestroyer For(AwsSession session, IBuildLog log)
    {
        var cloudFormation = new CloudFormationClient(session);
        var ecs = new EcsClient(session);
        return new StackDestroyer(cloudFormation, new PlatformInventory(cloudFormation, ecs, new Aws.Ecr.EcrClient(session), new S3BucketContents(session)), ecs, log);
    }

    /// <summary>Deletes the stack; returns false when there was none. Throws, having deleted nothing, when something blocks.</summary>
    public async Task<bool> DestroyAsync(StackDestroyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return await DeleteAsync(options, cancellationToken);
        }
        catch (AwsServiceException e)
        {
            throw new BuildFailedException(e.Message, e);
        }
    }

    private async Task<bool> DeleteAsync(StackDestroyOptions options, CancellationToken cancellationToken)
    {
        var name = options.StackName;
        var watcher = new StackWatcher(cloudFormation, log, clock, options.PollInterval);
        var stack = await cloudFormation.FindStackAsync(name, cancellationToken);
        if (stack is null)
        {
            log.Information($"Stack {name} does not exist; nothing to delete.");
            return false;
        }

        var id = stack.StackId ?? name;
        var events = await watcher.StartStreamAsync(id, cancellationToken);
        if (stack.StackStatus != "REVIEW_IN_PROGRESS" && StackStatuses.IsInProgress(stack.StackStatus))
        {
            log.Information($"Stack {name} is {stack.StackStatus}; waiting up to {StackWatcher.Duration(options.Timeout)} before deleting it.");
            stack = await watcher.FollowAsync(id, events, options.Timeout, 0, Waited(name, options), justStarted: false, cancellationToken);
            if (stack is null || stack.StackStatus == "DELETE_COMPLETE")
            {
                log.Information($"Stack {name} was deleted meanwhile.");
                return true;
            }
        }

        // 1. Decide before touching anything: what will go, what is ours, what blocks.
        var holdings = await inventory.ReadAsync(stack, cancellationToken);
        var owned = holdings.Services.Where(s => s.Owned).ToList();
        var blockers = Blockers(holdings);
        PrintPlan(name, stack.StackStatus, holdings, owned);
        if (blockers.Count > 0 && !options.RetainFailed)
        {
            throw new BuildFailedException($"Stack {name}: nothing was deleted, because CloudFormation would stop half way: "
                + string.Join("; ", blockers.Select(b => $"{b.What} ({b.Fix})"))
                + ". Clear them and run DestroyInfra again, or run DestroyInfra --retain-failed to delete everything else and keep "
                + $"{(blockers.Count == 1 ? "it" : "them")} (kept resources stay in the account under their names until you delete them by hand).");
        }

        if (blockers.Count > 0)
        {
            log.Information($"--retain-failed: keeping {string.Join(", ", blockers.Select(b => b.LogicalId).Distinct(StringComparer.Ordinal))} "
                + "(CloudFormation will fail to delete them; the stack is then deleted again without them).");
        }

        // 2. DeployFargate's service first: the cluster cannot go while it is there, and its tasks would write to the log group.
        foreach (var service in owned)
        {
            await DeleteServiceAsync(service, options, cancellationToken);
        }

        // 3. The stack; with --retain-failed, once more without what failed.
        IReadOnlyList<string>? retain = null;
        if (options.RetainFailed && stack.StackStatus == "DELETE_FAILED")
        {
            retain = await FailedResourcesAsync(id, cancellationToken);
        }

        var final = await DeleteStackAsync(name, id, stack.StackStatus, retain, events, watcher, options, cancellationToken);
        if (final?.StackStatus == "DELETE_FAILED" && options.RetainFailed && retain is null)
        {
            retain = await FailedResourcesAsync(id, cancellationToken);
            final = await DeleteStackAsync(name, id, final.StackStatus, retain, events, watcher, options, cancellationToken);
        }

        if (final is null || final.StackStatus == "DELETE_COMPLETE")
        {
            log.Information($"Stack {name} deleted{(retain is { Count: > 0 } ? $"; kept {string.Join(", ", retain)} (delete them by hand later)" : "")}.");
            return true;
        }

        var failed = StackWatcher.FirstFailure(events.Shown) ?? final.StackStatusReason ?? "no resource reported a reason";
        throw new BuildFailedException($"Deleting stack {name} failed ({final.StackStatus}): {failed}. {DataLossGuidance}");
    }

    /// <summary>What would make CloudFormation's delete fail, each with the command that clears it.</summary>
    private static List<(string LogicalId, string What, string Fix)> Blockers(StackHoldings holdings)
    {
        var cluster = holdings.Resources.FirstOrDefault(r => r.ResourceType == "AWS::ECS::Cluster")?.LogicalResourceId ?? "Cluster";
        var blockers = holdings.Data
            .Select(d => (d.LogicalId, $"{d.LogicalId} ({d.ResourceType} {d.PhysicalId}) holds {d.What}", d.EmptyIt))
            .ToList();
        blockers.AddRange(holdings.Services.Where(s => !s.Owned).Select(s => (cluster,
            $"cluster {s.Cluster} runs service {s.Name} ({s.Status}, {s.Running} running), which this checkout did not deploy: {s.Why}",
            $"aws ecs delete-service --cluster {s.Cluster} --service {s.Name} --force, if it is not needed")));
        if (holdings.StandaloneTasks.Count > 0)
        {
            blockers.Add((cluster, $"{holdings.StandaloneTasks.Count} task(s) not started by a service run in the cluster",
                "aws ecs stop-task --cluster <cluster> --task " + string.Join(" / ", holdings.StandaloneTasks.Take(3))));
        }

        return blockers;
    }

    private void PrintPlan(string name, string? status, StackHoldings holdings, List<ClusterService> owned)
    {
        log.Information($"Stack {name} ({status}) holds {holdings.Resources.Count} resource(s); DestroyInfra deletes:");
        foreach (var service in owned)
        {
            log.Information($"  ECS service {service.Name} in cluster {service.Cluster}, first ({service.Running} running task(s); not part of the stack: {service.Why})");
        }

        foreach (var resource in holdings.Resources)
        {
            log.Information($"  {resource.LogicalResourceId} ({resource.ResourceType} {resource.PhysicalResourceId})");
        }
    }

    private async Task DeleteServiceAsync(ClusterService service, StackDestroyOptions options, CancellationToken cancellationToken)
    {
        log.Information($"Deleting ECS service {service.Name} (DeployFargate created it; the stack does not manage it) and waiting for its tasks to drain");
        await ecs.DeleteServiceAsync(new DeleteServiceRequest { Cluster = service.Cluster, Service = service.Name, Force = true }, cancellationToken);
        var started = clock.GetTimestamp();
        var interval = TimeSpan.FromMilliseconds(200);
        var lastRunning = -1;
        while (true)
        {
            var described = await ecs.DescribeServiceAsync(service.Cluster, service.Name, cancellationToken);
            var running = 0;
            await foreach (var _ in ecs.ListAllTasksAsync(new ListTasksRequest { Cluster = service.Cluster, ServiceName = service.Name }, cancellationToken))
            {
                running++;
            }

            if ((described is null || described.Status == "INACTIVE") && running == 0)
            {
                log.Information($"Service {service.Name} deleted; its tasks have stopped.");
                return;
            }

            if (running != lastRunning)
            {
                lastRunning = running;
                log.Information($"  service {service.Name} is {described?.Status ?? "gone"}, {running} task(s) still running");
            }

            if (clock.GetElapsedTime(started) >= options.Timeout)
            {
                throw new BuildFailedException($"Service {service.Name} still has {running} task(s) after {StackWatcher.Duration(options.Timeout)}; "
                    + "the stack was not deleted. Run DestroyInfra again to keep waiting.");
            }

            await Task.Delay(interval, clock, cancellationToken);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, Math.Max(options.PollInterval.Ticks, interval.Ticks)));
        }
    }

    private async Task<IReadOnlyList<string>> FailedResourcesAsync(string stackId, CancellationToken cancellationToken)
    {
        var resources = await cloudFormation.DescribeStackResourcesAsync(new DescribeStackResourcesRequest { StackName = stackId }, cancellationToken);
        IReadOnlyList<string> failed = [.. resources.StackResources.Where(r => r.ResourceStatus == "DELETE_FAILED").Select(r => r.LogicalResourceId!)];
        log.Information($"Keeping what could not be deleted: {string.Join(", ", failed)} (delete them by hand later).");
        return failed;
    }

    private async Task<StackDescription?> DeleteStackAsync(
        string name, string id, string? status, IReadOnlyList<string>? retain, StackEventFeed events, StackWatcher watcher, StackDestroyOptions options,
        CancellationToken cancellationToken)
    {
        log.Information($"Deleting stack {name} ({status})");
        await cloudFormation.DeleteStackAsync(new DeleteStackRequest { StackName = id, RetainResources = retain is { Count: > 0 } ? retain : null }, cancellationToken);
        return await watcher.FollowAsync(id, events, options.Timeout, 0, Waited(name, options), justStarted: true, cancellationToken);
    }

    private static Func<string?, string> Waited(string name, StackDestroyOptions options) =>
        status => $"Stack {name} is still {status} after {StackWatcher.Duration(options.Timeout)}; run DestroyInfra again to keep waiting.";
}
