using Deploy.Aws;
using Deploy.Aws.CodeBuild;
using Deploy.Aws.CodeCommit;
using Deploy.Aws.CodePipeline;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;
using Deploy.Engine;

namespace Deploy.Delivery.Release;

/// <summary>
/// Release: the user's view of the pipeline a push started. Reads the pipeline's declaration, takes the commit its source
/// branch is at (what Mirror pushed), finds the execution that commit started, and follows it with
/// <see cref="ExecutionWatch"/> — stage and action transitions, the build log, the ECS deployment — to its end. A superseded
/// execution hands over to the newer one that overtook it. Only AWS's own APIs are called, so the same code follows a
/// pipeline on AWS and on the local cloud.
/// </summary>
public sealed class PipelineFollower(
    CodePipelineClient pipelines,
    CodeBuildClient codeBuild,
    LogsClient logs,
    EcsClient ecs,
    CodeCommitClient codeCommit,
    IBuildLog log,
    TimeProvider? clock = null,
    Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly Func<TimeSpan, CancellationToken, Task> delay = delay ?? ((d, ct) => Task.Delay(d, clock ?? TimeProvider.System, ct));

    /// <summary>Follows the execution of <see cref="ReleaseOptions.Commit"/> (default: the source branch's head) until it ends.</summary>
    /// <exception cref="ReleaseException">No execution started, it failed (stage, action, error, build log or ECS tasks), was
    /// stopped or superseded without a successor, the wait ran out, or an AWS call failed (named).</exception>
    public async Task<ReleaseResult> FollowAsync(ReleaseOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return await RunAsync(options, cancellationToken);
        }
        catch (AwsServiceException e)
        {
            throw new ReleaseException($"Release could not follow pipeline {options.PipelineName}: {e.Message}", e);
        }
    }

    private async Task<ReleaseResult> RunAsync(ReleaseOptions options, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var deadline = started + options.Timeout;
        var finder = new ExecutionFinder(pipelines, log, clock, delay);
        var buildLogs = new BuildLogTail(codeBuild, logs, log, options.FailedBuildLogLines);

        // 1. The pipeline as declared: its stages in order, its source branch, its ECS deploy action.
        var layout = await LayoutAsync(options.PipelineName, cancellationToken);

        // 2. The commit: what Mirror pushed to the source branch, unless the caller names one.
        var commit = options.Commit ?? await BranchHeadAsync(layout, cancellationToken);
        if (options.CheckoutCommit is { Length: > 0 } checkout && !string.Equals(checkout, commit, StringComparison.OrdinalIgnoreCase))
        {
            log.Information($"This checkout is at {PipelineText.Short(checkout)}, not at {PipelineText.Short(commit)}: Release follows what the pipeline builds "
                + $"({layout.Source?.BranchName ?? "its source branch"}); merge your work there to release it.");
        }

        // 3. The execution it started (bounded wait; the start wait counts against the overall timeout too).
        var startWait = options.StartTimeout < options.Timeout ? options.StartTimeout : options.Timeout;
        var execution = await finder.FindAsync(options with { StartTimeout = startWait }, layout, commit, cancellationToken);
        Announce(execution, layout);

        // 4. A new platform has no service yet: the pipeline's ECS action only updates one, so this release creates it.
        var createService = layout.EcsDeploy is { } ecsDeploy && await ServiceMissingAsync(ecsDeploy, options, cancellationToken);

        // 5. Follow it to its end; a superseded execution hands over to the newer one that overtook it.
        ExecutionWatch? watch = null;
        while (true)
        {
            watch ??= new ExecutionWatch(pipelines, ecs, logs, buildLogs, log, clock, delay, layout, options);
            var end = await watch.RunAsync(execution, deadline, cancellationToken);
            var id = execution.PipelineExecutionId!;
            var built = ExecutionFinder.Built(execution, layout) ?? commit;
            switch (end.Status)
            {
                case "Succeeded":
                    return await SucceededAsync(watch, id, built, options, started, cancellationToken);
                case "Failed" when createService && watch.FailedAction() is { IsEcsDeploy: true } deploy && await ServiceMissingAsync(deploy, options, cancellationToken):
                    createService = false;
                    await CreateServiceAndRetryAsync(deploy, id, built, options, cancellationToken);
                    continue; // the same execution again, from its Deploy stage
                case "Superseded":
                    watch = null;
                    execution = await finder.SuccessorAsync(layout.Name, execution, cancellationToken)
                        ?? throw new ReleaseException(
                            $"Execution {id} of pipeline {layout.Name} (commit {PipelineText.Short(built)}) was superseded, but no newer execution is listed; "
                            + $"nothing has deployed {PipelineText.Short(built)}. Start the pipeline again (aws codepipeline start-pipeline-execution --name {layout.Name}).");
                    log.Information(
                        $"Execution {id} ({PipelineText.Short(built)}) was superseded by execution {execution.PipelineExecutionId} for "
                        + $"{PipelineText.Short(ExecutionFinder.Built(execution, layout))} \"{PipelineText.FirstLine(ExecutionFinder.Message(execution, layout))}\", "
                        + $"a newer commit on {layout.Source?.BranchName ?? "the source branch"} that carries it; following that one.");
                    continue;
                case "Failed":
                    throw new ReleaseException(await watch.ExplainFailureAsync(id, built, end.StatusSummary, cancellationToken));
                default:
                    var summary = await finder.SummaryAsync(layout.Name, id, cancellationToken);
                    var reason = summary?.StopTrigger?.Reason ?? end.StatusSummary;
                    throw new ReleaseException(
                        $"Execution {id} of pipeline {layout.Name} (commit {PipelineText.Short(built)}) was {end.Status?.ToLowerInvariant() ?? "ended"} "
                        + $"{watch.Position()}{(string.IsNullOrWhiteSpace(reason) ? "" : ": " + reason.Trim())}. Nothing further of it will deploy.");
            }
        }
    }

    /// <summary>Whether the ECS deploy action's service does not exist (said once, with what this release does about it).</summary>
    private async Task<bool> ServiceMissingAsync(ActionLayout deploy, ReleaseOptions options, CancellationToken cancellationToken)
    {
        if (!deploy.Configuration.TryGetValue("ClusterName", out var cluster) || !deploy.Configuration.TryGetValue("ServiceName", out var service))
        {
            return false;
        }

        try
        {
            var found = await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [service] }, cancellationToken);
            if (found.Services is { Count: > 0 } services && services.Any(s => s.Status != "INACTIVE"))
            {
                return false;
            }
        }
        catch (AwsServiceException e) when (e.Code == "ClusterNotFoundException")
        {
            return false; // the platform itself is broken: the deploy action's own error says so
        }

        log.Information(options.CreateMissingService is null
            ? $"Service {service} does not exist in cluster {cluster}: the pipeline's Deploy action will fail (it updates a service, it does not create one). "
                + "Create it once with ./build.sh DeployFargate."
            : $"Service {service} does not exist in cluster {cluster} yet (a new platform): the pipeline's Deploy action only updates a service, so "
                + "this release creates it from the image the pipeline builds (as DeployFargate does) and then retries the Deploy stage.");
        return options.CreateMissingService is not null;
    }

    private async Task CreateServiceAndRetryAsync(ActionLayout deploy, string executionId, string commit, ReleaseOptions options, CancellationToken cancellationToken)
    {
        log.Information($"Stage {deploy.Stage} failed because service {deploy.Configuration["ServiceName"]} does not exist: creating it with the image of {PipelineText.Short(commit)}");
        var revision = await options.CreateMissingService!(commit, cancellationToken);
        await pipelines.RetryStageExecutionAsync(new RetryStageExecutionRequest(options.PipelineName, deploy.Stage, executionId, "FAILED_ACTIONS"), cancellationToken);
        log.Information($"Service created running {revision}; retrying stage {deploy.Stage} of execution {executionId}, so the pipeline deploys from now on");
    }

    private async Task<PipelineLayout> LayoutAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var declaration = (await pipelines.GetPipelineAsync(new GetPipelineRequest(name), cancellationToken)).Pipeline
                ?? throw new ReleaseException($"GetPipeline returned no declaration for pipeline {name}.");
            return PipelineLayout.From(declaration);
        }
        catch (AwsServiceException e) when (e.Code == "PipelineNotFoundException")
        {
            throw new ReleaseException($"Pipeline {name} does not exist ({e.ErrorMessage}). Run ProvisionInfra to create the platform, or check --stack-name.", e);
        }
    }

    private async Task<string> BranchHeadAsync(PipelineLayout layout, CancellationToken cancellationToken)
    {
        var source = layout.Source
            ?? throw new ReleaseException($"Pipeline {layout.Name} has no CodeCommit source action with RepositoryName and BranchName, so Release cannot tell which commit it builds.");
        try
        {
            var head = (await codeCommit.GetBranchAsync(new GetBranchRequest(source.RepositoryName, source.BranchName), cancellationToken)).Branch?.CommitId
                ?? throw new ReleaseException($"GetBranch returned no commit for branch {source.BranchName} of repository {source.RepositoryName}.");
            log.Information($"Pipeline {layout.Name} builds branch {source.BranchName} of CodeCommit repository {source.RepositoryName}, now at {PipelineText.Short(head)}");
            return head;
        }
        catch (AwsServiceException e) when (e.Code is "BranchDoesNotExistException" or "RepositoryDoesNotExistException")
        {
            throw new ReleaseException(
                $"{(e.Code == "BranchDoesNotExistException" ? $"Branch {source.BranchName} does not exist in" : "There is no")} CodeCommit repository {source.RepositoryName}, "
                + $"so there is nothing for pipeline {layout.Name} to build: Mirror pushes it (check --mirror-branches and that this checkout has branch {source.BranchName}).",
                e);
        }
    }

    private void Announce(PipelineExecutionSummary execution, PipelineLayout layout)
    {
        var trigger = execution.Trigger is { TriggerType: { } type } t ? $" by {type}{(string.IsNullOrEmpty(t.TriggerDetail) ? "" : $" ({t.TriggerDetail})")}" : "";
        var message = PipelineText.FirstLine(ExecutionFinder.Message(execution, layout));
        log.Information(
            $"Execution {execution.PipelineExecutionId} for {PipelineText.Short(ExecutionFinder.Built(execution, layout))}{(message.Length > 0 ? $" \"{message}\"" : "")}: "
            + $"{execution.Status}, started {PipelineText.Time(execution.StartTime)} UTC{trigger}");
    }

    private async Task<ReleaseResult> SucceededAsync(ExecutionWatch watch, string id, string commit, ReleaseOptions options, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var revision = await watch.RunningRevisionAsync(cancellationToken);
        var duration = clock.GetUtcNow() - started;
        log.Information($"Execution {id} Succeeded ({PipelineText.Short(commit)}, followed for {PipelineText.Duration(duration)})");
        if (revision is not null)
        {
            log.Information($"The service runs {revision}");
        }

        if (options.ServiceUrl is not null)
        {
            log.Information($"Service URL: {options.ServiceUrl}");
        }

        return new ReleaseResult(id, commit, revision, options.ServiceUrl, duration);
    }
}
