using System.Text.Json.Nodes;
using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>
/// Applies the platform template through a change set: render and write the template, settle the stack (wait for a running
/// operation, replace a stack left ROLLBACK_COMPLETE by a failed first create), create the change set, print its plan, and
/// unless it is empty or only a plan, execute it while streaming the stack's events until it settles. A change set that
/// another run made stale is deleted and the plan made again against the new state (the plan printed last is the one
/// applied). A settled stack that already runs this template with these parameters is unchanged without a change set
/// (<see cref="StackUnchanged"/>). An unchanged stack is checked for drift unless a recent detection found it in sync:
/// resources deleted outside CloudFormation are recreated (two updates, see <see cref="DriftRepairTemplate"/>), hand
/// edits are reported.
/// </summary>
public sealed class StackDeployer(CloudFormationClient cloudFormation, INetworkLookup network, IBuildLog log, TimeProvider? clock = null)
{
    /// <summary>How many times a run plans again after its change set went stale before it gives up.</summary>
    internal const int MaxPlans = 4;

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
        var settler = new StackSettler(cloudFormation, watcher, log);
        var runner = new ChangeSetRunner(cloudFormation, watcher, log, clock);
        // The default VPC lookup (EC2) and the stack's state (CloudFormation) do not depend on each other.
        var parametersLookup = ParametersAsync(settings, cancellationToken);
        var settled = await settler.SettleAsync(options, cancellationToken);
        var parameters = await parametersLookup;
        var name = options.StackName;
        var driftChecked = false;
        IReadOnlyList<DeletedResource> repaired = [];
        string? lastStale = null;
        for (var attempt = 1; attempt <= MaxPlans; attempt++)
        {
            var stack = attempt == 1 ? settled : await settler.SettleAsync(options, cancellationToken);
            var create = stack is null || stack.StackStatus == "REVIEW_IN_PROGRESS";
            try
            {
                var unchanged = !create && repaired.Count == 0 && await MatchesDeployedAsync(stack!, template, parameters, cancellationToken);
                var plan = unchanged ? null : await runner.PlanAsync(options, template, parameters, create, "ProvisionInfra", cancellationToken);
                if (plan is null || plan.Status == "FAILED")
                {
                    if (plan is not null)
                    {
                        await runner.DiscardAsync(plan, cancellationToken);
                        if (!plan.IsEmpty)
                        {
                            throw new BuildFailedException($"CloudFormation could not plan the change of stack {name}: {plan.StatusReason ?? "no reason given"}");
                        }
                    }

                    log.Information(plan is null
                        ? $"Stack {name} is unchanged: it is {stack!.StackStatus} with the template and parameters this run would deploy (no change set needed)."
                        : $"Stack {name} is unchanged: the template and parameters match what is deployed (empty change set deleted).");
                    var outputs = stack is null ? new Dictionary<string, string>() : PlatformStackOutputs.OutputsOf(stack);
                    if (!driftChecked && stack is not null && DriftCheckDue(stack, options))
                    {
                        driftChecked = true;
                        var deleted = await CheckDriftAsync(options, cancellationToken);
                        if (deleted.Count > 0 && options.PlanOnly)
                        {
                            log.Information($"Plan only: ProvisionInfra would recreate {Names(deleted)} (two updates: remove from the stack, then add back); nothing was changed.");
                            return new StackDeployResult(StackDeployOutcome.Planned, [], outputs);
                        }

                        if (deleted.Count > 0)
                        {
                            try
                            {
                                await RemoveDeletedAsync(runner, options, template, parameters, deleted, outputs, cancellationToken);
                            }
                            catch (StaleChangeSetException)
                            {
                                driftChecked = false; // another run changed the stack first: check again against its result
                                throw;
                            }

                            repaired = deleted;
                            continue;
                        }
                    }

                    Record(outputs, options.OutputsPath);
                    return new StackDeployResult(StackDeployOutcome.Unchanged, [], outputs);
                }

                runner.Print(plan);
                if (options.PlanOnly)
                {
                    await runner.DiscardAsync(plan, cancellationToken);
                    log.Information($"Plan only: change set deleted{(create ? " (and the empty stack it had reserved)" : "")}; nothing was changed.");
                    var outputs = stack is null ? new Dictionary<string, string>() : PlatformStackOutputs.OutputsOf(stack);
                    return new StackDeployResult(StackDeployOutcome.Planned, plan.Changes, outputs);
                }

                var final = await runner.ExecuteAsync(plan, options, cancellationToken);
                var result = PlatformStackOutputs.OutputsOf(final);
                Record(result, options.OutputsPath);
                log.Information($"Stack {name} is {final.StackStatus}: {ChangePlanTable.Summary(plan.Changes)} applied"
                    + (repaired.Count > 0 ? $" (recreated {Names(repaired)}, which had been deleted outside CloudFormation)." : "."));
                return new StackDeployResult(create ? StackDeployOutcome.Created : StackDeployOutcome.Updated, plan.Changes, result) { Repaired = repaired };
            }
            catch (StaleChangeSetException stale)
            {
                lastStale = stale.Message;
                log.Information(stale.Message);
            }
        }

        throw new BuildFailedException($"Stack {name} kept changing under this run: {MaxPlans} plans in a row went stale because other operations changed it "
            + $"(last: {lastStale}). This run changed nothing; run ProvisionInfra again once the other runs are done.");
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

