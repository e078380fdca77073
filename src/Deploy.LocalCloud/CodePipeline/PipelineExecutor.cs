using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>
/// Runs pipeline executions in SUPERSEDED mode: each stage holds one execution at a time; an execution that finished a
/// stage waits at the next stage's boundary, and a newer one arriving there replaces it (Superseded). A background loop
/// (<see cref="Advance"/>, twice a second and at once when woken) moves executions on; actions run as background tasks
/// (<see cref="IPipelineAction"/>), one file per provider, each as a session of the action's role (else the pipeline's)
/// that CodePipeline assumes. All state lives in <see cref="PipelineExecutionStore"/>.
/// </summary>
internal sealed partial class PipelineExecutor(
    PipelineStore pipelines,
    PipelineExecutionStore store,
    PipelineEvents events,
    IEnumerable<IPipelineAction> actions,
    ServiceRoleSessions roles,
    ILogger<PipelineExecutor> logger) : BackgroundService
{
    internal const string RestartReason = "The local cloud stopped while this execution was in progress; start a new execution or retry the stage.";

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, RunningAction> running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim wake = new(0);
    private readonly CancellationTokenSource stopping = new();

    private sealed record RunningAction(Task<ActionOutcome> Task, CancellationTokenSource Cancellation);

    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    /// <summary>Starts an execution of the pipeline's current version and returns its id.</summary>
    public string Start(string pipelineName, string triggerType, string? triggerDetail, IReadOnlyDictionary<string, string>? variables = null)
    {
        var document = pipelines.Get(pipelineName);
        var declaration = document["pipeline"]!.AsObject();
        var now = store.Now;
        var execution = new PipelineExecutionRecord
        {
            Id = Guid.NewGuid().ToString(),
            PipelineName = pipelineName,
            PipelineVersion = declaration["version"]!.GetValue<int>(),
            Pipeline = declaration,
            TriggerType = triggerType,
            TriggerDetail = triggerDetail,
            StartTime = now,
            LastUpdateTime = now,
        };
        execution.Variables["variables"] = PipelineVariables.Defaults(declaration, variables);
        PinSourceRevisions(execution);
        store.Update(state => state.Executions[execution.Id] = execution);
        events.Publish([events.Execution(execution, "STARTED")]);
        Wake();
        return execution.Id;
    }

    /// <summary>StopPipelineExecution: stop and wait (in-progress actions finish, nothing further starts) or abandon.</summary>
    public void Stop(string pipelineName, string executionId, bool abandon, string? reason)
    {
        var emitted = new List<BusEvent>();
        var abandoned = new List<CancellationTokenSource>();
        store.Update(state =>
        {
            var execution = Find(state, pipelineName, executionId);
            if (!execution.IsActive)
            {
                throw new AwsServiceException("PipelineExecutionNotStoppableException", $"Unable to stop pipeline execution {executionId}: its status is {execution.Status}, and only an InProgress execution can be stopped.");
            }

            if (execution.Status == "Stopping" && !abandon)
            {
                throw new AwsServiceException("DuplicatedStopRequestException", $"The pipeline execution {executionId} is already Stopping; you can still stop and abandon it.");
            }

            execution.Status = "Stopping";
            execution.StopReason = reason;
            execution.StatusSummary = reason;
            execution.LastUpdateTime = store.Now;
            emitted.Add(events.Execution(execution, "STOPPING"));
            if (abandon)
            {
                foreach (var action in execution.Actions.Where(a => a.Status == "InProgress"))
                {
                    action.Status = "Abandoned";
                    action.LastUpdateTime = store.Now;
                    if (running.TryGetValue(action.ActionExecutionId, out var task))
                    {
                        abandoned.Add(task.Cancellation);
                    }

                    emitted.Add(events.Action(execution, action, "ABANDONED"));
                }
            }

            return true;
        });
        foreach (var cancellation in abandoned)
        {
            // After the lock: a cancelled action's continuation may run on this thread and touch the store.
            cancellation.Cancel();
        }

        events.Publish(emitted);
        Wake();
    }

    /// <summary>RetryStageExecution: runs the stage's failed actions (FAILED_ACTIONS) or all of them (ALL_ACTIONS) again.</summary>
    public void Retry(string pipelineName, string stageName, string executionId, string mode)
    {
        var current = pipelines.Get(pipelineName)["pipeline"]!["version"]!.GetValue<int>();
        var emitted = new List<BusEvent>();
        store.Update(state =>
        {
            var execution = Find(state, pipelineName, executionId);
            var stageIndex = execution.StageDeclarations.Select((s, i) => (s, i)).FirstOrDefault(p => p.s!["name"]!.GetValue<string>() == stageName, (null, -1)).Item2;
            if (stageIndex < 0)
            {
                throw new AwsServiceException("StageNotFoundException", $"The stage {stageName} was not found in pipeline {pipelineName}.");
            }

            var stage = execution.Stages.FirstOrDefault(s => s.Name == stageName);
            if (execution.Status is not ("Failed" or "Stopped") || execution.StageIndex != stageIndex || stage?.Status is not ("Failed" or "Stopped"))
            {
                throw new AwsServiceException("StageNotRetryableException", $"Unable to retry stage {stageName}: execution {executionId} is {execution.Status} and did not fail or stop in that stage.");
            }

            if (execution.PipelineVersion != current)
            {
                throw new AwsServiceException("StageNotRetryableException", $"Unable to retry stage {stageName}: the pipeline changed (version {execution.PipelineVersion} → {current}) since execution {executionId} ran.");
            }

            if (state.Executions.Values.Any(other => other.PipelineName == pipelineName && other.StartTime > execution.StartTime && other.Stages.Any(s => s.Name == stageName)))
            {
                throw new AwsServiceException("NotLatestPipelineExecutionException", $"The stage {stageName} has run in a later execution of pipeline {pipelineName}; execution {executionId} is out of date.");
            }

            var rerun = execution.Actions.Where(a => a.StageName == stageName && !a.Replaced && (mode == "ALL_ACTIONS" || a.Status is "Failed" or "Abandoned")).ToList();
            if (rerun.Count == 0 && mode == "FAILED_ACTIONS" && stage.Status == "Failed")
            {
                throw new AwsServiceException("StageNotRetryableException", $"Unable to retry stage {stageName}: it has no failed actions.");
            }

            rerun.ForEach(a => a.Replaced = true);
            execution.Attempt++;
            execution.Status = "InProgress";
            execution.StatusSummary = null;
            execution.StopReason = null;
            execution.Waiting = true;
            execution.LastUpdateTime = store.Now;
            emitted.Add(events.Execution(execution, "RESUMED"));
            return true;
        });
        events.Publish(emitted);
        Wake();
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Recover();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Advance();
            }
#pragma warning disable CA1031 // the loop must survive one bad round; the next tick retries
            catch (Exception failure)
#pragma warning restore CA1031
            {
                LogAdvanceFailed(logger, failure);
            }

            try
            {
                await wake.WaitAsync(Tick, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Executions left in progress by a stop or crash of the local cloud end Failed (Stopped if they were stopping), with the reason.</summary>
    private void Recover()
    {
        var emitted = new List<BusEvent>();
        store.Update(state =>
        {
            foreach (var execution in state.Executions.Values.Where(e => e.IsActive))
            {
                var now = store.Now;
                var ending = execution.Status == "Stopping" ? "Stopped" : "Failed";
                foreach (var action in execution.Actions.Where(a => a.Status == "InProgress"))
                {
                    action.Status = "Failed";
                    action.ErrorCode = "JobFailed";
                    action.ErrorMessage = "The local cloud stopped while this action was in progress.";
                    action.LastUpdateTime = now;
                    emitted.Add(events.Action(execution, action, "FAILED"));
                }

                foreach (var stage in execution.Stages.Where(s => s.Status is "InProgress" or "Stopping"))
                {
                    stage.Status = ending;
                    emitted.Add(events.Stage(execution, stage.Name, ending.ToUpperInvariant()));
                }

                execution.Status = ending;
                execution.StatusSummary = RestartReason;
                execution.LastUpdateTime = now;
                emitted.Add(events.Execution(execution, ending.ToUpperInvariant()));
            }

            return true;
        });
        events.Publish(emitted);
    }

    private void PinSourceRevisions(PipelineExecutionRecord execution)
    {
        var source = actions.OfType<SourceCodeCommitAction>().FirstOrDefault();
        foreach (var action in execution.StageDeclarations.SelectMany(s => s!["actions"]!.AsArray()).OfType<JsonObject>())
        {
            var type = action["actionTypeId"];
            if (source is not null && type?["category"]?.GetValue<string>() == "Source" && type["provider"]?.GetValue<string>() == "CodeCommit"
                && action["configuration"]?["RepositoryName"]?.GetValue<string>() is { } repository
                && action["configuration"]?["BranchName"]?.GetValue<string>() is { } branch
                && source.ResolveHead(repository, branch) is { } head)
            {
                execution.PinnedRevisions[action["name"]!.GetValue<string>()] = head;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advancing pipeline executions failed")]
    private static partial void LogAdvanceFailed(ILogger logger, Exception failure);

    internal static PipelineExecutionRecord Find(PipelineExecutionsState state, string pipelineName, string executionId) =>
        state.Executions.GetValueOrDefault(executionId) is { } execution && execution.PipelineName == pipelineName
            ? execution
            : throw new AwsServiceException("PipelineExecutionNotFoundException", $"Pipeline execution {executionId} was not found in pipeline {pipelineName}.");
}
