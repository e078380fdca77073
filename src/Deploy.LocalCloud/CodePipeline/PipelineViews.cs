using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>The execution records as CodePipeline's API shapes them (GetPipelineState, GetPipelineExecution,
/// ListPipelineExecutions, ListActionExecutions).</summary>
internal static class PipelineViews
{
    public static JsonObject State(JsonObject document, IReadOnlyList<PipelineExecutionRecord> executions)
    {
        var pipeline = document["pipeline"]!.AsObject();
        var stages = new JsonArray();
        foreach (var (declaration, index) in pipeline["stages"]!.AsArray().OfType<JsonObject>().Select((s, i) => (s, i)))
        {
            var name = declaration["name"]!.GetValue<string>();
            var state = new JsonObject { ["stageName"] = name };
            var waiting = executions.Where(e => e.IsActive && e.Waiting && e.StageIndex < e.StageDeclarations.Count && e.StageName(e.StageIndex) == name).ToList();
            if (waiting.Count > 0)
            {
                state["inboundExecution"] = StageExecution(waiting[0].Id, "InProgress");
                state["inboundExecutions"] = new JsonArray([.. waiting.Select(w => (JsonNode?)StageExecution(w.Id, "InProgress"))]);
            }

            if (index > 0)
            {
                state["inboundTransitionState"] = new JsonObject { ["enabled"] = true };
            }

            var actions = new JsonArray();
            foreach (var action in declaration["actions"]!.AsArray().OfType<JsonObject>())
            {
                var actionName = action["name"]!.GetValue<string>();
                var actionState = new JsonObject { ["actionName"] = actionName };
                var latest = executions.SelectMany(e => e.Actions.Where(a => a.StageName == name && a.ActionName == actionName).Select(a => (Execution: e, Action: a)))
                    .OrderByDescending(p => p.Action.StartTime).FirstOrDefault();
                if (latest.Action is { } run)
                {
                    actionState["latestExecution"] = ActionExecution(run);
                    if (latest.Execution.SourceRevisions.FirstOrDefault(r => r.ActionName == actionName) is { } revision)
                    {
                        actionState["currentRevision"] = new JsonObject
                        {
                            ["revisionId"] = revision.RevisionId,
                            ["revisionChangeId"] = revision.RevisionId,
                            ["created"] = Time(revision.Created),
                        };
                    }
                }

                actions.Add(actionState);
            }

            state["actionStates"] = actions;
            var entered = executions.Select(e => (Execution: e, Stage: e.Stages.FirstOrDefault(s => s.Name == name)))
                .Where(p => p.Stage is not null).OrderByDescending(p => p.Stage!.StartTime).FirstOrDefault();
            if (entered.Stage is { } stage)
            {
                state["latestExecution"] = StageExecution(entered.Execution.Id, stage.Status);
            }

            stages.Add(state);
        }

        return new JsonObject
        {
            ["pipelineName"] = pipeline["name"]!.DeepClone(),
            ["pipelineVersion"] = pipeline["version"]!.DeepClone(),
            ["stageStates"] = stages,
            ["created"] = document["metadata"]!["created"]!.DeepClone(),
            ["updated"] = document["metadata"]!["updated"]!.DeepClone(),
        };
    }

    public static JsonObject Execution(PipelineExecutionRecord execution)
    {
        var view = new JsonObject
        {
            ["pipelineName"] = execution.PipelineName,
            ["pipelineVersion"] = execution.PipelineVersion,
            ["pipelineExecutionId"] = execution.Id,
            ["status"] = execution.Status,
        };
        Put(view, "statusSummary", Clip(execution.StatusSummary, 2048));
        view["artifactRevisions"] = new JsonArray([.. execution.SourceRevisions.Select(r => (JsonNode?)Revision(r, new JsonObject
        {
            ["name"] = r.ArtifactName,
            ["revisionId"] = r.RevisionId,
            ["revisionChangeIdentifier"] = r.RevisionId,
            ["created"] = Time(r.Created),
        }))]);
        view["variables"] = new JsonArray([.. execution.Variables.GetValueOrDefault("variables", []).Select(v => (JsonNode?)new JsonObject { ["name"] = v.Key, ["resolvedValue"] = v.Value })]);
        view["trigger"] = Trigger(execution);
        view["executionMode"] = "SUPERSEDED";
        view["executionType"] = "STANDARD";
        return view;
    }

