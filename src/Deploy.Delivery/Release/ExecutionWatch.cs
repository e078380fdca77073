using Deploy.Aws.CodePipeline;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;
using Deploy.Engine;

namespace Deploy.Delivery.Release;

/// <summary>
/// Follows one execution to its end. Each look: GetPipelineExecution (its status), ListActionExecutions filtered by it
/// (its actions), the transitions printed (<see cref="ExecutionProgress"/>), the new lines of its CodeBuild runs
/// (<see cref="BuildLogTail"/>), the ECS service while its deploy action runs (<see cref="EcsDeployWatch"/>); when it is
/// waiting with nothing running, GetPipelineState says whether the next stage's inbound transition is disabled. Lines only:
/// nothing redraws, so a CI log reads the same as a terminal.
/// </summary>
internal sealed class ExecutionWatch(
    CodePipelineClient pipelines,
    EcsClient ecs,
    LogsClient logs,
    BuildLogTail buildLogs,
    IBuildLog log,
    TimeProvider clock,
    Func<TimeSpan, CancellationToken, Task> delay,
    PipelineLayout layout,
    ReleaseOptions options)
{
    private static readonly HashSet<string> Ended = new(StringComparer.Ordinal) { "Succeeded", "Failed", "Stopped", "Cancelled", "Superseded" };

    private readonly ExecutionProgress progress = new(layout);
    private readonly EcsDeployWatch deployWatch = new(ecs, logs, log);
    private readonly HashSet<string> finishedActions = new(StringComparer.Ordinal);
    private readonly HashSet<string> checkedTransitions = new(StringComparer.Ordinal);
    private string? waitingNote;

    /// <summary>Looks until the execution ends; returns it as GetPipelineExecution last showed it.</summary>
    /// <exception cref="ReleaseException">The deadline passed first.</exception>
    public async Task<PipelineExecution> RunAsync(PipelineExecutionSummary execution, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var id = execution.PipelineExecutionId!;
        var idle = 0;
        while (true)
        {
            var current = (await pipelines.GetPipelineExecutionAsync(new GetPipelineExecutionRequest(layout.Name, id), cancellationToken)).PipelineExecution
                ?? throw new ReleaseException($"GetPipelineExecution returned nothing for execution {id} of pipeline {layout.Name}.");
            var details = new List<ActionExecutionDetail>();
            await foreach (var detail in pipelines.ListAllActionExecutionsAsync(
                new ListActionExecutionsRequest { PipelineName = layout.Name, Filter = new ActionExecutionFilter(id) }, cancellationToken))
            {
                details.Add(detail);
            }

            // In declaration order: an action's opening line, then what it printed; what it printed, then its closing line.
            var running = await ReportAsync(progress.Update(details), cancellationToken);

            if (current.Status is { } status && Ended.Contains(status))
            {
                return current;
            }

            idle = running ? 0 : idle + 1;
            if (idle >= 2)
            {
                await CheckTransitionAsync(cancellationToken);
            }

            var remaining = deadline - clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new ReleaseException(
                    $"Execution {id} of pipeline {layout.Name} is still {current.Status} {Position()} after {PipelineText.Duration(options.Timeout)}"
                    + $"{(waitingNote is null ? "" : "; " + waitingNote)}. It goes on in CodePipeline; raise --release-timeout to wait longer.");
            }

            await delay(options.PollInterval < remaining ? options.PollInterval : remaining, cancellationToken);
        }
    }

    /// <summary>The first action of the execution that failed, as declared; null when none did.</summary>
    public ActionLayout? FailedAction() => progress.FirstFailed()?.Action;

    /// <summary>Where the execution stands, for messages: <c>at stage Build (action Build InProgress)</c>.</summary>
    public string Position() => progress.Position();

    /// <summary>The failure message: stage, action, its error, and the build's failing phase and log or the ECS tasks.</summary>
    public async Task<string> ExplainFailureAsync(string id, string commit, string? statusSummary, CancellationToken cancellationToken)
    {
        var head = $"Execution {id} of pipeline {layout.Name} (commit {PipelineText.Short(commit)}) failed";
        if (progress.FirstFailed() is not { } failed)
        {
            return $"{head}: {(string.IsNullOrWhiteSpace(statusSummary) ? "CodePipeline names no failed action" : statusSummary.Trim())}.";
        }

        var result = failed.Detail.Output?.ExecutionResult;
        var error = result?.ErrorDetails is { } details ? ExecutionProgress.Error(details) : result?.ExternalExecutionSummary ?? "no error details";
        var text = $"{head} at stage {failed.Action.Stage}, action {failed.Action.Name} ({failed.Action.Provider}{(failed.Detail.Status == "Failed" ? "" : ", " + failed.Detail.Status)}): {error}";
        if (failed.Action.IsCodeBuild && result?.ExternalExecutionId is { } buildId)
        {
            text += await new BuildFailureReport(buildLogs, logs, options.FailedBuildLogLines).DescribeAsync(buildId, cancellationToken);
        }
        else if (failed.Action.IsEcsDeploy)
        {
            text += await deployWatch.ExplainFailureAsync(failed.Action, failed.Detail, cancellationToken);
        }

        return text;
    }

    /// <summary><c>family:revision</c> the pipeline's ECS service runs now; null without an ECS deploy action.</summary>
    public async Task<string?> RunningRevisionAsync(CancellationToken cancellationToken) =>
        layout.EcsDeploy is { } deploy ? await deployWatch.RunningRevisionAsync(deploy, progress.Latest.GetValueOrDefault(deploy.Path), cancellationToken) : null;

    /// <summary>Prints the transitions with each action's build log or ECS events at its place; true when an action runs.</summary>
    private async Task<bool> ReportAsync(IReadOnlyList<ProgressLine> lines, CancellationToken cancellationToken)
    {
        var followed = new HashSet<ActionLayout>();
        foreach (var line in lines)
        {
            if (line.Action is { } closing && !line.Opens && followed.Add(closing))
            {
                await FollowAsync(closing, cancellationToken);
            }

            log.Information(line.Text);
            if (line.Action is { } opening && line.Opens && followed.Add(opening))
            {
                await FollowAsync(opening, cancellationToken);
            }
        }

        var running = false;
        foreach (var action in layout.Actions)
        {
            running |= followed.Contains(action) ? progress.Latest[action.Path].Status == "InProgress" : await FollowAsync(action, cancellationToken);
        }

        return running;
    }

    /// <summary>The build log or the ECS service of an action that runs, plus one last look at it once it ended; true while it runs.</summary>
    private async Task<bool> FollowAsync(ActionLayout action, CancellationToken cancellationToken)
    {
        if (!progress.Latest.TryGetValue(action.Path, out var detail) || detail.Status is null)
        {
            return false;
        }

        var running = detail.Status == "InProgress";
        if (!running && !finishedActions.Add($"{action.Path} {detail.ActionExecutionId}"))
        {
            return false;
        }

        if (action.IsCodeBuild && detail.Output?.ExecutionResult?.ExternalExecutionId is { } buildId)
        {
            await buildLogs.PumpAsync(buildId, cancellationToken);
        }
        else if (action.IsEcsDeploy)
        {
            await deployWatch.PollAsync(action, detail, cancellationToken);
        }

        return running;
    }

    /// <summary>Nothing runs: a disabled inbound transition of the next stage would hold the execution forever. Said once per stage.</summary>
    private async Task CheckTransitionAsync(CancellationToken cancellationToken)
    {
        if (progress.NextStage() is not { } next || !checkedTransitions.Add(next.Name))
        {
            return;
        }

        var state = await pipelines.GetPipelineStateAsync(new GetPipelineStateRequest(layout.Name), cancellationToken);
        var transition = state.StageStates?.FirstOrDefault(s => s.StageName == next.Name)?.InboundTransitionState;
        if (transition?.Enabled == false)
        {
            waitingNote = $"the transition into stage {next.Name} is disabled"
                + $"{(string.IsNullOrWhiteSpace(transition.DisabledReason) ? "" : $" ({transition.DisabledReason.Trim()})")}"
                + $"{(transition.LastChangedBy is null ? "" : $" by {transition.LastChangedBy}")}";
            log.Warning($"Waiting: {waitingNote}. Enable it with: aws codepipeline enable-stage-transition --pipeline-name {layout.Name} "
                + $"--stage-name {next.Name} --transition-type Inbound");
        }
    }
}
