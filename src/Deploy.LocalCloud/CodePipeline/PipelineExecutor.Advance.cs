using System.Text.Json.Nodes;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.LocalCloud.CodePipeline;

internal sealed partial class PipelineExecutor
{
    /// <summary>
    /// One round, inside the store's lock: record finished actions, move each execution on (next run order, next stage,
    /// end), supersede older executions waiting at the same stage boundary, let the newest waiting one into each free
    /// stage. Actions are launched and events published after the lock is released.
    /// </summary>
    internal void Advance()
    {
        if (!store.Read(state => state.Executions.Values.Any(e => e.IsActive)))
        {
            return; // nothing to move on: do not rewrite the store twice a second
        }

        var emitted = new List<BusEvent>();
        var launches = new List<(PipelineExecutionRecord Execution, ActionRunRecord Action)>();
        store.Update(state =>
        {
            var active = state.Executions.Values.Where(e => e.IsActive).OrderBy(e => e.StartTime).ToList();
            foreach (var execution in active)
            {
                CollectFinishedActions(execution, emitted);
                Progress(execution, emitted, launches);
            }

            foreach (var boundary in active.Where(e => e.Status == "InProgress" && e.Waiting).GroupBy(e => (e.PipelineName, e.StageIndex)))
            {
                var newest = boundary.OrderByDescending(e => e.StartTime).First();
                foreach (var older in boundary.Where(e => e != newest))
                {
                    older.Status = "Superseded";
                    older.StatusSummary = $"Superseded by pipeline execution {newest.Id}";
                    older.LastUpdateTime = store.Now;
                    emitted.Add(events.Execution(older, "SUPERSEDED"));
                }

                var occupied = active.Any(e => e.PipelineName == newest.PipelineName && e.IsActive && !e.Waiting && e.StageIndex == newest.StageIndex);
                if (!occupied)
                {
                    Enter(newest, emitted);
                    Progress(newest, emitted, launches);
                }
            }

            return true;
        });
        foreach (var (execution, action) in launches)
        {
            Launch(execution, action);
        }

        events.Publish(emitted);
    }

    private void CollectFinishedActions(PipelineExecutionRecord execution, List<BusEvent> emitted)
    {
        foreach (var action in execution.Actions)
        {
            if (!running.TryGetValue(action.ActionExecutionId, out var run) || !run.Task.IsCompleted)
            {
                continue;
            }

            if (run.Task.IsCanceled && stopping.IsCancellationRequested)
            {
                continue; // the local cloud is stopping: the restart ends this action with its reason
            }

            running.TryRemove(action.ActionExecutionId, out _);
            run.Cancellation.Dispose();
            if (action.Status != "InProgress")
            {
                continue; // abandoned: its end no longer counts
            }

            action.LastUpdateTime = store.Now;
            if (run.Task.IsCompletedSuccessfully)
            {
                Succeed(execution, action, run.Task.Result);
                emitted.Add(events.Action(execution, action, "SUCCEEDED"));
                continue;
            }

            var failure = run.Task.Exception?.InnerException;
            action.Status = "Failed";
            action.ErrorCode = "JobFailed";
            action.ErrorMessage = failure switch
            {
                PipelineActionException known => known.Message,
                null => "The action was cancelled.",
                _ => $"The action failed unexpectedly: {failure.Message}",
            };
            action.ExternalExecutionId ??= (failure as PipelineActionException)?.ExternalExecutionId;
            emitted.Add(events.Action(execution, action, "FAILED"));
        }
    }

    private static void Succeed(PipelineExecutionRecord execution, ActionRunRecord action, ActionOutcome outcome)
    {
        action.Status = "Succeeded";
        action.ExternalExecutionId = outcome.ExternalExecutionId ?? action.ExternalExecutionId;
        action.Summary = outcome.Summary ?? action.Summary;
        action.OutputVariables = new Dictionary<string, string>(outcome.OutputVariables, StringComparer.Ordinal);
        foreach (var artifact in action.OutputArtifacts)
        {
            execution.Artifacts[artifact.Name] = artifact;
        }

        if (action.Namespace is not null)
        {
            execution.Variables[action.Namespace] = action.OutputVariables;
        }

        if (outcome.Revision is { } revision)
        {
            execution.SourceRevisions.RemoveAll(r => r.ActionName == action.ActionName);
            execution.SourceRevisions.Add(new SourceRevisionRecord(action.ActionName, action.OutputArtifacts.FirstOrDefault()?.Name ?? string.Empty,
                revision.RevisionId, revision.Summary, revision.Created));
        }
    }

