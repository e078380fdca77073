using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>
/// Runs stack operations in the background, one resource at a time in dependency order, recording AWS's events, and
/// rolls back on failure: a failed create deletes what it made (ROLLBACK_COMPLETE), a failed update re-applies the
/// previous properties and deletes what it added (UPDATE_ROLLBACK_COMPLETE).
/// </summary>
internal sealed partial class StackEngine(
    CloudFormationStore store,
    ResourceProviderRegistry providers,
    StackPlanner planner,
    Hosting.LocalCloudOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<StackEngine> logger)
{
    private readonly Lock running = new();
    private readonly List<Task> operations = [];

    public Template Parse(string body) => Template.Parse(body, providers.Find);

    /// <summary>How long the API call that starts an operation waits for it (see README: why).</summary>
    private static readonly TimeSpan HeadStart = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Starts <paramref name="work"/> in the background and gives it a short head start: callers poll (the aws CLI's
    /// waiters every 30 s), so an operation that finishes within <see cref="HeadStart"/> is already final at the first
    /// poll. Slower ones continue in the background. An unexpected failure is logged, never lost silently.
    /// </summary>
    public void Start(string what, Func<CancellationToken, Task> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work(lifetime.ApplicationStopping);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogUnexpectedFailure(logger, failure, what);
            }
        });
        lock (running)
        {
            operations.RemoveAll(t => t.IsCompleted);
            operations.Add(task);
        }

        // WaitOne, not Wait: a cancelled operation (the local cloud is stopping) must not fail the API call.
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne(HeadStart);
    }

    /// <summary>Computes a change set's changes (CREATE_COMPLETE, or FAILED when there are none).</summary>
    public Task PlanChangeSetAsync(string changeSetId)
    {
        store.Update(state =>
        {
            var changeSet = state.ChangeSets.First(c => c.ChangeSetId == changeSetId);
            var stack = CloudFormationStore.StackById(state, changeSet.StackId);
            try
            {
                var template = Parse(changeSet.TemplateBody);
                changeSet.Changes = planner.Plan(stack, template, changeSet.Parameters);
                var unchanged = changeSet.ChangeSetType == "UPDATE" && changeSet.Changes.Count == 0 && SameInputs(stack, template, changeSet.Parameters);
                if (unchanged)
                {
                    changeSet.Status = "FAILED";
                    changeSet.StatusReason = "The submitted information didn't contain changes. Submit different information to create a change set.";
                    changeSet.ExecutionStatus = "UNAVAILABLE";
                }
                else
                {
                    changeSet.Status = "CREATE_COMPLETE";
                    changeSet.ExecutionStatus = "AVAILABLE";
                }
            }
            catch (Exception failure) when (failure is AwsServiceException or ResourceProviderException)
            {
                changeSet.Status = "FAILED";
                changeSet.StatusReason = failure.Message;
                changeSet.ExecutionStatus = "UNAVAILABLE";
            }
        });
        return Task.CompletedTask;
    }

    /// <summary>Whether applying the template and parameters would change nothing (no resource, output or parameter change).</summary>
    public bool IsUnchanged(StackRecord stack, Template template, IReadOnlyDictionary<string, string> parameters) =>
        planner.Plan(stack, template, parameters).Count == 0 && SameInputs(stack, template, parameters);

    private static bool SameInputs(StackRecord stack, Template template, IReadOnlyDictionary<string, string> parameters) =>
        SameDocument(stack.TemplateBody, template.Body)
        && stack.Parameters.Count == parameters.Count
        && stack.Parameters.All(p => parameters.TryGetValue(p.Key, out var value) && value == p.Value);

    /// <summary>Creates or updates the stack's resources to match <paramref name="templateBody"/>.</summary>
    public async Task DeployAsync(string stackId, string templateBody, Dictionary<string, string> parameters, string? changeSetId, CancellationToken cancellationToken)
    {
        var template = Parse(templateBody);
        var (identity, isCreate, disableRollback, previousBody, previous) = store.Read(state =>
        {
            var stack = CloudFormationStore.StackById(state, stackId);
            return (new StackIdentity(stack.StackName, stack.StackId, store.Region, store.AccountId),
                stack.Status == StackStatus.CreateInProgress,
                stack.DisableRollback,
                stack.TemplateBody,
                stack.Resources.Values.Where(r => r.Provisioned is not null && r.Status != StackStatus.DeleteComplete)
                    .ToDictionary(r => r.LogicalId, r => (Resource: r.Provisioned!, r.Properties, r.Type), StringComparer.Ordinal));
        });
        var previousTemplate = TryParse(previousBody);
        var current = previous.ToDictionary(p => p.Key, p => p.Value.Resource, StringComparer.Ordinal);
        var scope = new StackScope(template, parameters, identity, current.GetValueOrDefault, store.Export, preview: false);
        var included = template.Resources.Values.Where(r => scope.Includes(r.Definition)).Select(r => r.LogicalId).ToHashSet(StringComparer.Ordinal);
        var done = new List<AppliedChange>();
        string? failedResource = null;
        var operation = isCreate ? "create" : "update";
        try
        {
            foreach (var logicalId in template.CreationOrder(included))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var resource = template.Resources[logicalId];
                var provider = providers.Find(resource.Type)!;
                failedResource = logicalId;
                var properties = scope.ResolveObject(resource.Properties);
                var request = Request(identity, logicalId, resource.Type, properties);
                if (!previous.TryGetValue(logicalId, out var before) || before.Type != resource.Type)
                {
                    ResourceEvent(stackId, logicalId, resource.Type, null, StackStatus.CreateInProgress, null, properties);
                    await SlowDownAsync(resource.Type, cancellationToken);
                    var made = await provider.CreateAsync(request, cancellationToken);
                    current[logicalId] = made;
                    done.Add(new AppliedChange(AppliedKind.Created, logicalId, resource.Type, made, properties, null, null));
                    ResourceEvent(stackId, logicalId, resource.Type, made, StackStatus.CreateComplete, null, properties);
                    continue;
                }

                var changed = StackPlanner.ChangedProperties(before.Properties, properties).ToList();
                if (changed.Count == 0)
                {
                    continue;
                }

                if (changed.Any(provider.ReplacementProperties.Contains))
                {
                    ResourceEvent(stackId, logicalId, resource.Type, before.Resource, StackStatus.UpdateInProgress,
                        "Requested update requires the creation of a new physical resource; hence creating one.", properties);
                    await SlowDownAsync(resource.Type, cancellationToken);
                    var replacement = await provider.CreateAsync(request, cancellationToken);
                    current[logicalId] = replacement;
                    done.Add(new AppliedChange(AppliedKind.Replaced, logicalId, resource.Type, replacement, properties, before.Resource, before.Properties));
                    ResourceEvent(stackId, logicalId, resource.Type, replacement, StackStatus.UpdateComplete, null, properties);
                }
                else
                {
                    ResourceEvent(stackId, logicalId, resource.Type, before.Resource, StackStatus.UpdateInProgress, null, properties);
                    done.Add(new AppliedChange(AppliedKind.Updated, logicalId, resource.Type, before.Resource, properties, before.Resource, before.Properties));
                    await SlowDownAsync(resource.Type, cancellationToken);
                    var updated = await provider.UpdateAsync(request, before.Resource, before.Properties, cancellationToken);
                    current[logicalId] = updated;
                    done[^1] = done[^1] with { Resource = updated };
                    ResourceEvent(stackId, logicalId, resource.Type, updated, StackStatus.UpdateComplete, null, properties);
                }
            }

            failedResource = null;
            var outputs = Outputs(template, scope);
            StackEvent(stackId, isCreate ? StackStatus.CreateInProgress : StackStatus.UpdateCompleteCleanupInProgress, null, stack =>
            {
                stack.Outputs = outputs;
                stack.TemplateBody = templateBody;
                stack.Parameters = parameters;
                stack.Description = template.Description;
            }, recordEvent: !isCreate);

            // Cleanup: resources no longer in the template, then the physical resources that were replaced.
            var removed = previous.Where(p => !included.Contains(p.Key) || p.Value.Type != template.Resources[p.Key].Type).Reverse().ToList();
            foreach (var (logicalId, old) in removed)
            {
                await DeleteResourceAsync(stackId, identity, logicalId, old.Type, old.Resource, old.Properties, RemovedPolicy(previousTemplate, logicalId), forget: !included.Contains(logicalId), cancellationToken);
            }

            foreach (var replaced in done.Where(d => d.Kind == AppliedKind.Replaced).Reverse())
            {
                await DeleteResourceAsync(stackId, identity, replaced.LogicalId, replaced.Type, replaced.Previous!, replaced.PreviousProperties!,
                    template.Resources[replaced.LogicalId].Definition["UpdateReplacePolicy"]?.GetValue<string>() ?? "Delete", forget: false, cancellationToken, keepRecord: true);
            }

            StackEvent(stackId, isCreate ? StackStatus.CreateComplete : StackStatus.UpdateComplete, null);
            FinishChangeSet(changeSetId, "EXECUTE_COMPLETE");
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            var reason = failure is AwsServiceException or ResourceProviderException ? failure.Message : $"Internal Failure: {failure.Message}";
            if (failedResource is not null)
            {
                var failedType = template.Resources[failedResource].Type;
                var status = previous.ContainsKey(failedResource) ? StackStatus.UpdateFailed : StackStatus.CreateFailed;
                ResourceEvent(stackId, failedResource, failedType, current.GetValueOrDefault(failedResource), status, reason, null);
            }

            var stackReason = failedResource is null
                ? reason
                : $"The following resource(s) failed to {(previous.ContainsKey(failedResource) ? "update" : "create")}: [{failedResource}]. ";
            FinishChangeSet(changeSetId, "EXECUTE_FAILED");
            if (isCreate)
            {
                await RollBackCreateAsync(stackId, identity, done, disableRollback, stackReason + (disableRollback ? string.Empty : "Rollback requested by user."), cancellationToken);
            }
            else
            {
                await RollBackUpdateAsync(stackId, identity, done, stackReason, cancellationToken);
            }
        }
    }

    /// <summary>Deletes the stack's resources in reverse dependency order; <paramref name="retained"/> ones are skipped (kept).</summary>
    public async Task DeleteStackAsync(string stackId, IReadOnlySet<string> retained, CancellationToken cancellationToken)
    {
        var (identity, resources, templateBody) = store.Read(state =>
        {
            var stack = CloudFormationStore.StackById(state, stackId);
            return (new StackIdentity(stack.StackName, stack.StackId, store.Region, store.AccountId),
                stack.Resources.Values.Where(r => r.Provisioned is not null && r.Status != StackStatus.DeleteComplete).ToList(),
                stack.TemplateBody);
        });
        var template = TryParse(templateBody);

        var order = template is null
            ? resources.Select(r => r.LogicalId).ToList()
            : template.CreationOrder(resources.Select(r => r.LogicalId).Where(template.Resources.ContainsKey).ToHashSet(StringComparer.Ordinal)).ToList();
        order.AddRange(resources.Select(r => r.LogicalId).Where(id => !order.Contains(id)));
        try
        {
            foreach (var logicalId in Enumerable.Reverse(order))
            {
                var resource = resources.First(r => r.LogicalId == logicalId);
                var policy = retained.Contains(logicalId) ? "Retain" : template?.Resources.GetValueOrDefault(logicalId)?.DeletionPolicy ?? "Delete";
                await DeleteResourceAsync(stackId, identity, logicalId, resource.Type, resource.Provisioned!, resource.Properties, policy, forget: false, cancellationToken);
            }

            StackEvent(stackId, StackStatus.DeleteComplete, null, stack =>
            {
                stack.DeletionTime = store.Now;
                stack.Outputs = [];
            });
            store.Update(state => state.ChangeSets.RemoveAll(c => c.StackId == stackId));
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            StackEvent(stackId, StackStatus.DeleteFailed, $"The following resource(s) failed to delete: [{failure.Data["LogicalId"]}]. ");
        }
    }

    private async Task RollBackCreateAsync(string stackId, StackIdentity identity, List<AppliedChange> done, bool disableRollback, string reason, CancellationToken cancellationToken)
    {
        if (disableRollback)
        {
            StackEvent(stackId, StackStatus.CreateFailed, reason);
            return;
        }

        StackEvent(stackId, StackStatus.RollbackInProgress, reason);
        try
        {
            foreach (var created in Enumerable.Reverse(done))
            {
                await DeleteResourceAsync(stackId, identity, created.LogicalId, created.Type, created.Resource, [], "Delete", forget: false, cancellationToken);
            }

            StackEvent(stackId, StackStatus.RollbackComplete, null);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            StackEvent(stackId, StackStatus.RollbackFailed, $"The following resource(s) failed to delete: [{failure.Data["LogicalId"]}]. ");
        }
    }

    private async Task RollBackUpdateAsync(string stackId, StackIdentity identity, List<AppliedChange> done, string reason, CancellationToken cancellationToken)
    {
        StackEvent(stackId, StackStatus.UpdateRollbackInProgress, reason);
        try
        {
            foreach (var change in Enumerable.Reverse(done))
            {
                var provider = providers.Find(change.Type)!;
                switch (change.Kind)
                {
                    case AppliedKind.Updated:
                        ResourceEvent(stackId, change.LogicalId, change.Type, change.Resource, StackStatus.UpdateInProgress, null, change.PreviousProperties);
                        var restored = await provider.UpdateAsync(Request(identity, change.LogicalId, change.Type, change.PreviousProperties!), change.Resource, change.Properties, cancellationToken);
                        ResourceEvent(stackId, change.LogicalId, change.Type, restored, StackStatus.UpdateComplete, null, change.PreviousProperties);
                        break;
                    case AppliedKind.Replaced:
                        ResourceEvent(stackId, change.LogicalId, change.Type, change.Previous, StackStatus.UpdateComplete, null, change.PreviousProperties);
                        break;
                }
            }

            StackEvent(stackId, StackStatus.UpdateRollbackCompleteCleanupInProgress, null);
            foreach (var change in Enumerable.Reverse(done).Where(c => c.Kind is AppliedKind.Created or AppliedKind.Replaced))
            {
                await DeleteResourceAsync(stackId, identity, change.LogicalId, change.Type, change.Resource, [], "Delete", forget: change.Kind == AppliedKind.Created, cancellationToken, keepRecord: change.Kind == AppliedKind.Replaced);
            }

            StackEvent(stackId, StackStatus.UpdateRollbackComplete, null);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            StackEvent(stackId, StackStatus.UpdateRollbackFailed, failure.Message);
        }
    }

    private Template? TryParse(string? body)
    {
        try
        {
            return body is null ? null : Parse(body);
        }
        catch (AwsServiceException)
        {
            // A template that no longer parses (a provider went away) must not block updating or deleting the stack.
            return null;
        }
    }

    private async Task DeleteResourceAsync(
        string stackId, StackIdentity identity, string logicalId, string type, ProvisionedResource resource, JsonObject properties,
        string policy, bool forget, CancellationToken cancellationToken, bool keepRecord = false)
    {
        if (policy == "Retain")
        {
            ResourceEvent(stackId, logicalId, type, resource, StackStatus.DeleteSkipped, null, null, forget, keepRecord);
            return;
        }

        ResourceEvent(stackId, logicalId, type, resource, StackStatus.DeleteInProgress, null, null, keepCurrent: keepRecord);
        try
        {
            await SlowDownAsync(type, cancellationToken);
            await providers.Find(type)!.DeleteAsync(Request(identity, logicalId, type, properties), resource, cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            ResourceEvent(stackId, logicalId, type, resource, StackStatus.DeleteFailed, failure.Message, null, keepCurrent: keepRecord);
            failure.Data["LogicalId"] = logicalId;
            throw;
        }

        ResourceEvent(stackId, logicalId, type, resource, StackStatus.DeleteComplete, null, null, forget, keepCurrent: keepRecord);
    }

    /// <summary>
    /// The local cloud's <c>--slow-resources</c> option: waits before provisioning a resource of <paramref name="type"/>, so
    /// a stack operation lasts long enough for tests and demos to meet it in progress (AWS takes minutes; we take milliseconds).
    /// </summary>
    private Task SlowDownAsync(string type, CancellationToken cancellationToken) =>
        options.ProvisioningDelays.TryGetValue(type, out var delay) && delay > TimeSpan.Zero ? Task.Delay(delay, cancellationToken) : Task.CompletedTask;

    private static string RemovedPolicy(Template? previousTemplate, string logicalId) =>
        previousTemplate?.Resources.GetValueOrDefault(logicalId)?.DeletionPolicy ?? "Delete";

    private ResourceRequest Request(StackIdentity identity, string logicalId, string type, JsonObject properties) =>
        new(logicalId, type, properties.DeepClone().AsObject(), identity.StackName, identity.StackId, store.Region, store.AccountId);

    private void FinishChangeSet(string? changeSetId, string executionStatus)
    {
        if (changeSetId is null)
        {
            return;
        }

        store.Update(state =>
        {
            foreach (var changeSet in state.ChangeSets.Where(c => c.ChangeSetId == changeSetId))
            {
                changeSet.ExecutionStatus = executionStatus;
            }
        });
    }

    /// <summary>
    /// Records a resource event and the resource's new state. <paramref name="forget"/> drops the resource from the
    /// stack (removed by an update); <paramref name="keepCurrent"/> records the event without touching the resource's
    /// record (deleting the replaced twin of a resource that stays).
    /// </summary>
    private void ResourceEvent(string stackId, string logicalId, string type, ProvisionedResource? resource, string status, string? reason,
        JsonObject? properties, bool forget = false, bool keepCurrent = false)
    {
        store.Update(state =>
        {
            var stack = CloudFormationStore.StackById(state, stackId);
            var now = store.Now;
            // As in AWS, only the IN_PROGRESS events carry the properties being applied.
            var shown = status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal) ? properties?.ToJsonString() : null;
            stack.Events.Add(new StackEventRecord(Guid.NewGuid().ToString(), logicalId, resource?.PhysicalId ?? string.Empty, type, now, status, reason, shown));
            if (keepCurrent)
            {
                return;
            }

            if (forget && status is StackStatus.DeleteComplete or StackStatus.DeleteSkipped)
            {
                stack.Resources.Remove(logicalId);
                return;
            }

            if (!stack.Resources.TryGetValue(logicalId, out var record))
            {
                record = new StackResourceRecord { LogicalId = logicalId, Type = type, Status = status };
                stack.Resources[logicalId] = record;
            }

            record.Type = type;
            record.Status = status;
            record.StatusReason = reason;
            record.Timestamp = now;
            if (resource is not null)
            {
                record.PhysicalId = resource.PhysicalId;
                record.Attributes = resource.Attributes.ToDictionary(a => a.Key, a => a.Value?.DeepClone(), StringComparer.Ordinal);
            }

            if (properties is not null && status is StackStatus.CreateComplete or StackStatus.UpdateComplete)
            {
                record.Properties = properties.DeepClone().AsObject();
            }
        });
    }

    private void StackEvent(string stackId, string status, string? reason, Action<StackRecord>? change = null, bool recordEvent = true)
    {
        store.Update(state =>
        {
            var stack = CloudFormationStore.StackById(state, stackId);
            change?.Invoke(stack);
            stack.Status = status;
            stack.StatusReason = reason;
            // The cleanup phases are stack statuses only: botocore's ResourceStatus has no value for them.
            if (recordEvent && !status.Contains("CLEANUP", StringComparison.Ordinal))
            {
                stack.Events.Add(new StackEventRecord(Guid.NewGuid().ToString(), stack.StackName, stack.StackId, StackStatus.StackResourceType, store.Now, status, reason, null));
            }
        });
    }

    private static List<StackOutputRecord> Outputs(Template template, StackScope scope)
    {
        var outputs = new List<StackOutputRecord>();
        foreach (var (name, output) in template.Outputs)
        {
            if (!scope.Includes(output))
            {
                continue;
            }

            var value = scope.Resolve(output["Value"]);
            var export = output["Export"] is JsonObject exportBody ? Text(scope.Resolve(exportBody["Name"])) : null;
            outputs.Add(new StackOutputRecord(name, Text(value), output["Description"]?.GetValue<string>(), export));
        }

        return outputs;
    }

    private static string Text(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonArray list => string.Join(',', list.Select(Text)),
        null => string.Empty,
        _ => node.ToJsonString(),
    };

    private static bool SameDocument(string? left, string right)
    {
        if (left is null)
        {
            return false;
        }

        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(left), JsonNode.Parse(right));
        }
        catch (System.Text.Json.JsonException)
        {
            return string.Equals(left, right, StringComparison.Ordinal);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "CloudFormation {Operation} failed unexpectedly")]
    private static partial void LogUnexpectedFailure(ILogger logger, Exception failure, string operation);

    private enum AppliedKind
    {
        Created,
        Updated,
        Replaced,
    }

    /// <summary>One step of a deployment, kept to undo it: the resource now, and what it was before.</summary>
    private sealed record AppliedChange(AppliedKind Kind, string LogicalId, string Type, ProvisionedResource Resource, JsonObject Properties, ProvisionedResource? Previous, JsonObject? PreviousProperties);
}
