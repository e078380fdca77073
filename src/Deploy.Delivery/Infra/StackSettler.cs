using Deploy.Aws.CloudFormation;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>
/// Brings the stack to a state a change set can start from: waits for an operation already running on it (another run, or
/// one stopped with Ctrl-C), replaces a stack its failed first create left ROLLBACK_COMPLETE, and stops on states nothing
/// can change, saying what to do.
/// </summary>
internal sealed class StackSettler(CloudFormationClient cloudFormation, StackWatcher watcher, IBuildLog log)
{
    /// <summary>Stack statuses from which neither an update nor a new create can start; each with what to do.</summary>
    private static readonly Dictionary<string, string> Stuck = new(StringComparer.Ordinal)
    {
        ["ROLLBACK_FAILED"] = "its failed create could not be rolled back; run DestroyInfra (it reports what it cannot delete), then ProvisionInfra",
        ["DELETE_FAILED"] = "an earlier delete failed; run DestroyInfra again (see its output for resources that still hold data)",
        ["UPDATE_ROLLBACK_FAILED"] = "an update's rollback failed; fix the cause named in its events, then continue the rollback "
            + "(aws cloudformation continue-update-rollback --stack-name <name>) and run ProvisionInfra again",
        ["IMPORT_ROLLBACK_FAILED"] = "an import's rollback failed; continue the rollback in the console, then run ProvisionInfra again",
    };

    /// <summary>Returns the stack to change (null: it must be created).</summary>
    public async Task<StackDescription?> SettleAsync(StackDeployOptions options, CancellationToken cancellationToken)
    {
        var name = options.StackName;
        var stack = await cloudFormation.FindStackAsync(name, cancellationToken);
        if (stack is not null && stack.StackStatus != "REVIEW_IN_PROGRESS" && StackStatuses.IsInProgress(stack.StackStatus))
        {
            log.Information($"Stack {name} is {stack.StackStatus}: another run is changing it, or one was interrupted (Ctrl-C does not stop CloudFormation). "
                + $"Waiting up to {StackWatcher.Duration(options.InProgressTimeout)} for it to finish.");
            var events = await watcher.StartStreamAsync(stack.StackId ?? name, cancellationToken);
            stack = await watcher.FollowAsync(
                stack.StackId ?? name,
                events,
                options.InProgressTimeout,
                0,
                status => $"Stack {name} is still {status} after waiting {StackWatcher.Duration(options.InProgressTimeout)}; "
                    + "nothing was changed. Run ProvisionInfra again once it has finished (--in-progress-timeout waits longer).",
                justStarted: false,
                cancellationToken);
            stack = stack?.StackStatus == "DELETE_COMPLETE" ? null : stack;
            log.Information($"Stack {name} settled: {stack?.StackStatus ?? "deleted"}");
        }

        if (stack?.StackStatus == "ROLLBACK_COMPLETE")
        {
            log.Information($"Stack {name} is ROLLBACK_COMPLETE: its first create failed ({stack.StackStatusReason ?? "see its events"}) and was rolled back, "
                + "so it holds no resources and CloudFormation cannot update it. Deleting it, then creating it again.");
            var id = stack.StackId ?? name;
            var events = await watcher.StartStreamAsync(id, cancellationToken);
            await cloudFormation.DeleteStackAsync(new DeleteStackRequest { StackName = id }, cancellationToken);
            var deleted = await watcher.FollowAsync(
                id,
                events,
                options.InProgressTimeout,
                0,
                status => $"Deleting the rolled-back stack {name} is still {status} after {StackWatcher.Duration(options.InProgressTimeout)}.",
                justStarted: true,
                cancellationToken);
            if (deleted is not null && deleted.StackStatus != "DELETE_COMPLETE")
            {
                throw new BuildFailedException($"Could not delete the rolled-back stack {name}: it is {deleted.StackStatus} ({deleted.StackStatusReason}). Run DestroyInfra.");
            }

            return null;
        }

        if (stack?.StackStatus is { } status && Stuck.TryGetValue(status, out var advice))
        {
            throw new BuildFailedException($"Stack {name} is {status} and cannot be changed: {advice}.");
        }

        return stack;
    }
}