    /// <summary>
    /// The stack already runs this template with these parameters (DescribeStacks, then one GetTemplate): CloudFormation
    /// would plan an empty change set. False, and the change set decides, whenever that cannot be shown, including when
    /// the caller may not call GetTemplate.
    /// </summary>
    private async Task<bool> MatchesDeployedAsync(StackDescription stack, string template, IReadOnlyList<StackParameter> parameters, CancellationToken cancellationToken)
    {
        if (!StackUnchanged.IsSettled(stack))
        {
            return false;
        }

        try
        {
            var deployed = await cloudFormation.GetTemplateAsync(new GetTemplateRequest { StackName = stack.StackId ?? stack.StackName, TemplateStage = "Original" }, cancellationToken);
            return StackUnchanged.Matches(stack, deployed.TemplateBody, template, parameters);
        }
        catch (AwsServiceException e)
        {
            log.Debug($"GetTemplate of stack {stack.StackName} failed ({e.Code}); planning a change set to compare instead.");
            return false;
        }
    }

    private bool DriftCheckDue(StackDescription stack, StackDeployOptions options)
    {
        var (due, reason) = StackUnchanged.DriftCheckDue(stack, clock.GetUtcNow(), options.DriftCheckInterval);
        if (!due)
        {
            log.Information($"Drift detection of stack {options.StackName} skipped: {reason}.");
        }
        else
        {
            log.Debug($"Drift detection of stack {options.StackName} due: {reason}.");
        }

        return due;
    }

    /// <summary>One drift detection; returns the resources deleted outside CloudFormation (modified ones are only reported).</summary>
    private async Task<IReadOnlyList<DeletedResource>> CheckDriftAsync(StackDeployOptions options, CancellationToken cancellationToken)
    {
        var report = await new StackDriftCheck(cloudFormation, log, clock).CheckAsync(options.StackName, options.DriftTimeout, options.PollInterval, cancellationToken);
        return report?.DeletedResources ?? [];
    }

    /// <summary>
    /// The first update of a repair: the template without the deleted resources, their values written in where others use
    /// them. Its change set must remove exactly those resources and touch nothing else; otherwise nothing is applied.
    /// </summary>
    private async Task RemoveDeletedAsync(
        ChangeSetRunner runner,
        StackDeployOptions options,
        string template,
        IReadOnlyList<StackParameter> parameters,
        IReadOnlyList<DeletedResource> deleted,
        IReadOnlyDictionary<string, string> outputs,
        CancellationToken cancellationToken)
    {
        var name = options.StackName;
        string stepOne;
        try
        {
            stepOne = CloudFormationJson.Indented(DriftRepairTemplate.StepOne(JsonNode.Parse(template)!.AsObject(), deleted, outputs));
        }
        catch (DriftRepairException e)
        {
            throw new BuildFailedException($"Stack {name}: {Names(deleted)} was deleted outside CloudFormation and ProvisionInfra cannot recreate it in place ({e.Message}). "
                + $"Nothing was changed. Repair: {RepairCommand(deleted)}.", e);
        }

        var (it, its) = deleted.Count == 1 ? ("it", "its") : ("them", "their");
        log.Information($"Repairing stack {name}: CloudFormation only creates a resource that is added to the stack, so recreating {Names(deleted)} takes two updates: "
            + $"(1) remove {it} from the stack, {its} users keeping {its} names and ARNs as written values, (2) apply the template again, which adds {it} back.");
        var plan = await runner.PlanAsync(options, stepOne, parameters, create: false, "ProvisionInfra drift repair, step 1 of 2", cancellationToken);
        var expected = deleted.Select(d => d.LogicalId).Order(StringComparer.Ordinal);
        var removes = plan.Changes.Select(c => c.ResourceChange).Where(r => r?.Action == "Remove").Select(r => r!.LogicalResourceId ?? "?").Order(StringComparer.Ordinal);
        if (plan.Status != "CREATE_COMPLETE" || plan.Changes.Count != deleted.Count || !expected.SequenceEqual(removes, StringComparer.Ordinal))
        {
            await runner.DiscardAsync(plan, cancellationToken);
            var others = plan.Changes.Select(c => c.ResourceChange).Where(r => r is not null && !deleted.Any(d => d.LogicalId == r.LogicalResourceId))
                .Select(r => $"{r!.Action} {r.LogicalResourceId}");
            throw new BuildFailedException($"Stack {name}: removing {Names(deleted)} from the stack would also change [{string.Join(", ", others)}]"
                + $"{(plan.StatusReason is null ? "" : $" ({plan.StatusReason})")}, so ProvisionInfra does not repair it automatically; nothing was changed. "
                + $"Repair: {RepairCommand(deleted)}.");
        }

        runner.Print(plan);
        await runner.ExecuteAsync(plan, options, cancellationToken);
        log.Information($"Step 1 of 2 done: {Names(deleted)} removed from stack {name}. Step 2: applying the template, which adds {it} back.");
    }

    private static string Names(IReadOnlyList<DeletedResource> resources) =>
        string.Join(", ", resources.Select(r => $"{r.LogicalId} ({r.ResourceType} {r.PhysicalId})"));

    /// <summary>What recreates a deleted resource by hand under its name, so the stack finds it again.</summary>
    private static string RepairCommand(IReadOnlyList<DeletedResource> deleted) => string.Join("; ", deleted.Select(d => d.ResourceType switch
    {
        "AWS::ECR::Repository" => $"aws ecr create-repository --repository-name {d.PhysicalId} --image-scanning-configuration scanOnPush=true",
        "AWS::ECS::Cluster" => $"aws ecs create-cluster --cluster-name {d.PhysicalId}",
        "AWS::Logs::LogGroup" => $"aws logs create-log-group --log-group-name {d.PhysicalId}",
        _ => $"{d.LogicalId} cannot be recreated under the same id; run DestroyInfra, then ProvisionInfra",
    }));

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
        var full = Path.GetFullPath(path);
        if (PlatformTemplate.WriteText(template, full))
        {
            log.Information($"Wrote the template to {full}");
        }
        else
        {
            log.Debug($"Template {full} unchanged");
        }
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
