using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>What a stack-writing request carries once the API surface has read it.</summary>
internal sealed record StackSubmission(
    string StackName,
    string? TemplateBody,
    bool UsePreviousTemplate,
    IReadOnlyList<ParameterInput> Parameters,
    IReadOnlyList<string> Capabilities,
    Dictionary<string, string> Tags);

/// <summary>A CreateChangeSet request once read.</summary>
internal sealed record ChangeSetSubmission(StackSubmission Stack, string ChangeSetName, string ChangeSetType, string? Description);

/// <summary>
/// The state transitions behind the stack-writing calls: each checks the stack's status and records the change in one
/// store update (so two callers racing for the same stack cannot both start work), then hands the work to
/// <see cref="StackEngine"/>. The API surface (<see cref="CloudFormationService"/>) only reads requests and writes responses.
/// </summary>
internal sealed class StackOperations(CloudFormationStore store, StackEngine engine)
{
    public string CreateStack(StackSubmission submission, string? onFailure, bool disableRollback)
    {
        var template = engine.Parse(TemplateBody(submission, null));
        var values = StackParameters.Bind(template, submission.Parameters, null);
        CheckCapabilities(template, submission.Capabilities);
        var stackId = store.Update(state =>
        {
            if (CloudFormationStore.FindStack(state, submission.StackName) is { } existing && existing.Status != StackStatus.ReviewInProgress)
            {
                throw new AwsServiceException("AlreadyExistsException", $"Stack [{submission.StackName}] already exists");
            }

            var stack = NewStack(state, submission.StackName, template);
            stack.DisableRollback = disableRollback || onFailure == "DO_NOTHING";
            stack.Capabilities = [.. submission.Capabilities];
            stack.Tags = submission.Tags;
            stack.Parameters = values;
            stack.Status = StackStatus.CreateInProgress;
            stack.StatusReason = "User Initiated";
            AddStackEvent(stack, StackStatus.CreateInProgress, "User Initiated");
            return stack.StackId;
        });
        var body = template.Body;
        engine.Start("CreateStack", ct => engine.DeployAsync(stackId, body, values, null, ct));
        return stackId;
    }

    public string UpdateStack(StackSubmission submission)
    {
        var (stackId, previousBody, previousValues) = store.Read(state =>
        {
            var stack = CloudFormationStore.Stack(state, submission.StackName);
            EnsureUpdatable(stack.StackId, stack.Status);
            return (stack.StackId, stack.TemplateBody, stack.Parameters);
        });
        var body = TemplateBody(submission, previousBody ?? string.Empty);
        var template = engine.Parse(body);
        var values = StackParameters.Bind(template, submission.Parameters, previousValues);
        CheckCapabilities(template, submission.Capabilities);
        store.Update(state =>
        {
            var stack = CloudFormationStore.StackById(state, stackId);
            EnsureUpdatable(stack.StackId, stack.Status);
            if (engine.IsUnchanged(stack, template, values))
            {
                throw new AwsServiceException("ValidationError", "No updates are to be performed.");
            }

            stack.Status = StackStatus.UpdateInProgress;
            stack.StatusReason = "User Initiated";
            stack.LastUpdatedTime = store.Now;
            AddStackEvent(stack, StackStatus.UpdateInProgress, "User Initiated");
        });
        engine.Start("UpdateStack", ct => engine.DeployAsync(stackId, body, values, null, ct));
        return stackId;
    }

    /// <summary>
    /// Starts deleting a stack. As in AWS, <paramref name="retain"/> is only accepted for a DELETE_FAILED stack and names
    /// resources that are still there (not DELETE_COMPLETE); they are skipped and stay in the account.
    /// </summary>
    public void DeleteStack(string name, IReadOnlyList<string> retain)
    {
        var stackId = store.Update(state =>
        {
            var stack = CloudFormationStore.FindStack(state, name);
            if (stack is null || stack.IsDeleted || stack.Status == StackStatus.DeleteInProgress)
            {
                return null; // AWS: deleting a missing or already deleting stack succeeds.
            }

            if (stack.IsBusy)
            {
                throw new AwsServiceException("ValidationError", $"Stack [{stack.StackName}] cannot be deleted while in status {stack.Status}");
            }

            CheckRetained(stack, retain);
            stack.Status = StackStatus.DeleteInProgress;
            stack.StatusReason = "User Initiated";
            AddStackEvent(stack, StackStatus.DeleteInProgress, "User Initiated");
            return stack.StackId;
        });
        if (stackId is not null)
        {
            var retained = retain.ToHashSet(StringComparer.Ordinal);
            engine.Start("DeleteStack", ct => engine.DeleteStackAsync(stackId, retained, ct));
        }
    }

