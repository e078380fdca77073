using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>CloudFormation (query, 2010-05-15): stacks, change sets, events, templates. Work runs in the background.</summary>
internal sealed partial class CloudFormationService(CloudFormationStore store, StackEngine engine) : IQueryApiService
{
    private static readonly XNamespace Ns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    private static readonly HashSet<string> Actions = new(StringComparer.Ordinal)
    {
        "CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "DescribeStackEvents", "DescribeStackResources",
        "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet", "ListChangeSets", "GetTemplate",
        "ValidateTemplate", "ListStacks", "ListExports",
    };

    public string SigningName => "cloudformation";

    public XNamespace XmlNamespace => Ns;

    public bool Supports(string action) => Actions.Contains(action);

    public IEnumerable<XElement> Handle(string action, QueryParameters parameters) => action switch
    {
        "CreateStack" => CreateStack(parameters),
        "UpdateStack" => UpdateStack(parameters),
        "DeleteStack" => DeleteStack(parameters),
        "DescribeStacks" => DescribeStacks(parameters),
        "ListStacks" => ListStacks(),
        "DescribeStackEvents" => DescribeStackEvents(parameters),
        "DescribeStackResources" => DescribeStackResources(parameters),
        "CreateChangeSet" => CreateChangeSet(parameters),
        "DescribeChangeSet" => DescribeChangeSet(parameters),
        "ExecuteChangeSet" => ExecuteChangeSet(parameters),
        "DeleteChangeSet" => DeleteChangeSet(parameters),
        "ListChangeSets" => ListChangeSets(parameters),
        "GetTemplate" => GetTemplate(parameters),
        "ValidateTemplate" => ValidateTemplate(parameters),
        "ListExports" => ListExports(),
        _ => throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {parameters.Optional("Version")}"),
    };

    private IEnumerable<XElement> CreateStack(QueryParameters parameters)
    {
        var name = StackName(parameters);
        var template = engine.Parse(TemplateBody(parameters));
        var values = StackParameters.Bind(template, ParameterInputs(parameters), null);
        CheckCapabilities(template, parameters.List("Capabilities"));
        var onFailure = parameters.Optional("OnFailure");
        var stackId = store.Update(state =>
        {
            if (CloudFormationStore.FindStack(state, name) is { } existing && existing.Status != StackStatus.ReviewInProgress)
            {
                throw new AwsServiceException("AlreadyExistsException", $"Stack [{name}] already exists");
            }

            var stack = NewStack(state, name, template);
            stack.DisableRollback = parameters.Optional("DisableRollback") == "true" || onFailure == "DO_NOTHING";
            stack.Capabilities = [.. parameters.List("Capabilities")];
            stack.Tags = Tags(parameters);
            stack.Parameters = values;
            stack.Status = StackStatus.CreateInProgress;
            stack.StatusReason = "User Initiated";
            AddStackEvent(stack, StackStatus.CreateInProgress, "User Initiated");
            return stack.StackId;
        });
        var body = template.Body;
        engine.Start("CreateStack", ct => engine.DeployAsync(stackId, body, values, null, ct));
        return [new XElement(Ns + "StackId", stackId)];
    }

    private IEnumerable<XElement> UpdateStack(QueryParameters parameters)
    {
        var name = parameters.Required("StackName");
        var (stackId, previousBody, previousValues, status) = store.Read(state =>
        {
            var stack = CloudFormationStore.Stack(state, name);
            return (stack.StackId, stack.TemplateBody, stack.Parameters, stack.Status);
        });
        EnsureUpdatable(stackId, status);
        var body = parameters.Optional("UsePreviousTemplate") == "true" ? previousBody ?? string.Empty : TemplateBody(parameters);
        var template = engine.Parse(body);
        var values = StackParameters.Bind(template, ParameterInputs(parameters), previousValues);
        CheckCapabilities(template, parameters.List("Capabilities"));
        var unchanged = store.Read(state =>
        {
            var stack = CloudFormationStore.StackById(state, stackId);
            return engine.IsUnchanged(stack, template, values);
        });
        if (unchanged)
        {
            throw new AwsServiceException("ValidationError", "No updates are to be performed.");
        }

        store.Update(state =>
        {
            var stack = CloudFormationStore.StackById(state, stackId);
            stack.Status = StackStatus.UpdateInProgress;
            stack.StatusReason = "User Initiated";
            stack.LastUpdatedTime = store.Now;
            AddStackEvent(stack, StackStatus.UpdateInProgress, "User Initiated");
        });
        engine.Start("UpdateStack", ct => engine.DeployAsync(stackId, body, values, null, ct));
        return [new XElement(Ns + "StackId", stackId)];
    }