    public static JsonObject Summary(PipelineExecutionRecord execution)
    {
        var view = new JsonObject
        {
            ["pipelineExecutionId"] = execution.Id,
            ["status"] = execution.Status,
        };
        Put(view, "statusSummary", Clip(execution.StatusSummary, 2048));
        view["startTime"] = Time(execution.StartTime);
        view["lastUpdateTime"] = Time(execution.LastUpdateTime);
        view["sourceRevisions"] = new JsonArray([.. execution.SourceRevisions.Select(r => (JsonNode?)Revision(r, new JsonObject
        {
            ["actionName"] = r.ActionName,
            ["revisionId"] = r.RevisionId,
        }))]);
        view["trigger"] = Trigger(execution);
        if (execution.Status is "Stopped" or "Stopping" && execution.StopReason is { Length: > 0 } reason)
        {
            view["stopTrigger"] = new JsonObject { ["reason"] = Clip(reason, 200) };
        }

        view["executionMode"] = "SUPERSEDED";
        view["executionType"] = "STANDARD";
        return view;
    }

    public static JsonObject ActionDetail(PipelineExecutionRecord execution, ActionRunRecord action, LocalCloudOptions options)
    {
        var input = new JsonObject
        {
            ["actionTypeId"] = action.ActionTypeId.DeepClone(),
            ["configuration"] = action.Configuration.DeepClone(),
            ["resolvedConfiguration"] = action.ResolvedConfiguration.DeepClone(),
        };
        Put(input, "roleArn", action.RoleArn);
        input["region"] = options.Region;
        input["inputArtifacts"] = Artifacts(action.InputArtifacts);
        Put(input, "namespace", action.Namespace);
        var result = new JsonObject();
        Put(result, "externalExecutionId", action.ExternalExecutionId);
        Put(result, "externalExecutionSummary", Clip(action.Summary, 2048));
        if (action.ErrorMessage is not null && action.Status == "Failed")
        {
            result["errorDetails"] = new JsonObject { ["code"] = action.ErrorCode ?? "JobFailed", ["message"] = Clip(action.ErrorMessage, 5000) };
        }

        var output = new JsonObject
        {
            ["outputArtifacts"] = Artifacts(action.Status == "Succeeded" ? action.OutputArtifacts : []),
            ["executionResult"] = result,
            ["outputVariables"] = new JsonObject([.. action.OutputVariables.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))]),
        };
        return new JsonObject
        {
            ["pipelineExecutionId"] = execution.Id,
            ["actionExecutionId"] = action.ActionExecutionId,
            ["pipelineVersion"] = execution.PipelineVersion,
            ["stageName"] = action.StageName,
            ["actionName"] = action.ActionName,
            ["startTime"] = Time(action.StartTime),
            ["lastUpdateTime"] = Time(action.LastUpdateTime),
            ["status"] = action.Status,
            ["input"] = input,
            ["output"] = output,
        };
    }

    private static JsonObject ActionExecution(ActionRunRecord action)
    {
        var view = new JsonObject
        {
            ["actionExecutionId"] = action.ActionExecutionId,
            ["status"] = action.Status,
        };
        Put(view, "summary", Clip(action.Summary, 2048));
        view["lastStatusChange"] = Time(action.LastUpdateTime);
        Put(view, "externalExecutionId", action.ExternalExecutionId);
        if (action.ErrorMessage is not null && action.Status == "Failed")
        {
            view["errorDetails"] = new JsonObject { ["code"] = action.ErrorCode ?? "JobFailed", ["message"] = Clip(action.ErrorMessage, 5000) };
        }

        return view;
    }

    private static JsonObject Revision(SourceRevisionRecord revision, JsonObject view)
    {
        Put(view, "revisionSummary", Clip(revision.RevisionSummary, 2048));
        return view;
    }

    private static JsonObject StageExecution(string executionId, string status) => new()
    {
        ["pipelineExecutionId"] = executionId,
        ["status"] = status,
        ["type"] = "STANDARD",
    };

    private static JsonObject Trigger(PipelineExecutionRecord execution)
    {
        var trigger = new JsonObject { ["triggerType"] = execution.TriggerType };
        Put(trigger, "triggerDetail", Clip(execution.TriggerDetail, 1024));
        return trigger;
    }

    private static JsonArray Artifacts(IEnumerable<ArtifactLocation> locations) =>
        new([.. locations.Select(l => (JsonNode?)new JsonObject
        {
            ["name"] = l.Name,
            ["s3location"] = new JsonObject { ["bucket"] = l.Bucket, ["key"] = l.Key },
        })]);

    internal static double Time(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    private static string? Clip(string? text, int length) =>
        string.IsNullOrEmpty(text) ? null : text.Length <= length ? text : text[..length];

    private static void Put(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }
}
