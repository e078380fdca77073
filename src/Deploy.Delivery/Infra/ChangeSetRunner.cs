using System.Globalization;
using System.Security.Cryptography;
using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>A change set this run created: its name, whether it creates the stack, and what CloudFormation computed.</summary>
internal sealed record PlannedChangeSet(string Name, string StackName, bool Create, string StackId, string Status, string? StatusReason, IReadOnlyList<Change> Changes)
{
    /// <summary>CloudFormation found nothing to change.</summary>
    public bool IsEmpty => Status == "FAILED" && StackDeployer.IsEmpty(StatusReason);
}

/// <summary>
/// The change set went stale before it could run: another operation changed (or is changing) the stack since this run
/// planned. The change set has been deleted; the caller plans again against the new state.
/// </summary>
internal sealed class StaleChangeSetException(string message) : Exception(message);

/// <summary>
/// One change set's life: create it and wait for CloudFormation's plan, print it, execute it while streaming the stack's
/// events, or delete it. Every way out either executes the change set or deletes it, so none is left behind, and a change
/// set that another run made obsolete is reported as <see cref="StaleChangeSetException"/> rather than CloudFormation's
/// raw <c>InvalidChangeSetStatus</c>.
/// </summary>
internal sealed class ChangeSetRunner(CloudFormationClient cloudFormation, StackWatcher watcher, IBuildLog log, TimeProvider clock)
{
    public async Task<PlannedChangeSet> PlanAsync(
        StackDeployOptions options, string template, IReadOnlyList<StackParameter> parameters, bool create, string description, CancellationToken cancellationToken)
    {
        var name = options.StackName;
        // Unique per run: two runs planning in the same millisecond must not collide on the name.
        var changeSetName = "deploy-" + clock.GetUtcNow().ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        log.Information($"Planning {(create ? "the creation of" : "an update of")} stack {name} (change set {changeSetName})");
        CreateChangeSetResponse created;
        try
        {
            created = await cloudFormation.CreateChangeSetAsync(
                new CreateChangeSetRequest
                {
                    StackName = name,
                    ChangeSetName = changeSetName,
                    ChangeSetType = create ? "CREATE" : "UPDATE",
                    TemplateBody = template,
                    Parameters = parameters,
                    Capabilities = StackDeployer.CapabilitiesFor(template),
                    Description = description,
                },
                cancellationToken);
        }
        catch (AwsServiceException e) when (IsRaceLost(e))
        {
            throw new StaleChangeSetException($"Stack {name} changed while this run was planning ({e.ErrorMessage}); planning again against its new state.");
        }

        try
        {
            var changeSet = await WaitAsync(changeSetName, name, options, cancellationToken);
            var changes = changeSet.Status == "CREATE_COMPLETE"
                ? await cloudFormation.DescribeAllChangesAsync(new DescribeChangeSetRequest { ChangeSetName = changeSetName, StackName = name }, cancellationToken)
                    .ToListAsync(cancellationToken)
                : [];
            return new PlannedChangeSet(changeSetName, name, create, created.StackId ?? name, changeSet.Status ?? "?", changeSet.StatusReason, changes);
        }
        catch
        {
            await DeleteQuietlyAsync(changeSetName, name, create);
            throw;
        }
    }

    public void Print(PlannedChangeSet plan)
    {
        log.Information($"Plan for stack {plan.StackName}: {ChangePlanTable.Summary(plan.Changes)}");
        foreach (var line in ChangePlanTable.Format(plan.Changes))
        {
            log.Information("  " + line);
        }
    }

    /// <summary>Deletes a change set that will not be executed, and for a CREATE the empty REVIEW_IN_PROGRESS stack it reserved.</summary>
    public async Task DiscardAsync(PlannedChangeSet plan, CancellationToken cancellationToken)
    {
        await cloudFormation.DeleteChangeSetAsync(new DeleteChangeSetRequest { ChangeSetName = plan.Name, StackName = plan.StackName }, cancellationToken);
        if (plan.Create && await cloudFormation.FindStackAsync(plan.StackName, cancellationToken) is { StackStatus: "REVIEW_IN_PROGRESS" })
        {
            await cloudFormation.DeleteStackAsync(new DeleteStackRequest { StackName = plan.StackName }, cancellationToken);
        }
    }