    /// <summary>Moves an execution that is inside a stage on, once nothing of it is in progress.</summary>
    private void Progress(PipelineExecutionRecord execution, List<BusEvent> emitted, List<(PipelineExecutionRecord, ActionRunRecord)> launches)
    {
        if (execution.Waiting)
        {
            if (execution.Status == "Stopping")
            {
                End(execution, "Stopped", emitted);
            }

            return;
        }

        var name = execution.StageName(execution.StageIndex);
        var stage = execution.Stages.First(s => s.Name == name);
        var current = execution.Actions.Where(a => a.StageName == name && !a.Replaced).ToList();
        if (current.Any(a => a.Status == "InProgress"))
        {
            return;
        }

        var failed = current.FirstOrDefault(a => a.Status is "Failed" or "Abandoned");
        if (failed is not null || execution.Status == "Stopping")
        {
            var ending = execution.Status == "Stopping" ? "Stopped" : "Failed";
            stage.Status = ending;
            emitted.Add(events.Stage(execution, name, ending.ToUpperInvariant()));
            if (ending == "Failed")
            {
                execution.StatusSummary = $"Action {failed!.ActionName} of stage {name} failed: {failed.ErrorMessage}";
            }

            End(execution, ending, emitted);
            return;
        }

        var declared = execution.StageDeclarations[execution.StageIndex]!["actions"]!.AsArray().OfType<JsonObject>().ToList();
        var pending = declared.Where(d => current.All(a => a.ActionName != d["name"]!.GetValue<string>())).ToList();
        if (pending.Count > 0)
        {
            var runOrder = pending.Min(RunOrder);
            foreach (var declaration in pending.Where(d => RunOrder(d) == runOrder))
            {
                launches.Add((execution, StartAction(execution, name, declaration, emitted)));
            }

            return;
        }

        stage.Status = "Succeeded";
        emitted.Add(events.Stage(execution, name, "SUCCEEDED"));
        if (execution.StageIndex == execution.StageDeclarations.Count - 1)
        {
            End(execution, "Succeeded", emitted);
            return;
        }

        execution.StageIndex++;
        execution.Waiting = true;
        execution.LastUpdateTime = store.Now;
    }

    private void Enter(PipelineExecutionRecord execution, List<BusEvent> emitted)
    {
        var name = execution.StageName(execution.StageIndex);
        var stage = execution.Stages.FirstOrDefault(s => s.Name == name);
        var resumed = stage is not null;
        if (stage is null)
        {
            stage = new StageRunRecord { Name = name, Status = "InProgress", StartTime = store.Now };
            execution.Stages.Add(stage);
        }

        stage.Status = "InProgress";
        execution.Waiting = false;
        execution.LastUpdateTime = store.Now;
        emitted.Add(events.Stage(execution, name, resumed ? "RESUMED" : "STARTED"));
    }

    private void End(PipelineExecutionRecord execution, string status, List<BusEvent> emitted)
    {
        execution.Status = status;
        execution.LastUpdateTime = store.Now;
        emitted.Add(events.Execution(execution, status.ToUpperInvariant()));
    }

    private ActionRunRecord StartAction(PipelineExecutionRecord execution, string stageName, JsonObject declaration, List<BusEvent> emitted)
    {
        var now = store.Now;
        var actionName = declaration["name"]!.GetValue<string>();
        var configuration = declaration["configuration"] as JsonObject ?? [];
        var bucket = ArtifactBucket(execution.Pipeline);
        var action = new ActionRunRecord
        {
            ActionExecutionId = Guid.NewGuid().ToString(),
            StageName = stageName,
            ActionName = actionName,
            RunOrder = RunOrder(declaration),
            StartTime = now,
            LastUpdateTime = now,
            ActionTypeId = (JsonObject)declaration["actionTypeId"]!.DeepClone(),
            Configuration = (JsonObject)configuration.DeepClone(),
            ResolvedConfiguration = PipelineVariables.Resolve(configuration, execution.Variables, out var unresolved),
            RoleArn = declaration["roleArn"]?.GetValue<string>() ?? execution.Pipeline["roleArn"]?.GetValue<string>(),
            Namespace = declaration["namespace"]?.GetValue<string>(),
            OutputArtifacts = [.. Names(declaration["outputArtifacts"]).Select(n => PipelineArtifacts.NewLocation(bucket, execution.PipelineName, n))],
        };
        var missing = new List<string>();
        foreach (var input in Names(declaration["inputArtifacts"]))
        {
            if (execution.Artifacts.TryGetValue(input, out var location))
            {
                action.InputArtifacts.Add(location);
            }
            else
            {
                missing.Add(input);
            }
        }

        execution.Actions.Add(action);
        emitted.Add(events.Action(execution, action, "STARTED"));
        if (unresolved is not null || missing.Count > 0)
        {
            // Launch fails it at once with this reason (the same path as any other failure).
            action.ErrorMessage = unresolved is not null
                ? $"The variable {unresolved} in the configuration of action {actionName} could not be resolved."
                : $"The input artifact {string.Join(", ", missing)} of action {actionName} was not produced by an earlier action.";
        }

        return action;
    }