    private IEnumerable<XElement> DeleteStack(QueryParameters parameters)
    {
        var name = parameters.Required("StackName");
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

            stack.Status = StackStatus.DeleteInProgress;
            stack.StatusReason = "User Initiated";
            AddStackEvent(stack, StackStatus.DeleteInProgress, "User Initiated");
            return stack.StackId;
        });
        if (stackId is not null)
        {
            engine.Start("DeleteStack", ct => engine.DeleteStackAsync(stackId, ct));
        }

        return [];
    }

    private IEnumerable<XElement> DescribeStacks(QueryParameters parameters)
    {
        var name = parameters.Optional("StackName");
        var stacks = store.Read(state => name is null
            ? state.Stacks.Where(s => !s.IsDeleted).Select(StackElement).ToList()
            : [StackElement(CloudFormationStore.Stack(state, name))]);
        return [new XElement(Ns + "Stacks", stacks)];
    }

    private XElement[] ListStacks() => store.Read(state => new[]
    {
        new XElement(Ns + "StackSummaries", state.Stacks.Select(s => new XElement(Ns + "member",
            new XElement(Ns + "StackId", s.StackId),
            new XElement(Ns + "StackName", s.StackName),
            Optional("TemplateDescription", s.Description),
            new XElement(Ns + "CreationTime", Time(s.CreationTime)),
            s.LastUpdatedTime is { } updated ? new XElement(Ns + "LastUpdatedTime", Time(updated)) : null,
            s.DeletionTime is { } deleted ? new XElement(Ns + "DeletionTime", Time(deleted)) : null,
            new XElement(Ns + "StackStatus", s.Status),
            Optional("StackStatusReason", s.StatusReason)))),
    });

    private XElement[] ListExports() => store.Read(state => new[]
    {
        new XElement(Ns + "Exports", state.Stacks.Where(s => !s.IsDeleted)
            .SelectMany(s => s.Outputs.Where(o => o.ExportName is not null).Select(o => new XElement(Ns + "member",
                new XElement(Ns + "ExportingStackId", s.StackId),
                new XElement(Ns + "Name", o.ExportName),
                new XElement(Ns + "Value", o.OutputValue))))),
    });

    private XElement[] DescribeStackEvents(QueryParameters parameters)
    {
        var name = parameters.Required("StackName");
        return store.Read(state =>
        {
            var stack = CloudFormationStore.Stack(state, name);
            return new[]
            {
                new XElement(Ns + "StackEvents", Enumerable.Reverse(stack.Events).Select(e => new XElement(Ns + "member",
                    new XElement(Ns + "StackId", stack.StackId),
                    new XElement(Ns + "EventId", e.EventId),
                    new XElement(Ns + "StackName", stack.StackName),
                    new XElement(Ns + "LogicalResourceId", e.LogicalResourceId),
                    new XElement(Ns + "PhysicalResourceId", e.PhysicalResourceId ?? string.Empty),
                    new XElement(Ns + "ResourceType", e.ResourceType),
                    new XElement(Ns + "Timestamp", Time(e.Timestamp)),
                    new XElement(Ns + "ResourceStatus", e.ResourceStatus),
                    Optional("ResourceStatusReason", e.ResourceStatusReason),
                    Optional("ResourceProperties", e.ResourceProperties)))),
            };
        });
    }

    private XElement[] DescribeStackResources(QueryParameters parameters)
    {
        var name = parameters.Optional("StackName");
        var physicalId = parameters.Optional("PhysicalResourceId");
        var logicalId = parameters.Optional("LogicalResourceId");
        return store.Read(state =>
        {
            var stack = name is not null
                ? CloudFormationStore.Stack(state, name)
                : state.Stacks.FirstOrDefault(s => !s.IsDeleted && s.Resources.Values.Any(r => r.PhysicalId == physicalId))
                  ?? throw new AwsServiceException("ValidationError", $"Stack for {physicalId} does not exist");
            var resources = stack.Resources.Values.Where(r => logicalId is null || r.LogicalId == logicalId);
            return new[]
            {
                new XElement(Ns + "StackResources", resources.Select(r => new XElement(Ns + "member",
                    new XElement(Ns + "StackName", stack.StackName),
                    new XElement(Ns + "StackId", stack.StackId),
                    new XElement(Ns + "LogicalResourceId", r.LogicalId),
                    Optional("PhysicalResourceId", r.PhysicalId),
                    new XElement(Ns + "ResourceType", r.Type),
                    new XElement(Ns + "Timestamp", Time(r.Timestamp)),
                    new XElement(Ns + "ResourceStatus", r.Status),
                    Optional("ResourceStatusReason", r.StatusReason),
                    new XElement(Ns + "DriftInformation", new XElement(Ns + "StackResourceDriftStatus", "NOT_CHECKED"))))),
            };
        });
    }

    private IEnumerable<XElement> CreateChangeSet(QueryParameters parameters)
    {
        var name = StackName(parameters);
        var changeSetName = parameters.Required("ChangeSetName");
        if (!ChangeSetNamePattern().IsMatch(changeSetName) || changeSetName.Length > 128)
        {
            throw new AwsServiceException("ValidationError",
                $"1 validation error detected: Value '{changeSetName}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*");
        }

        var type = parameters.Optional("ChangeSetType") ?? "UPDATE";
        if (type is not ("CREATE" or "UPDATE"))
        {
            throw new AwsServiceException("ValidationError", $"ChangeSetType {type} is not supported by the local cloud (CREATE or UPDATE)");
        }

        var (previousBody, previousValues) = store.Read(state => CloudFormationStore.FindStack(state, name) is { } s ? (s.TemplateBody, s.Parameters) : (null, null));
        var body = parameters.Optional("UsePreviousTemplate") == "true"
            ? previousBody ?? throw new AwsServiceException("ValidationError", $"Stack [{name}] does not exist")
            : TemplateBody(parameters);
        var template = engine.Parse(body);
        var values = StackParameters.Bind(template, ParameterInputs(parameters), previousValues);
        CheckCapabilities(template, parameters.List("Capabilities"));
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
                throw new AwsServiceException("ValidationError", $"Stack [{name}] already exists and cannot be created again with the changeSet [{changeSetName}].");
            }

            if (stack is null)
            {
                stack = NewStack(state, name, template);
                stack.Status = StackStatus.ReviewInProgress;
                stack.StatusReason = "User Initiated";
            }

            if (state.ChangeSets.Any(c => c.StackId == stack.StackId && c.ChangeSetName == changeSetName))
            {
                throw new AwsServiceException("AlreadyExistsException", $"ChangeSet {changeSetName} already exists");
            }

            var changeSet = new ChangeSetRecord
            {
                ChangeSetId = store.NewChangeSetId(changeSetName),
                ChangeSetName = changeSetName,
                StackId = stack.StackId,
                StackName = stack.StackName,
                ChangeSetType = type,
                Description = parameters.Optional("Description"),
                CreationTime = store.Now,
                TemplateBody = body,
                Parameters = values,
                Capabilities = [.. parameters.List("Capabilities")],
                Tags = Tags(parameters),
            };
            state.ChangeSets.Add(changeSet);
            return (changeSet.ChangeSetId, stack.StackId);
        });
        engine.Start("CreateChangeSet", _ => engine.PlanChangeSetAsync(changeSetId));
        return [new XElement(Ns + "Id", changeSetId), new XElement(Ns + "StackId", stackId)];
    }

    private List<XElement> DescribeChangeSet(QueryParameters parameters)
    {
        var name = parameters.Required("ChangeSetName");
        var stackName = parameters.Optional("StackName");
        return store.Read(state =>
        {
            var c = CloudFormationStore.ChangeSet(state, name, stackName);
            return new XElement?[]
            {
                new(Ns + "ChangeSetName", c.ChangeSetName),
                new(Ns + "ChangeSetId", c.ChangeSetId),
                new(Ns + "StackId", c.StackId),
                new(Ns + "StackName", c.StackName),
                Optional("Description", c.Description),
                new(Ns + "Parameters", ParameterElements(c.Parameters)),
                new(Ns + "CreationTime", Time(c.CreationTime)),
                new(Ns + "ExecutionStatus", c.ExecutionStatus),
                new(Ns + "Status", c.Status),
                Optional("StatusReason", c.StatusReason),
                new(Ns + "NotificationARNs"),
                new(Ns + "Capabilities", c.Capabilities.Select(x => new XElement(Ns + "member", x))),
                new(Ns + "Tags", TagElements(c.Tags)),
                new(Ns + "Changes", c.Changes.Select(ChangeElement)),
                new(Ns + "IncludeNestedStacks", "false"),
            }.OfType<XElement>().ToList();
        });
    }

    private IEnumerable<XElement> ExecuteChangeSet(QueryParameters parameters)
    {
        var name = parameters.Required("ChangeSetName");
        var stackName = parameters.Optional("StackName");
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
        return [];
    }

    private IEnumerable<XElement> DeleteChangeSet(QueryParameters parameters)
    {
        var name = parameters.Required("ChangeSetName");
        var stackName = parameters.Optional("StackName");
        store.Update(state =>
        {
            var changeSet = CloudFormationStore.ChangeSet(state, name, stackName);
            if (changeSet.ExecutionStatus == "EXECUTE_IN_PROGRESS")
            {
                throw new AwsServiceException("InvalidChangeSetStatus", $"Cannot delete ChangeSet {changeSet.ChangeSetId} in status EXECUTE_IN_PROGRESS");
            }

            state.ChangeSets.Remove(changeSet);
        });
        return [];
    }

    private XElement[] ListChangeSets(QueryParameters parameters)
    {
        var name = parameters.Required("StackName");
        return store.Read(state =>
        {
            var stack = CloudFormationStore.Stack(state, name);
            return new[]
            {
                new XElement(Ns + "Summaries", state.ChangeSets.Where(c => c.StackId == stack.StackId).Select(c => new XElement(Ns + "member",
                    new XElement(Ns + "StackId", c.StackId),
                    new XElement(Ns + "StackName", c.StackName),
                    new XElement(Ns + "ChangeSetId", c.ChangeSetId),
                    new XElement(Ns + "ChangeSetName", c.ChangeSetName),
                    new XElement(Ns + "ExecutionStatus", c.ExecutionStatus),
                    new XElement(Ns + "Status", c.Status),
                    Optional("StatusReason", c.StatusReason),
                    new XElement(Ns + "CreationTime", Time(c.CreationTime)),
                    Optional("Description", c.Description)))),
            };
        });
    }

    private IEnumerable<XElement> GetTemplate(QueryParameters parameters)
    {
        var stackName = parameters.Optional("StackName");
        var changeSetName = parameters.Optional("ChangeSetName");
        var body = store.Read(state => changeSetName is not null
            ? CloudFormationStore.ChangeSet(state, changeSetName, stackName).TemplateBody
            : CloudFormationStore.Stack(state, stackName ?? throw AwsServiceException.Validation("stackName")).TemplateBody)
            ?? "{}";
        return
        [
            new XElement(Ns + "TemplateBody", body),
            new XElement(Ns + "StagesAvailable", new XElement(Ns + "member", "Original"), new XElement(Ns + "member", "Processed")),
        ];
    }

    private List<XElement> ValidateTemplate(QueryParameters parameters)
    {
        var template = engine.Parse(TemplateBody(parameters));
        var capability = RequiredCapability(template);
        return new XElement?[]
        {
            new(Ns + "Parameters", template.Parameters.Select(p => new XElement(Ns + "member",
                new XElement(Ns + "ParameterKey", p.Key),
                Optional("DefaultValue", Scalar(p.Value["Default"])),
                new XElement(Ns + "NoEcho", Scalar(p.Value["NoEcho"]) == "true" ? "true" : "false"),
                Optional("Description", Scalar(p.Value["Description"]))))),
            Optional("Description", template.Description),
            capability is null ? null : new XElement(Ns + "Capabilities", new XElement(Ns + "member", capability)),
            capability is null ? null : new XElement(Ns + "CapabilitiesReason", $"The following resource(s) require capabilities: [{string.Join(", ", IamResourceTypes(template))}]"),
        }.OfType<XElement>().ToList();
    }

    private XElement StackElement(StackRecord s) => new(Ns + "member",
        new XElement(Ns + "StackId", s.StackId),
        new XElement(Ns + "StackName", s.StackName),
        Optional("ChangeSetId", s.ChangeSetId),
        Optional("Description", s.Description),
        new XElement(Ns + "Parameters", ParameterElements(s.Parameters)),
        new XElement(Ns + "CreationTime", Time(s.CreationTime)),
        s.DeletionTime is { } deleted ? new XElement(Ns + "DeletionTime", Time(deleted)) : null,
        s.LastUpdatedTime is { } updated ? new XElement(Ns + "LastUpdatedTime", Time(updated)) : null,
        new XElement(Ns + "RollbackConfiguration"),
        new XElement(Ns + "StackStatus", s.Status),
        Optional("StackStatusReason", s.StatusReason),
        new XElement(Ns + "DisableRollback", s.DisableRollback ? "true" : "false"),
        new XElement(Ns + "NotificationARNs"),
        new XElement(Ns + "Capabilities", s.Capabilities.Select(c => new XElement(Ns + "member", c))),
        s.Outputs.Count == 0 ? null : new XElement(Ns + "Outputs", s.Outputs.Select(o => new XElement(Ns + "member",
            new XElement(Ns + "OutputKey", o.OutputKey),
            new XElement(Ns + "OutputValue", o.OutputValue),
            Optional("Description", o.Description),
            Optional("ExportName", o.ExportName)))),
        new XElement(Ns + "Tags", TagElements(s.Tags)),
        new XElement(Ns + "EnableTerminationProtection", "false"),
        new XElement(Ns + "DriftInformation", new XElement(Ns + "StackDriftStatus", "NOT_CHECKED")));

    private static XElement ChangeElement(ResourceChangeRecord change) => new(Ns + "member",
        new XElement(Ns + "Type", "Resource"),
        new XElement(Ns + "ResourceChange",
            new XElement(Ns + "Action", change.Action),
            new XElement(Ns + "LogicalResourceId", change.LogicalResourceId),
            Optional("PhysicalResourceId", change.PhysicalResourceId),
            new XElement(Ns + "ResourceType", change.ResourceType),
            Optional("Replacement", change.Replacement),
            new XElement(Ns + "Scope", change.Scope.Select(s => new XElement(Ns + "member", s))),
            new XElement(Ns + "Details", change.Details.Select(d => new XElement(Ns + "member",
                new XElement(Ns + "Target",
                    new XElement(Ns + "Attribute", d.Attribute),
                    Optional("Name", d.Name),
                    new XElement(Ns + "RequiresRecreation", d.RequiresRecreation)),
                new XElement(Ns + "Evaluation", d.Evaluation),
                new XElement(Ns + "ChangeSource", d.ChangeSource),
                Optional("CausingEntity", d.CausingEntity))))));

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

    private static string? RequiredCapability(Template template)
    {
        var iam = template.Resources.Values.Where(r => r.Type.StartsWith("AWS::IAM::", StringComparison.Ordinal)).ToList();
        if (iam.Count == 0)
        {
            return null;
        }

        return iam.Any(r => r.Properties.ContainsKey("RoleName") || r.Properties.ContainsKey("UserName") || r.Properties.ContainsKey("GroupName"))
            ? "CAPABILITY_NAMED_IAM"
            : "CAPABILITY_IAM";
    }

    private static IEnumerable<string> IamResourceTypes(Template template) =>
        template.Resources.Values.Where(r => r.Type.StartsWith("AWS::IAM::", StringComparison.Ordinal)).Select(r => r.LogicalId);

    private static string StackName(QueryParameters parameters)
    {
        var name = parameters.Required("StackName");
        if (!StackNamePattern().IsMatch(name) || name.Length > 128)
        {
            throw new AwsServiceException("ValidationError",
                $"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*");
        }

        return name;
    }

    private static string TemplateBody(QueryParameters parameters)
    {
        if (parameters.Optional("TemplateBody") is { } body)
        {
            return body;
        }

        if (parameters.Optional("TemplateURL") is not null)
        {
            throw new AwsServiceException("ValidationError", "TemplateURL is not supported by the local cloud; send TemplateBody");
        }

        throw new AwsServiceException("ValidationError", "Either Template URL or Template Body must be specified.");
    }

    private static List<ParameterInput> ParameterInputs(QueryParameters parameters)
    {
        var inputs = new List<ParameterInput>();
        for (var i = 1; parameters.Optional($"Parameters.member.{i}.ParameterKey") is { } key; i++)
        {
            inputs.Add(new ParameterInput(key, parameters.Optional($"Parameters.member.{i}.ParameterValue"),
                parameters.Optional($"Parameters.member.{i}.UsePreviousValue") == "true"));
        }

        return inputs;
    }

    private static Dictionary<string, string> Tags(QueryParameters parameters)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; parameters.Optional($"Tags.member.{i}.Key") is { } key; i++)
        {
            tags[key] = parameters.Optional($"Tags.member.{i}.Value") ?? string.Empty;
        }

        return tags;
    }

    private static IEnumerable<XElement> ParameterElements(Dictionary<string, string> values) =>
        values.Select(p => new XElement(Ns + "member", new XElement(Ns + "ParameterKey", p.Key), new XElement(Ns + "ParameterValue", p.Value)));

    private static IEnumerable<XElement> TagElements(Dictionary<string, string> tags) =>
        tags.Select(t => new XElement(Ns + "member", new XElement(Ns + "Key", t.Key), new XElement(Ns + "Value", t.Value)));

    private static XElement? Optional(string name, string? value) => value is null ? null : new XElement(Ns + name, value);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string? Scalar(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    [GeneratedRegex("^[a-zA-Z][-a-zA-Z0-9]*$")]
    private static partial Regex StackNamePattern();

    [GeneratedRegex("^[a-zA-Z][-a-zA-Z0-9]*$")]
    private static partial Regex ChangeSetNamePattern();
}
