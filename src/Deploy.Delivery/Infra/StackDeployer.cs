using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>
/// Applies the platform template through a change set: render and write the template, settle the stack (wait for a running
/// operation, replace a stack left ROLLBACK_COMPLETE by a failed first create), create the change set, print its plan, and
/// unless it is empty or only a plan, execute it while streaming the stack's events until it settles.
/// </summary>
public sealed class StackDeployer(CloudFormationClient cloudFormation, INetworkLookup network, IBuildLog log, TimeProvider? clock = null)
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

    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>Applies the platform; AWS errors surface as <see cref="BuildFailedException"/> naming the call.</summary>
    public async Task<StackDeployResult> DeployAsync(StackDeployOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return await ApplyAsync(options, cancellationToken);
        }
        catch (AwsServiceException e)
        {
            throw new BuildFailedException(e.Message, e);
        }
    }

    private async Task<StackDeployResult> ApplyAsync(StackDeployOptions options, CancellationToken cancellationToken)
    {
        var settings = Valid(options.Settings);
        var template = options.RenderTemplate(settings);
        WriteTemplate(template, options.TemplatePath);
        var watcher = new StackWatcher(cloudFormation, log, clock, options.PollInterval);
        var name = options.StackName;

        var stack = await SettleAsync(watcher, options, cancellationToken);
        var create = stack is null || stack.StackStatus == "REVIEW_IN_PROGRESS";
        var parameters = await ParametersAsync(settings, cancellationToken);
        var changeSetName = "deploy-" + clock.GetUtcNow().ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);

        log.Information($"Planning {(create ? "the creation of" : "an update of")} stack {name} (change set {changeSetName})");
        var created = await cloudFormation.CreateChangeSetAsync(
            new CreateChangeSetRequest
            {
                StackName = name,
                ChangeSetName = changeSetName,
                ChangeSetType = create ? "CREATE" : "UPDATE",
                TemplateBody = template,
                Parameters = parameters,
                Capabilities = CapabilitiesFor(template),
                Description = "ProvisionInfra",
            },
            cancellationToken);
        var stackId = created.StackId ?? stack?.StackId ?? name;
        var changeSet = await WaitForChangeSetAsync(changeSetName, name, options, cancellationToken);

        if (changeSet.Status == "FAILED")
        {
            await DiscardAsync(changeSetName, name, create, cancellationToken);
            if (IsEmpty(changeSet.StatusReason))
            {
                log.Information($"Stack {name} is unchanged: the template and parameters match what is deployed (empty change set deleted).");
                var outputs = stack is null ? new Dictionary<string, string>() : PlatformStackOutputs.OutputsOf(stack);
                Record(outputs, options.OutputsPath);
                return new StackDeployResult(StackDeployOutcome.Unchanged, [], outputs);
            }

            throw new BuildFailedException($"CloudFormation could not plan the change of stack {name}: {changeSet.StatusReason ?? "no reason given"}");
        }

        var changes = await cloudFormation
            .DescribeAllChangesAsync(new DescribeChangeSetRequest { ChangeSetName = changeSetName, StackName = name }, cancellationToken)
            .ToListAsync(cancellationToken);
        log.Information($"Plan for stack {name}: {ChangePlanTable.Summary(changes)}");
        foreach (var line in ChangePlanTable.Format(changes))
        {
            log.Information("  " + line);
        }

        if (options.PlanOnly)
        {
            await DiscardAsync(changeSetName, name, create, cancellationToken);
            log.Information($"Plan only: change set deleted{(create ? " (and the empty stack it had reserved)" : "")}; nothing was changed.");
            var outputs = stack is null ? new Dictionary<string, string>() : PlatformStackOutputs.OutputsOf(stack);
            return new StackDeployResult(StackDeployOutcome.Planned, changes, outputs);
        }

        var events = await watcher.StartStreamAsync(stackId, cancellationToken);
        log.Information($"Applying: {(create ? "creating" : "updating")} stack {name}");
        await cloudFormation.ExecuteChangeSetAsync(new ExecuteChangeSetRequest { ChangeSetName = changeSetName, StackName = name }, cancellationToken);
        using var interrupted = cancellationToken.Register(() => log.Warning(
            $"Interrupted: CloudFormation keeps {(create ? "creating" : "updating")} stack {name}; the next ProvisionInfra waits for it to finish."));
        var final = await watcher.FollowAsync(
            stackId,
            events,
            options.ApplyTimeout,
            changes.Count,
            status => $"Stack {name} is still {status} after {StackWatcher.Duration(options.ApplyTimeout)}; CloudFormation keeps working on it. "
                + "Run ProvisionInfra again to wait for it, or look at the stack's events in the console.",
            justStarted: true,
            cancellationToken);

        if (final is null || !StackStatuses.IsSuccess(final.StackStatus))
        {
            throw new BuildFailedException(FailureMessage(name, create, final, events.Shown));
        }

        var result = PlatformStackOutputs.OutputsOf(final);
        Record(result, options.OutputsPath);
        log.Information($"Stack {name} is {final.StackStatus}: {ChangePlanTable.Summary(changes)} applied.");
        return new StackDeployResult(create ? StackDeployOutcome.Created : StackDeployOutcome.Updated, changes, result);
    }

    /// <summary>CAPABILITY_IAM when the template declares IAM resources, CAPABILITY_NAMED_IAM when one of them has a fixed name.</summary>
    public static IReadOnlyList<string> CapabilitiesFor(string template)
    {
        var resources = JsonNode.Parse(template)?["Resources"]?.AsObject() ?? [];
        var iam = resources
            .Select(r => r.Value?.AsObject())
            .Where(r => ((string?)r?["Type"])?.StartsWith("AWS::IAM::", StringComparison.Ordinal) == true)
            .ToList();
        if (iam.Count == 0)
        {
            return [];
        }

        string[] nameProperties = ["RoleName", "UserName", "GroupName", "ManagedPolicyName", "InstanceProfileName"];
        var named = iam.Any(r => r?["Properties"] is JsonObject properties && nameProperties.Any(properties.ContainsKey));
        return named ? [StackCapabilities.Iam, StackCapabilities.NamedIam] : [StackCapabilities.Iam];
    }

    /// <summary>The reasons CloudFormation gives for a change set that would change nothing.</summary>
    internal static bool IsEmpty(string? reason) =>
        reason is not null
        && (reason.Contains("didn't contain changes", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("No updates are to be performed", StringComparison.OrdinalIgnoreCase));

    internal static string FailureMessage(string name, bool create, StackDescription? final, IEnumerable<StackEvent> events)
    {
        var status = final?.StackStatus ?? "DELETE_COMPLETE";
        var cause = StackWatcher.FirstFailure(events) ?? final?.StackStatusReason ?? "no resource reported a reason";
        var outcome = status switch
        {
            "ROLLBACK_COMPLETE" => "rolled back: everything the create had made was deleted; the empty stack stays ROLLBACK_COMPLETE "
                + "and the next ProvisionInfra deletes it and creates it again",
            "UPDATE_ROLLBACK_COMPLETE" => "rolled back: the stack is back to its previous state",
            "ROLLBACK_FAILED" => "the rollback failed as well; run DestroyInfra, then ProvisionInfra",
            "UPDATE_ROLLBACK_FAILED" => "the rollback failed as well; fix the cause, then run aws cloudformation continue-update-rollback --stack-name " + name,
            "CREATE_FAILED" or "UPDATE_FAILED" => "not rolled back (rollback is disabled for this stack)",
            _ => "the stack ended " + status,
        };
        return $"{(create ? "Creating" : "Updating")} stack {name} failed ({status}): {cause}. Outcome: {outcome}.";
    }

    private static PlatformSettings Valid(PlatformSettings settings)
    {
        try
        {
            return settings.EnsureValid();
        }
        catch (PlatformSettingsException e)
        {
            throw new BuildFailedException(e.Message, e);
        }
    }

    private void WriteTemplate(string template, string path)
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(template);
        var full = Path.GetFullPath(path);
        if (File.Exists(full) && File.ReadAllBytes(full).AsSpan().SequenceEqual(bytes))
        {
            log.Debug($"Template {full} unchanged");
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        log.Information($"Wrote the template to {full}");
    }

    /// <summary>Waits for a running operation, replaces a stack its failed first create left behind; returns the stack to change, if any.</summary>
    private async Task<StackDescription?> SettleAsync(StackWatcher watcher, StackDeployOptions options, CancellationToken cancellationToken)
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

    private async Task<IReadOnlyList<StackParameter>> ParametersAsync(PlatformSettings settings, CancellationToken cancellationToken)
    {
        var parameters = new List<StackParameter> { new(PlatformTemplate.ServiceNameParameter, settings.ServiceName) };
        if (PlatformTemplate.ParametersToFill(settings).Count > 0)
        {
            var found = await network.DefaultVpcAsync(cancellationToken);
            parameters.Add(new StackParameter(PlatformTemplate.VpcIdParameter, found.VpcId));
            parameters.Add(new StackParameter(PlatformTemplate.SubnetIdsParameter, string.Join(',', found.SubnetIds)));
        }

        return parameters;
    }

    private async Task<DescribeChangeSetResponse> WaitForChangeSetAsync(string changeSetName, string stackName, StackDeployOptions options, CancellationToken cancellationToken)
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

    /// <summary>Deletes a change set that will not be executed, and for a CREATE the empty REVIEW_IN_PROGRESS stack it reserved.</summary>
    private async Task DiscardAsync(string changeSetName, string stackName, bool create, CancellationToken cancellationToken)
    {
        await cloudFormation.DeleteChangeSetAsync(new DeleteChangeSetRequest { ChangeSetName = changeSetName, StackName = stackName }, cancellationToken);
        if (create && await cloudFormation.FindStackAsync(stackName, cancellationToken) is { StackStatus: "REVIEW_IN_PROGRESS" })
        {
            await cloudFormation.DeleteStackAsync(new DeleteStackRequest { StackName = stackName }, cancellationToken);
        }
    }

    private void Record(IReadOnlyDictionary<string, string> outputs, string? path)
    {
        if (path is null)
        {
            return;
        }

        PlatformStackOutputs.WriteOutputs(outputs, path);
        log.Information($"Wrote {outputs.Count} stack output(s) to {path}");
    }
}