    public (string ChangeSetId, string StackId) CreateChangeSet(ChangeSetSubmission submission)
    {
        var name = submission.Stack.StackName;
        var type = submission.ChangeSetType;
        var (previousBody, previousValues) = store.Read(state => CloudFormationStore.FindStack(state, name) is { } s ? (s.TemplateBody, s.Parameters) : (null, null));
        if (submission.Stack.UsePreviousTemplate && previousBody is null)
        {
            throw new AwsServiceException("ValidationError", $"Stack [{name}] does not exist");
        }

        var body = TemplateBody(submission.Stack, previousBody);
        var template = engine.Parse(body);
        var values = StackParameters.Bind(template, submission.Stack.Parameters, previousValues);
        CheckCapabilities(template, submission.Stack.Capabilities);
        var (changeSetId, stackId) = store.Update(state =>
        {
            var stack = CloudFormationStore.FindStack(state, name);
            if (type == "UPDATE")
            {
                if (stack is null || stack.Status == StackStatus.ReviewInProgress)
                {
                    throw new AwsServiceException("ValidationError", $"Stack [{name}] does not exist");
                }

                EnsureUpdatable(stack.StackId, stack.Status);
            }
            else if (stack is not null && stack.Status != StackStatus.ReviewInProgress)
            {
                throw new AwsServiceException("ValidationError", $"Stack [{name}] already exists and cannot be created again with the changeSet [{submission.ChangeSetName}].");
            }

            if (stack is null)
            {
                stack = NewStack(state, name, template);
                stack.Status = StackStatus.ReviewInProgress;
                stack.StatusReason = "User Initiated";
            }

            if (state.ChangeSets.Any(c => c.StackId == stack.StackId && c.ChangeSetName == submission.ChangeSetName))
            {
                throw new AwsServiceException("AlreadyExistsException", $"ChangeSet {submission.ChangeSetName} already exists");
            }

            var changeSet = new ChangeSetRecord
            {
                ChangeSetId = store.NewChangeSetId(submission.ChangeSetName),
                ChangeSetName = submission.ChangeSetName,
                StackId = stack.StackId,
                StackName = stack.StackName,
                ChangeSetType = type,
                Description = submission.Description,
                CreationTime = store.Now,
                TemplateBody = body,
                Parameters = values,
                Capabilities = [.. submission.Stack.Capabilities],
                Tags = submission.Stack.Tags,
            };
            state.ChangeSets.Add(changeSet);
            return (changeSet.ChangeSetId, stack.StackId);
        });
        engine.Start("CreateChangeSet", _ => engine.PlanChangeSetAsync(changeSetId));
        return (changeSetId, stackId);
    }

    public void ExecuteChangeSet(string name, string? stackName)
    {
        var (stackId, body, values, changeSetId) = store.Update(state =>
        {
            var changeSet = CloudFormationStore.ChangeSet(state, name, stackName);
            if (changeSet.ExecutionStatus != "AVAILABLE")
            {
                throw new AwsServiceException("InvalidChangeSetStatus",
                    $"ChangeSet [{changeSet.ChangeSetId}] cannot be executed in its current execution status of [{changeSet.ExecutionStatus}]");
            }

            var stack = CloudFormationStore.StackById(state, changeSet.StackId);
            var create = stack.Status == StackStatus.ReviewInProgress;
            if (!create)
            {
                EnsureUpdatable(stack.StackId, stack.Status);
            }

            changeSet.ExecutionStatus = "EXECUTE_IN_PROGRESS";
            foreach (var other in state.ChangeSets.Where(c => c.StackId == stack.StackId && c != changeSet && c.ExecutionStatus == "AVAILABLE"))
            {
                other.ExecutionStatus = "OBSOLETE";
            }

            stack.ChangeSetId = changeSet.ChangeSetId;
            stack.Capabilities = changeSet.Capabilities;
            stack.Status = create ? StackStatus.CreateInProgress : StackStatus.UpdateInProgress;
            stack.StatusReason = "User Initiated";
            if (!create)
            {
                stack.LastUpdatedTime = store.Now;
            }

            AddStackEvent(stack, stack.Status, "User Initiated");
            return (stack.StackId, changeSet.TemplateBody, changeSet.Parameters, changeSet.ChangeSetId);
        });
        engine.Start("ExecuteChangeSet", ct => engine.DeployAsync(stackId, body, values, changeSetId, ct));
    }

