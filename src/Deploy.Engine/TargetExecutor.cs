using System.Diagnostics;

namespace Deploy.Engine;

/// <summary>
/// Runs a plan in order. A failure stops later targets (NotRun) unless the failed target has
/// ProceedAfterFailure, in which case only its dependants are NotRun. Cancellation aborts the running
/// target. AssuredAfterFailure targets run regardless, with an uncancelled token.
/// </summary>
internal sealed class TargetExecutor(BuildBase build, IBuildLog log, TargetSections sections, TimeProvider time)
{
    public async Task<IReadOnlyList<TargetResult>> ExecuteAsync(ExecutionPlan plan, CancellationToken cancellationToken)
    {
        var results = plan.Targets.ToDictionary(t => t.Name, t => new TargetResult(t.Name), StringComparer.Ordinal);
        var stopped = false;
        for (var index = 0; index < plan.Targets.Count; index++)
        {
            var planned = plan.Targets[index];
            var node = planned.Node;
            var result = results[planned.Name];
            if (planned.SkipReason is not null || result.Status == TargetStatus.Skipped)
            {
                result.Status = TargetStatus.Skipped;
                result.Note ??= planned.SkipReason;
                continue;
            }

            var cancelled = cancellationToken.IsCancellationRequested;
            var blockedBy = node.DependsOn.FirstOrDefault(d => results.TryGetValue(d, out var r) && r.IsUnsuccessful);
            if (!node.AssuredAfterFailure && (stopped || cancelled || blockedBy is not null))
            {
                result.Status = TargetStatus.NotRun;
                result.Note = blockedBy is not null ? $"{blockedBy} {Describe(results[blockedBy].Status)}" : null;
                continue;
            }

            var token = cancelled ? CancellationToken.None : cancellationToken;
            await RunAsync(index, planned, result, token);
            if (result.Status == TargetStatus.Skipped)
                SkipTriggeredTargets(plan, planned, results);
            if (result.Status == TargetStatus.Failed && !node.ProceedAfterFailure)
                stopped = true;
        }

        return [.. plan.Targets.Select(t => results[t.Name])];
    }

    private async Task RunAsync(int index, PlannedTarget planned, TargetResult result, CancellationToken token)
    {
        var node = planned.Node;
        string? error = null;
        var started = time.GetTimestamp();
        build.SetNoteSink(text => result.Note = text);
        try
        {
            if (node.DynamicConditions.FirstOrDefault(c => !c.Evaluate()) is { } condition)
            {
                result.Status = TargetStatus.Skipped;
                result.Note = $"OnlyWhenDynamic({condition.Text}) was false";
                return;
            }

            if (node.IsCollective)
            {
                result.Status = TargetStatus.Collective;
                return;
            }

            sections.Begin(index, node.Name);
            foreach (var action in node.Actions)
                await action(token);
            result.Status = TargetStatus.Succeeded;
        }
        catch (Exception exception) when (token.IsCancellationRequested)
        {
            result.Status = TargetStatus.Aborted;
            error = $"Target {node.Name} was aborted.";
            log.Error(error);
            log.Debug(exception.ToString());
        }
        catch (Exception exception)
        {
            result.Status = TargetStatus.Failed;
            var message = exception is BuildFailedException or ToolFailedException or BuildConfigurationException
                ? exception.Message
                : $"{exception.GetType().Name}: {exception.Message}";
            error = $"Target {node.Name} failed: {message}";
            result.Note ??= message.Split('\n')[0];
            log.Error(error);
            log.Debug(exception.ToString());
        }
        finally
        {
            build.SetNoteSink(null);
            result.Duration = time.GetElapsedTime(started);
            if (result.Status is not (TargetStatus.Skipped or TargetStatus.Collective))
                sections.End(index, node.Name, error);
        }
    }

    /// <summary>A dynamically skipped target triggers nothing: targets only it (or other skipped targets) triggered are skipped.</summary>
    private static void SkipTriggeredTargets(ExecutionPlan plan, PlannedTarget skipped, Dictionary<string, TargetResult> results)
    {
        foreach (var name in skipped.Node.Triggers)
        {
            var triggered = plan.Find(name);
            if (triggered is { IsTriggerOnly: true } && triggered.TriggeredBy.All(t => results[t].Status == TargetStatus.Skipped))
            {
                results[name].Status = TargetStatus.Skipped;
                results[name].Note = $"triggered by skipped {skipped.Name}";
            }
        }
    }

    private static string Describe(TargetStatus status) => status switch
    {
        TargetStatus.Failed => "failed",
        TargetStatus.Aborted => "was aborted",
        _ => "did not run",
    };
}