    /// <summary>Executes the change set and follows the stack until it settles; throws with the first failure when it did not succeed.</summary>
    public async Task<StackDescription> ExecuteAsync(PlannedChangeSet plan, StackDeployOptions options, CancellationToken cancellationToken)
    {
        var name = plan.StackName;
        var events = await watcher.StartStreamAsync(plan.StackId, cancellationToken);
        log.Information($"Applying: {(plan.Create ? "creating" : "updating")} stack {name}");
        try
        {
            await cloudFormation.ExecuteChangeSetAsync(new ExecuteChangeSetRequest { ChangeSetName = plan.Name, StackName = name }, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Code == "InvalidChangeSetStatus" || IsRaceLost(e))
        {
            var reason = await StaleReasonAsync(plan, e, cancellationToken);
            await DeleteQuietlyAsync(plan.Name, name, plan.Create);
            throw new StaleChangeSetException(reason);
        }
        catch
        {
            await DeleteQuietlyAsync(plan.Name, name, plan.Create);
            throw;
        }

        using var interrupted = cancellationToken.Register(() => log.Warning(
            $"Interrupted: CloudFormation keeps {(plan.Create ? "creating" : "updating")} stack {name}; the next ProvisionInfra waits for it to finish."));
        var final = await watcher.FollowAsync(
            plan.StackId,
            events,
            options.ApplyTimeout,
            plan.Changes.Count,
            status => $"Stack {name} is still {status} after {StackWatcher.Duration(options.ApplyTimeout)}; CloudFormation keeps working on it. "
                + "Run ProvisionInfra again to wait for it, or look at the stack's events in the console.",
            justStarted: true,
            cancellationToken);
        if (final is null || !StackStatuses.IsSuccess(final.StackStatus))
        {
            throw new BuildFailedException(StackDeployer.FailureMessage(name, plan.Create, final, events.Shown));
        }

        return final;
    }

    /// <summary>Best effort, also when the run is being cancelled: a change set must not outlive the run that made it.</summary>
    public async Task DeleteQuietlyAsync(string changeSetName, string stackName, bool create)
    {
        try
        {
            await DiscardAsync(new PlannedChangeSet(changeSetName, stackName, create, stackName, "", null, []), CancellationToken.None);
        }
        catch (AwsServiceException e)
        {
            log.Debug($"Could not delete change set {changeSetName}: {e.Message}");
        }
    }

    /// <summary>CloudFormation's answers when another operation got to the stack first.</summary>
    private static bool IsRaceLost(AwsServiceException e) =>
        e.Code == "ValidationError"
        && (e.ErrorMessage.Contains("_IN_PROGRESS state", StringComparison.Ordinal)
            || e.ErrorMessage.Contains("cannot be created again", StringComparison.Ordinal)
            || e.ErrorMessage.Contains("does not exist", StringComparison.Ordinal));

    private async Task<string> StaleReasonAsync(PlannedChangeSet plan, AwsServiceException e, CancellationToken cancellationToken)
    {
        var status = e.Code;
        try
        {
            status = (await cloudFormation.DescribeChangeSetAsync(new DescribeChangeSetRequest { ChangeSetName = plan.Name, StackName = plan.StackName }, cancellationToken))
                .ExecutionStatus ?? status;
        }
        catch (AwsServiceException)
        {
            // The change set may be gone with a deleted stack; the stack below says what happened.
        }

        var stack = await cloudFormation.FindStackAsync(plan.StackName, cancellationToken);
        var other = stack is null
            ? "the stack was deleted"
            : $"stack {plan.StackName} is now {stack.StackStatus}{(stack.ChangeSetId is { } id && !id.Contains("/" + plan.Name + "/", StringComparison.Ordinal) ? $" after change set {ShortName(id)}" : "")}";
        return $"Change set {plan.Name} went stale ({status}): another operation changed the stack after this run planned ({other}). "
            + "Deleted it; planning again against the new state.";
    }

    /// <summary>The name part of a change set ARN (<c>arn:...:changeSet/&lt;name&gt;/&lt;id&gt;</c>).</summary>
    private static string ShortName(string changeSetId)
    {
        var parts = changeSetId.Split('/');
        return parts.Length >= 3 ? parts[^2] : changeSetId;
    }

    private async Task<DescribeChangeSetResponse> WaitAsync(string changeSetName, string stackName, StackDeployOptions options, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var interval = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var changeSet = await cloudFormation.DescribeChangeSetAsync(
                new DescribeChangeSetRequest { ChangeSetName = changeSetName, StackName = stackName }, cancellationToken);
            if (changeSet.Status is "CREATE_COMPLETE" or "FAILED")
            {
                return changeSet;
            }

            if (clock.GetElapsedTime(started) >= options.ChangeSetTimeout)
            {
                throw new BuildFailedException(
                    $"Change set {changeSetName} of stack {stackName} is still {changeSet.Status} after {StackWatcher.Duration(options.ChangeSetTimeout)}.");
            }

            await Task.Delay(interval, clock, cancellationToken);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, Math.Max(options.PollInterval.Ticks, interval.Ticks)));
        }
    }
}