    public void DeleteChangeSet(string name, string? stackName) => store.Update(state =>
    {
        var changeSet = CloudFormationStore.ChangeSet(state, name, stackName);
        if (changeSet.ExecutionStatus == "EXECUTE_IN_PROGRESS")
        {
            throw new AwsServiceException("InvalidChangeSetStatus", $"Cannot delete ChangeSet {changeSet.ChangeSetId} in status EXECUTE_IN_PROGRESS");
        }

        state.ChangeSets.Remove(changeSet);
    });

    /// <summary>The capability a template needs: CAPABILITY_NAMED_IAM when an IAM resource is named, CAPABILITY_IAM for others.</summary>
    public static string? RequiredCapability(Template template)
    {
        var iam = IamResources(template).ToList();
        if (iam.Count == 0)
        {
            return null;
        }

        return iam.Any(r => r.Properties.ContainsKey("RoleName") || r.Properties.ContainsKey("UserName") || r.Properties.ContainsKey("GroupName"))
            ? "CAPABILITY_NAMED_IAM"
            : "CAPABILITY_IAM";
    }

    public static IEnumerable<TemplateResource> IamResources(Template template) =>
        template.Resources.Values.Where(r => r.Type.StartsWith("AWS::IAM::", StringComparison.Ordinal));

    private static void CheckRetained(StackRecord stack, IReadOnlyList<string> retain)
    {
        if (retain.Count == 0)
        {
            return;
        }

        if (stack.Status != StackStatus.DeleteFailed)
        {
            throw new AwsServiceException("ValidationError",
                $"Invalid operation on stack [{stack.StackId}]. RetainResources can only be specified when the stack is in the DELETE_FAILED state.");
        }

        var unknown = retain.Where(id => !stack.Resources.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new AwsServiceException("ValidationError", $"The specified resources to retain do not exist in the stack: [{string.Join(", ", unknown)}]");
        }

        if (retain.Any(id => stack.Resources[id].Status == StackStatus.DeleteComplete))
        {
            throw new AwsServiceException("ValidationError",
                "The specified resources to retain must be in a valid state. Do not specify resources that are in the DELETE_COMPLETE state.");
        }
    }

    private static string TemplateBody(StackSubmission submission, string? previousBody)
    {
        if (submission.UsePreviousTemplate && previousBody is not null)
        {
            return previousBody;
        }

        return submission.TemplateBody ?? throw new AwsServiceException("ValidationError", "Either Template URL or Template Body must be specified.");
    }

    private StackRecord NewStack(CloudFormationState state, string name, Template template)
    {
        var stack = new StackRecord
        {
            StackId = store.NewStackId(name),
            StackName = name,
            Status = StackStatus.ReviewInProgress,
            CreationTime = store.Now,
            Description = template.Description,
        };
        state.Stacks.RemoveAll(s => s.StackName == name && s.Status == StackStatus.ReviewInProgress);
        state.Stacks.Add(stack);
        return stack;
    }

    private void AddStackEvent(StackRecord stack, string status, string? reason) =>
        stack.Events.Add(new StackEventRecord(Guid.NewGuid().ToString(), stack.StackName, stack.StackId, StackStatus.StackResourceType, store.Now, status, reason, null));

    private static void EnsureUpdatable(string stackId, string status)
    {
        if (!StackStatus.Updatable.Contains(status))
        {
            throw new AwsServiceException("ValidationError", $"Stack:{stackId} is in {status} state and can not be updated.");
        }
    }

    private static void CheckCapabilities(Template template, IReadOnlyList<string> given)
    {
        var required = RequiredCapability(template);
        if (required is not null && !given.Contains(required))
        {
            throw new AwsServiceException("InsufficientCapabilitiesException", $"Requires capabilities : [{required}]");
        }
    }
}
