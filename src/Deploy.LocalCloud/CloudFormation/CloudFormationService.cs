using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Deploy.LocalCloud.CloudFormation.Drift;
using Deploy.LocalCloud.Protocols;
using static Deploy.LocalCloud.CloudFormation.CloudFormationResponses;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>
/// CloudFormation (query, 2010-05-15), the API surface: reads each request, hands writes to <see cref="StackOperations"/>
/// and drift detection to <see cref="DriftDetector"/>, answers reads from the store. Work runs in the background.
/// </summary>
internal sealed partial class CloudFormationService(CloudFormationStore store, StackEngine engine, StackOperations operations, DriftDetector drift)
    : IQueryApiService
{
    private static readonly HashSet<string> Actions = new(StringComparer.Ordinal)
    {
        "CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "DescribeStackEvents", "DescribeStackResources",
        "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet", "ListChangeSets", "GetTemplate",
        "ValidateTemplate", "ListStacks", "ListExports", "DetectStackDrift", "DescribeStackDriftDetectionStatus",
        "DescribeStackResourceDrifts",
    };

    public string SigningName => "cloudformation";

    public XNamespace XmlNamespace => Ns;

    public bool Supports(string action) => Actions.Contains(action);

    public IEnumerable<XElement> Handle(string action, QueryParameters parameters) => action switch
    {
        "CreateStack" => CreateStack(parameters),
        "UpdateStack" => [new XElement(Ns + "StackId", operations.UpdateStack(Submission(parameters, parameters.Required("StackName"))))],
        "DeleteStack" => DeleteStack(parameters),
        "DescribeStacks" => DescribeStacks(parameters),
        "ListStacks" => ListStacks(),
        "DescribeStackEvents" => DescribeStackEvents(parameters),
        "DescribeStackResources" => DescribeStackResources(parameters),
        "CreateChangeSet" => CreateChangeSet(parameters),
        "DescribeChangeSet" => store.Read(state => CloudFormationResponses.ChangeSet(
            CloudFormationStore.ChangeSet(state, parameters.Required("ChangeSetName"), parameters.Optional("StackName")))),
        "ExecuteChangeSet" => ExecuteChangeSet(parameters),
        "DeleteChangeSet" => DeleteChangeSet(parameters),
        "ListChangeSets" => ListChangeSets(parameters),
        "GetTemplate" => GetTemplate(parameters),
        "ValidateTemplate" => ValidateTemplate(parameters),
        "ListExports" => ListExports(),
        "DetectStackDrift" => [new XElement(Ns + "StackDriftDetectionId", drift.Start(parameters.Required("StackName"), parameters.List("LogicalResourceIds")))],
        "DescribeStackDriftDetectionStatus" => DescribeStackDriftDetectionStatus(parameters),
        "DescribeStackResourceDrifts" => DescribeStackResourceDrifts(parameters),
        _ => throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {parameters.Optional("Version")}"),
    };

    private XElement[] CreateStack(QueryParameters parameters)
    {
        var stackId = operations.CreateStack(Submission(parameters, StackName(parameters)), parameters.Optional("OnFailure"), parameters.Optional("DisableRollback") == "true");
        return [new XElement(Ns + "StackId", stackId)];
    }

    private XElement[] DeleteStack(QueryParameters parameters)
    {
        operations.DeleteStack(parameters.Required("StackName"), parameters.List("RetainResources"));
        return [];
    }

    private XElement[] DescribeStacks(QueryParameters parameters)
    {
        var name = parameters.Optional("StackName");
        var stacks = store.Read(state => name is null
            ? state.Stacks.Where(s => !s.IsDeleted).Select(Stack).ToList()
            : [Stack(CloudFormationStore.Stack(state, name))]);
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
            Optional("StackStatusReason", s.StatusReason),
            new XElement(Ns + "DriftInformation", new XElement(Ns + "StackDriftStatus", s.DriftStatus))))),
    });

    private XElement[] ListExports() => store.Read(state => new[]
    {
        new XElement(Ns + "Exports", state.Stacks.Where(s => !s.IsDeleted)
            .SelectMany(s => s.Outputs.Where(o => o.ExportName is not null).Select(o => new XElement(Ns + "member",
                new XElement(Ns + "ExportingStackId", s.StackId),
                new XElement(Ns + "Name", o.ExportName),
                new XElement(Ns + "Value", o.OutputValue))))),
    });

    private XElement[] DescribeStackEvents(QueryParameters parameters) => store.Read(state =>
    {
        var stack = CloudFormationStore.Stack(state, parameters.Required("StackName"));
        return new[] { new XElement(Ns + "StackEvents", Enumerable.Reverse(stack.Events).Select(e => Event(stack, e))) };
    });

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
            return new[] { new XElement(Ns + "StackResources", resources.Select(r => Resource(stack, r))) };
        });
    }

    private XElement[] CreateChangeSet(QueryParameters parameters)
    {
        var stack = Submission(parameters, StackName(parameters));
        var changeSetName = parameters.Required("ChangeSetName");
        if (!NamePattern().IsMatch(changeSetName) || changeSetName.Length > 128)
        {
            throw new AwsServiceException("ValidationError",
                $"1 validation error detected: Value '{changeSetName}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*");
        }

        var type = parameters.Optional("ChangeSetType") ?? "UPDATE";
        if (type is not ("CREATE" or "UPDATE"))
        {
            throw new AwsServiceException("ValidationError", $"ChangeSetType {type} is not supported by the local cloud (CREATE or UPDATE)");
        }

        var (changeSetId, stackId) = operations.CreateChangeSet(new ChangeSetSubmission(stack, changeSetName, type, parameters.Optional("Description")));
        return [new XElement(Ns + "Id", changeSetId), new XElement(Ns + "StackId", stackId)];
    }

    private XElement[] ExecuteChangeSet(QueryParameters parameters)
    {
        operations.ExecuteChangeSet(parameters.Required("ChangeSetName"), parameters.Optional("StackName"));
        return [];
    }

    private XElement[] DeleteChangeSet(QueryParameters parameters)
    {
        operations.DeleteChangeSet(parameters.Required("ChangeSetName"), parameters.Optional("StackName"));
        return [];
    }

    /// <summary>The stack's active change sets: an executed one is no longer listed (DescribeChangeSet still answers for it), an obsolete one is until deleted.</summary>
    private XElement[] ListChangeSets(QueryParameters parameters) => store.Read(state =>
    {
        var stack = CloudFormationStore.Stack(state, parameters.Required("StackName"));
        var active = state.ChangeSets.Where(c => c.StackId == stack.StackId && c.ExecutionStatus is not ("EXECUTE_COMPLETE" or "EXECUTE_FAILED"));
        return new[] { new XElement(Ns + "Summaries", active.Select(ChangeSetSummary)) };
    });

    private XElement[] GetTemplate(QueryParameters parameters)
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
        var template = engine.Parse(parameters.Optional("TemplateBody") ?? TemplateBodyMissing(parameters));
        var capability = StackOperations.RequiredCapability(template);
        return new XElement?[]
        {
            new(Ns + "Parameters", template.Parameters.Select(p => new XElement(Ns + "member",
                new XElement(Ns + "ParameterKey", p.Key),
                Optional("DefaultValue", Scalar(p.Value["Default"])),
                new XElement(Ns + "NoEcho", Scalar(p.Value["NoEcho"]) == "true" ? "true" : "false"),
                Optional("Description", Scalar(p.Value["Description"]))))),
            Optional("Description", template.Description),
            capability is null ? null : new XElement(Ns + "Capabilities", new XElement(Ns + "member", capability)),
            capability is null ? null : new XElement(Ns + "CapabilitiesReason",
                $"The following resource(s) require capabilities: [{string.Join(", ", StackOperations.IamResources(template).Select(r => r.LogicalId))}]"),
        }.OfType<XElement>().ToList();
    }

    private List<XElement> DescribeStackDriftDetectionStatus(QueryParameters parameters)
    {
        var id = parameters.Required("StackDriftDetectionId");
        return store.Read(state => DriftDetection(state.DriftDetections.FirstOrDefault(d => d.DetectionId == id)
            ?? throw new AwsServiceException("ValidationError", $"Drift detection with id [{id}] does not exist")));
    }

    /// <summary>The resources the stack's latest completed detection checked, filtered by status, in pages.</summary>
    private XElement[] DescribeStackResourceDrifts(QueryParameters parameters)
    {
        var filters = parameters.List("StackResourceDriftStatusFilters");
        var max = parameters.Optional("MaxResults") is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : 100;
        var start = parameters.Optional("NextToken") is { } token && int.TryParse(token, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
        return store.Read(state =>
        {
            var stack = CloudFormationStore.Stack(state, parameters.Required("StackName"));
            var latest = state.DriftDetections.LastOrDefault(d => d.StackId == stack.StackId && d.DetectionStatus != DriftStatus.InProgress);
            var drifts = (latest?.Resources ?? []).Where(r => filters.Count == 0 || filters.Contains(r.Status)).ToList();
            var page = drifts.Skip(start).Take(max).Select(r => ResourceDrift(stack.StackId, r));
            var next = start + max < drifts.Count ? (start + max).ToString(CultureInfo.InvariantCulture) : null;
            return new XElement?[] { new(Ns + "StackResourceDrifts", page), Optional("NextToken", next) }.OfType<XElement>().ToArray();
        });
    }

    private static StackSubmission Submission(QueryParameters parameters, string stackName)
    {
        if (parameters.Optional("TemplateURL") is not null && parameters.Optional("TemplateBody") is null)
        {
            throw new AwsServiceException("ValidationError", "TemplateURL is not supported by the local cloud; send TemplateBody");
        }

        var inputs = new List<ParameterInput>();
        for (var i = 1; parameters.Optional($"Parameters.member.{i}.ParameterKey") is { } key; i++)
        {
            inputs.Add(new ParameterInput(key, parameters.Optional($"Parameters.member.{i}.ParameterValue"),
                parameters.Optional($"Parameters.member.{i}.UsePreviousValue") == "true"));
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; parameters.Optional($"Tags.member.{i}.Key") is { } key; i++)
        {
            tags[key] = parameters.Optional($"Tags.member.{i}.Value") ?? string.Empty;
        }

        return new StackSubmission(stackName, parameters.Optional("TemplateBody"), parameters.Optional("UsePreviousTemplate") == "true",
            inputs, parameters.List("Capabilities"), tags);
    }

    private static string TemplateBodyMissing(QueryParameters parameters) => parameters.Optional("TemplateURL") is not null
        ? throw new AwsServiceException("ValidationError", "TemplateURL is not supported by the local cloud; send TemplateBody")
        : throw new AwsServiceException("ValidationError", "Either Template URL or Template Body must be specified.");

    private static string StackName(QueryParameters parameters)
    {
        var name = parameters.Required("StackName");
        if (!NamePattern().IsMatch(name) || name.Length > 128)
        {
            throw new AwsServiceException("ValidationError",
                $"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*");
        }

        return name;
    }

    [GeneratedRegex("^[a-zA-Z][-a-zA-Z0-9]*$")]
    private static partial Regex NamePattern();
}
