using Deploy.Aws;
using Deploy.Aws.Ecr;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;
using Deploy.Delivery.Images;
using Deploy.Engine;

namespace Deploy.Delivery.Fargate;

/// <summary>
/// DeployFargate: verify the images in ECR, render the task definition template, compare it with what the service runs
/// (identical → unchanged, nothing called that changes anything), print the diff (dry run), register the revision,
/// create the service when missing or update it, and wait for the rollout with <see cref="RolloutWatcher"/>.
/// </summary>
public sealed class FargateDeployer(
    EcsClient ecs,
    EcrClient ecr,
    LogsClient logs,
    IBuildLog log,
    TimeProvider? clock = null,
    Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly RolloutWatcher watcher = new(ecs, logs, log, clock, delay);

    /// <exception cref="DeployException">Missing image, invalid template, an AWS error (named), a failed or timed-out rollout.</exception>
    public async Task<DeployResult> DeployAsync(DeployOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return await RunAsync(options, cancellationToken);
        }
        catch (AwsServiceException e)
        {
            throw ServiceCalls.Explain(e, options.ExecutionRoleArn, options.TaskRoleArn);
        }
    }

    private async Task<DeployResult> RunAsync(DeployOptions options, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var template = TaskDefinitionTemplate.Load(options.TemplatePath);

        // 1. The images exist in ECR, pinned by digest: a missing image fails here, not as CannotPullContainerError in a task.
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TaskDefinitionTemplate.ImagePlaceholder] = (await ResolveAsync(options.Image, cancellationToken)).ToString(),
            ["ACCOUNT_ID"] = options.AccountId,
            ["REGION"] = options.Region,
            ["EXECUTION_ROLE_ARN"] = options.ExecutionRoleArn,
            ["TASK_ROLE_ARN"] = options.TaskRoleArn,
            ["LOG_GROUP"] = options.LogGroup,
            ["SERVICE_NAME"] = options.ServiceName,
            ["COMMIT"] = options.Commit,
            // The image's own short form: a dirty commit keeps "-dirty-<content>", which tells its builds apart.
            ["VERSION"] = options.Version ?? new SourceRevision(options.Commit, null, null).ShortCommit,
        };
        foreach (var name in template.ContainerImageNames)
        {
            if (options.ContainerImages.TryGetValue(name, out var image))
            {
                values[$"{TaskDefinitionTemplate.ImagePlaceholder}:{name}"] = (await ResolveAsync(image, cancellationToken)).ToString();
            }
        }

        // 2. Render and validate every container; compare with the service's current revision.
        var rendered = template.Render(values);
        var definition = rendered.Request;
        CheckLoadBalancedContainer(definition, options);
        var service = await ecs.DescribeServiceAsync(options.Cluster, options.ServiceName, cancellationToken);
        if (service?.Status == "DRAINING")
        {
            throw new DeployException($"Service {options.ServiceName} in cluster {options.Cluster} is being deleted (DRAINING); wait until it is gone and deploy again.");
        }

        var exists = service is not null && service.Status != "INACTIVE";
        TaskDefinition? current = null;
        if (exists && service!.TaskDefinition is { } currentArn)
        {
            current = (await ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = currentArn }, cancellationToken)).TaskDefinition;
        }

        var currentRequest = current?.ToRegisterRequest();
        if (currentRequest is not null && TaskDefinitionDiff.SameContent(currentRequest, definition))
        {
            return await UnchangedAsync(service!, current!, options, started, cancellationToken);
        }

        // 3. Dry run: show, touch nothing.
        var network = ServiceCalls.Network(options);
        var deployment = ServiceCalls.DeploymentConfiguration;
        if (options.DryRun)
        {
            PrintDryRun(options, currentRequest, current, definition, exists ? service : null, network);
            return new DeployResult(DeployOutcome.DryRun, definition.Family, clock.GetUtcNow() - started, options.ServiceUrl);
        }

        // 4. Register (unless an earlier run that did not finish already did: the same content is not a new revision);
        // create or update.
        var arn = await LatestIdenticalRevisionAsync(definition, current, cancellationToken);
        if (arn is null)
        {
            var registered = (await ecs.RegisterTaskDefinitionAsync(definition, cancellationToken)).TaskDefinition;
            arn = registered?.TaskDefinitionArn ?? throw new DeployException($"RegisterTaskDefinition returned no task definition for family {definition.Family}.");
            log.Information($"Registered {RolloutDecision.Revision(arn)}{(current is null ? "" : $" (was {RolloutDecision.Revision(current.TaskDefinitionArn)})")}");
        }

        var revision = RolloutDecision.Revision(arn);

        var loadBalanced = options.TargetGroupArn is not null;
        EcsService? updated;
        if (!exists)
        {
            log.Information($"Creating service {options.ServiceName} in cluster {options.Cluster} (Fargate, {options.DesiredCount} task{(options.DesiredCount == 1 ? "" : "s")})");
            updated = (await ecs.CreateServiceAsync(
                new CreateServiceRequest
                {
                    Cluster = options.Cluster,
                    ServiceName = options.ServiceName,
                    TaskDefinition = arn,
                    DesiredCount = options.DesiredCount,
                    LaunchType = "FARGATE",
                    SchedulingStrategy = "REPLICA",
                    DeploymentController = new DeploymentController("ECS"),
                    NetworkConfiguration = network,
                    LoadBalancers = loadBalanced ? [ServiceCalls.LoadBalancer(options)] : null,
                    HealthCheckGracePeriodSeconds = loadBalanced ? (int)options.HealthCheckGracePeriod.TotalSeconds : null,
                    DeploymentConfiguration = deployment,
                },
                cancellationToken)).Service;
        }
        else
        {
            log.Information($"Updating service {options.ServiceName} to {revision}");
            updated = (await ecs.UpdateServiceAsync(
                new UpdateServiceRequest
                {
                    Cluster = options.Cluster,
                    Service = options.ServiceName,
                    TaskDefinition = arn,
                    NetworkConfiguration = network,
                    HealthCheckGracePeriodSeconds = loadBalanced && service!.LoadBalancers is { Count: > 0 } ? (int)options.HealthCheckGracePeriod.TotalSeconds : null,
                    DeploymentConfiguration = deployment,
                },
                cancellationToken)).Service;
        }

        // 5. Wait for our deployment to be PRIMARY, COMPLETED and fully running.
        await watcher.WaitAsync(ServiceCalls.WatchFor(updated, options.Cluster, options.ServiceName, arn, definition.ContainerDefinitions, started), options.Timeout, cancellationToken);
        ServiceCalls.PrintUrl(log, options.ServiceUrl);
        return new DeployResult(DeployOutcome.Deployed, revision, clock.GetUtcNow() - started, options.ServiceUrl);
    }

    /// <summary>The family's newest active revision when it is not the service's and has exactly this content (left by a
    /// run that registered it and then failed or was interrupted); null otherwise.</summary>
    private async Task<string?> LatestIdenticalRevisionAsync(RegisterTaskDefinitionRequest definition, TaskDefinition? current, CancellationToken cancellationToken)
    {
        var listed = (await ecs.ListTaskDefinitionsAsync(
            new ListTaskDefinitionsRequest { FamilyPrefix = definition.Family, Status = "ACTIVE", Sort = "DESC", MaxResults = 1 }, cancellationToken))
            .TaskDefinitionArns;
        var latest = listed is { Count: > 0 } ? listed[0] : null;
        if (latest is null || latest == current?.TaskDefinitionArn)
            return null;
        var described = (await ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = latest }, cancellationToken)).TaskDefinition;
        if (described is null || !TaskDefinitionDiff.SameContent(described.ToRegisterRequest(), definition))
            return null;
        log.Information($"Reusing {RolloutDecision.Revision(latest)}: it already has this content (registered by an earlier run that did not finish); nothing registered");
        return latest;
    }

    private async Task<DeployResult> UnchangedAsync(EcsService service, TaskDefinition current, DeployOptions options, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var revision = RolloutDecision.Revision(current.TaskDefinitionArn);
        log.Information($"Unchanged: {options.ServiceName} already runs {revision} with this content and these image digests; nothing registered or updated.");
        var primary = service.PrimaryDeployment;
        if (!options.DryRun && primary is not null && primary.TaskDefinition == current.TaskDefinitionArn && primary.RolloutState == "IN_PROGRESS")
        {
            log.Information("Its rollout is still in progress; waiting for it.");
            await watcher.WaitAsync(
                new RolloutWatch(options.Cluster, options.ServiceName, new RolloutTarget(primary.Id, current.TaskDefinitionArn!), primary.CreatedAt ?? started, current.ContainerDefinitions ?? []),
                options.Timeout,
                cancellationToken);
        }

        ServiceCalls.PrintUrl(log, options.ServiceUrl);
        return new DeployResult(DeployOutcome.Unchanged, revision, clock.GetUtcNow() - started, options.ServiceUrl);
    }

    private async Task<ImageReference> ResolveAsync(ImageReference image, CancellationToken cancellationToken)
    {
        var id = image.Digest is { } digest ? ImageIdentifier.ForDigest(digest) : ImageIdentifier.ForTag(image.Tag!);
        DescribeImagesResponse found;
        try
        {
            found = await ecr.DescribeImagesAsync(
                new DescribeImagesRequest { RegistryId = image.RegistryId, RepositoryName = image.RepositoryName, ImageIds = [id] }, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Code is "ImageNotFoundException" or "RepositoryNotFoundException")
        {
            throw new DeployException(
                $"Image {image} is not in ECR ({e.Code}: {e.ErrorMessage}). Push it first (PushEcr); nothing was registered or updated.", e);
        }

        var pinned = found.ImageDetails?.FirstOrDefault(d => d.ImageDigest is not null)?.ImageDigest
            ?? throw new DeployException($"Image {image} is not in ECR repository {image.RepositoryName}. Push it first (PushEcr); nothing was registered or updated.");
        var resolved = image.WithDigest(pinned);
        log.Information(image.Digest is null ? $"Image {image} is {pinned} in ECR" : $"Image {resolved} is in ECR");
        return resolved;
    }

    private static void CheckLoadBalancedContainer(RegisterTaskDefinitionRequest definition, DeployOptions options)
    {
        if (options.TargetGroupArn is null)
        {
            return;
        }

        var name = options.LoadBalancedContainer ?? options.ServiceName;
        var container = definition.ContainerDefinitions.FirstOrDefault(c => c.Name == name);
        if (container is null || container.PortMappings?.Any(p => p.ContainerPort == options.ContainerPort) != true)
        {
            throw new TaskDefinitionTemplateException(
                $"{options.TemplatePath}: the load balancer sends to container {name} on port {options.ContainerPort}, "
                + $"but {(container is null ? "no container has that name" : "that container maps no such port")} "
                + $"(containers: {string.Join(", ", definition.ContainerDefinitions.Select(c => c.Name))}).");
        }
    }

    private void PrintDryRun(
        DeployOptions options,
        RegisterTaskDefinitionRequest? currentRequest,
        TaskDefinition? current,
        RegisterTaskDefinitionRequest definition,
        EcsService? service,
        NetworkConfiguration network)
    {
        log.Information("Dry run: nothing is registered, created or updated.");
        log.Information(current is null
            ? $"Task definition {definition.Family}: new (every line added)"
            : $"Task definition {RolloutDecision.Revision(current.TaskDefinitionArn)} → a new revision of {definition.Family}:");
        log.Write(TaskDefinitionDiff.Text(TaskDefinitionDiff.Lines(currentRequest, definition)).TrimEnd('\n'));
        foreach (var line in ServiceCalls.Changes(options, service, network))
        {
            log.Information(line);
        }
    }
}