    private void Launch(PipelineExecutionRecord execution, ActionRunRecord action)
    {
        var category = action.ActionTypeId["category"]?.GetValue<string>();
        var owner = action.ActionTypeId["owner"]?.GetValue<string>();
        var provider = action.ActionTypeId["provider"]?.GetValue<string>();
        var handler = owner == "AWS" ? actions.FirstOrDefault(a => a.Category == category && a.Provider == provider) : null;
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        // The commit CodeBuild reports as resolvedSourceVersion: the source revision behind the primary input.
        var primaryInput = action.ResolvedConfiguration["PrimarySource"]?.GetValue<string>() ?? action.InputArtifacts.FirstOrDefault()?.Name;
        var run = new ActionRun(
            execution.PipelineName,
            execution.Id,
            action.ActionExecutionId,
            action.StageName,
            action.ActionName,
            action.ResolvedConfiguration,
            action.InputArtifacts,
            action.OutputArtifacts,
            execution.PinnedRevisions.GetValueOrDefault(action.ActionName),
            execution.SourceRevisions.FirstOrDefault(r => r.ArtifactName == primaryInput)?.RevisionId,
            (externalId, summary) => ReportProgress(execution.Id, action.ActionExecutionId, externalId, summary));
        Task<ActionOutcome> task = action.ErrorMessage is { } reason
            ? Task.FromException<ActionOutcome>(new PipelineActionException(reason))
            : handler is null
                ? Task.FromException<ActionOutcome>(new PipelineActionException($"The local cloud does not run {category}/{owner}/{provider} actions (it runs Source/AWS/CodeCommit, Build/AWS/CodeBuild and Deploy/AWS/ECS)."))
                : Task.Run(() => handler.RunAsync(run with { Role = ActAs(action) }, cancellation.Token), cancellation.Token);
        running[action.ActionExecutionId] = new RunningAction(task, cancellation);
        _ = task.ContinueWith(_ => Wake(), TaskScheduler.Default);
    }

    /// <summary>The session of the action's role CodePipeline assumes to run it; a role it may not assume fails the action.</summary>
    private ServiceRoleSession ActAs(ActionRunRecord action)
    {
        try
        {
            return roles.Assume(action.RoleArn, "codepipeline.amazonaws.com", action.ActionExecutionId, "CodePipeline");
        }
        catch (RoleSessionDeniedException denied)
        {
            throw new PipelineActionException(denied.Message);
        }
    }

    private void ReportProgress(string executionId, string actionExecutionId, string? externalId, string? summary) => store.Update(state =>
    {
        var action = state.Executions.GetValueOrDefault(executionId)?.Actions.FirstOrDefault(a => a.ActionExecutionId == actionExecutionId);
        if (action is { Status: "InProgress" })
        {
            action.ExternalExecutionId = externalId ?? action.ExternalExecutionId;
            action.Summary = summary ?? action.Summary;
            action.LastUpdateTime = store.Now;
        }

        return true;
    });

    private static int RunOrder(JsonObject declaration) => declaration["runOrder"]?.GetValue<int>() ?? 1;

    private static IEnumerable<string> Names(JsonNode? artifacts) =>
        (artifacts as JsonArray ?? []).OfType<JsonObject>().Select(a => a["name"]!.GetValue<string>());

    /// <summary>The artifact store's bucket (<c>artifactStore</c>, or the first of <c>artifactStores</c>).</summary>
    internal static string ArtifactBucket(JsonObject pipeline) =>
        pipeline["artifactStore"]?["location"]?.GetValue<string>()
        ?? (pipeline["artifactStores"] as JsonObject)?.Select(p => p.Value?["location"]?.GetValue<string>()).FirstOrDefault(l => l is not null)
        ?? string.Empty;
}
