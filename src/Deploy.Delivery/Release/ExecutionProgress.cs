using Deploy.Aws.CodePipeline;

namespace Deploy.Delivery.Release;

/// <summary>A progress line; for an action's line, the action and whether the line opens it (its build log or ECS events
/// follow the line) or closes it (they come before it).</summary>
internal sealed record ProgressLine(string Text, ActionLayout? Action = null, bool Opens = false);

/// <summary>
/// The stage and action transitions of one execution, from its action executions (ListActionExecutions filtered by the
/// execution): one line whenever a stage or an action changes status, in declaration order. A stage's status is derived
/// from its declared actions (any failed → Failed, any running → InProgress, all succeeded → Succeeded), so it describes
/// this execution even when GetPipelineState already shows a newer one in that stage. Pure: it only compares snapshots.
/// </summary>
internal sealed class ExecutionProgress(PipelineLayout layout)
{
    private readonly Dictionary<string, string> actionStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> stageStatus = new(StringComparer.Ordinal);

    /// <summary>The latest execution of each action seen so far, by <see cref="ActionLayout.Path"/>.</summary>
    public Dictionary<string, ActionExecutionDetail> Latest { get; } = new(StringComparer.Ordinal);

    /// <summary>Takes a new snapshot; returns the transitions since the previous one.</summary>
    public IReadOnlyList<ProgressLine> Update(IEnumerable<ActionExecutionDetail> details)
    {
        ArgumentNullException.ThrowIfNull(details);

        // A retried stage runs an action again: its newest execution counts.
        foreach (var detail in details.OrderBy(d => d.StartTime ?? DateTimeOffset.MinValue))
        {
            Latest[$"{detail.StageName}/{detail.ActionName}"] = detail;
        }

        var lines = new List<ProgressLine>();
        foreach (var stage in layout.Stages)
        {
            var status = StageStatus(stage);
            var stageChanged = status is not null && (!stageStatus.TryGetValue(stage.Name, out var before) || before != status);
            if (stageChanged && status == "InProgress")
            {
                lines.Add(new ProgressLine($"Stage {stage.Name}: InProgress"));
            }

            foreach (var action in stage.Actions)
            {
                // The provider's id (the build id) may arrive a look after InProgress: that is news too.
                if (Latest.TryGetValue(action.Path, out var detail) && detail.Status is { } actionState
                    && $"{actionState} {detail.Output?.ExecutionResult?.ExternalExecutionId}" is var seen
                    && (!actionStatus.TryGetValue(action.Path, out var was) || was != seen))
                {
                    actionStatus[action.Path] = seen;
                    lines.Add(new ProgressLine("  " + ActionLine(action, detail), action, actionState == "InProgress"));
                }
            }

            if (stageChanged)
            {
                stageStatus[stage.Name] = status!;
                if (status != "InProgress")
                {
                    lines.Add(new ProgressLine($"Stage {stage.Name}: {status}{StageDuration(stage)}"));
                }
            }
        }

        return lines;
    }

    /// <summary>The first action of this execution that failed (else was abandoned: a parallel action the failure cut
    /// short is not the reason), in declaration order.</summary>
    public (ActionLayout Action, ActionExecutionDetail Detail)? FirstFailed() => First("Failed") ?? First("Abandoned");

    private (ActionLayout Action, ActionExecutionDetail Detail)? First(string status) =>
        layout.Actions
            .Where(a => Latest.TryGetValue(a.Path, out var d) && d.Status == status)
            .Select(a => ((ActionLayout Action, ActionExecutionDetail Detail)?)(a, Latest[a.Path]))
            .FirstOrDefault();

    /// <summary>Where the execution is: <c>at stage Build (action Build InProgress)</c>, <c>after stage Build (Failed)</c>.</summary>
    public string Position()
    {
        var running = layout.Actions.Where(a => Latest.TryGetValue(a.Path, out var d) && d.Status == "InProgress").ToList();
        if (running.Count > 0)
        {
            return $"at stage {running[0].Stage} (action {string.Join(", ", running.Select(a => a.Name))} InProgress)";
        }

        var done = layout.Stages.LastOrDefault(s => StageStatus(s) is not null);
        return done is null ? "before its first stage" : $"after stage {done.Name} ({StageStatus(done)})";
    }

    /// <summary>The first declared stage none of whose actions has run in this execution yet.</summary>
    public StageLayout? NextStage() => layout.Stages.FirstOrDefault(s => StageStatus(s) is null);

    private string? StageStatus(StageLayout stage)
    {
        var statuses = stage.Actions.Select(a => Latest.TryGetValue(a.Path, out var d) ? d.Status : null).ToList();
        if (statuses.All(s => s is null))
        {
            return null;
        }

        if (statuses.Contains("Failed"))
        {
            return "Failed";
        }

        if (statuses.Contains("InProgress"))
        {
            return "InProgress";
        }

        if (statuses.Contains("Abandoned"))
        {
            return "Abandoned";
        }

        // Actions with a later run order have not started yet: the stage is still running.
        return statuses.All(s => s == "Succeeded") ? "Succeeded" : "InProgress";
    }

    private string StageDuration(StageLayout stage)
    {
        var details = stage.Actions.Select(a => Latest.GetValueOrDefault(a.Path)).OfType<ActionExecutionDetail>().ToList();
        var start = details.Min(d => d.StartTime);
        var end = details.Max(d => d.LastUpdateTime);
        return start is { } s && end is { } e && e >= s ? $" in {PipelineText.Duration(e - s)}" : "";
    }

    private static string ActionLine(ActionLayout action, ActionExecutionDetail detail)
    {
        var result = detail.Output?.ExecutionResult;
        var line = $"{action.Path}: {detail.Status}";
        return detail.Status switch
        {
            "InProgress" => line + (result?.ExternalExecutionId is { } id ? $" ({Describe(action, id)})" : ""),
            "Failed" or "Abandoned" => line + (result?.ErrorDetails is { } error ? $": {Error(error)}" : result?.ExternalExecutionSummary is { } why ? $": {why}" : ""),
            _ => line + (result?.ExternalExecutionSummary is { Length: > 0 } summary ? $": {PipelineText.FirstLine(summary)}" : ""),
        };
    }

    private static string Describe(ActionLayout action, string externalId) => action.Provider switch
    {
        "CodeBuild" => "build " + externalId,
        "CodeCommit" => "commit " + PipelineText.Short(externalId),
        _ => externalId,
    };

    /// <summary><c>JobFailed: message</c>.</summary>
    public static string Error(ErrorDetails error) => error.Code is { Length: > 0 } code ? $"{code}: {error.Message}" : error.Message ?? "no error details";
}
