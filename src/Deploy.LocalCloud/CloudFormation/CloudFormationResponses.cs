using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Deploy.LocalCloud.CloudFormation.Drift;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>The XML members CloudFormation's responses are made of (botocore's cloudformation/2010-05-15 shapes).</summary>
internal static class CloudFormationResponses
{
    public static readonly XNamespace Ns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    public static XElement Stack(StackRecord s) => new(Ns + "member",
        new XElement(Ns + "StackId", s.StackId),
        new XElement(Ns + "StackName", s.StackName),
        Optional("ChangeSetId", s.ChangeSetId),
        Optional("Description", s.Description),
        new XElement(Ns + "Parameters", Parameters(s.Parameters)),
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
        new XElement(Ns + "Tags", Tags(s.Tags)),
        new XElement(Ns + "EnableTerminationProtection", "false"),
        new XElement(Ns + "DriftInformation",
            new XElement(Ns + "StackDriftStatus", s.DriftStatus),
            s.DriftCheckedAt is { } checkedAt ? new XElement(Ns + "LastCheckTimestamp", Time(checkedAt)) : null));

    public static XElement Resource(StackRecord stack, StackResourceRecord r) => new(Ns + "member",
        new XElement(Ns + "StackName", stack.StackName),
        new XElement(Ns + "StackId", stack.StackId),
        new XElement(Ns + "LogicalResourceId", r.LogicalId),
        Optional("PhysicalResourceId", r.PhysicalId),
        new XElement(Ns + "ResourceType", r.Type),
        new XElement(Ns + "Timestamp", Time(r.Timestamp)),
        new XElement(Ns + "ResourceStatus", r.Status),
        Optional("ResourceStatusReason", r.StatusReason),
        new XElement(Ns + "DriftInformation",
            new XElement(Ns + "StackResourceDriftStatus", r.DriftStatus),
            r.DriftCheckedAt is { } checkedAt ? new XElement(Ns + "LastCheckTimestamp", Time(checkedAt)) : null));

    public static XElement Event(StackRecord stack, StackEventRecord e) => new(Ns + "member",
        new XElement(Ns + "StackId", stack.StackId),
        new XElement(Ns + "EventId", e.EventId),
        new XElement(Ns + "StackName", stack.StackName),
        new XElement(Ns + "LogicalResourceId", e.LogicalResourceId),
        new XElement(Ns + "PhysicalResourceId", e.PhysicalResourceId ?? string.Empty),
        new XElement(Ns + "ResourceType", e.ResourceType),
        new XElement(Ns + "Timestamp", Time(e.Timestamp)),
        new XElement(Ns + "ResourceStatus", e.ResourceStatus),
        Optional("ResourceStatusReason", e.ResourceStatusReason),
        Optional("ResourceProperties", e.ResourceProperties));

    public static List<XElement> ChangeSet(ChangeSetRecord c) => new XElement?[]
    {
        new(Ns + "ChangeSetName", c.ChangeSetName),
        new(Ns + "ChangeSetId", c.ChangeSetId),
        new(Ns + "StackId", c.StackId),
        new(Ns + "StackName", c.StackName),
        Optional("Description", c.Description),
        new(Ns + "Parameters", Parameters(c.Parameters)),
        new(Ns + "CreationTime", Time(c.CreationTime)),
        new(Ns + "ExecutionStatus", c.ExecutionStatus),
        new(Ns + "Status", c.Status),
        Optional("StatusReason", c.StatusReason),
        new(Ns + "NotificationARNs"),
        new(Ns + "Capabilities", c.Capabilities.Select(x => new XElement(Ns + "member", x))),
        new(Ns + "Tags", Tags(c.Tags)),
        new(Ns + "Changes", c.Changes.Select(Change)),
        new(Ns + "IncludeNestedStacks", "false"),
    }.OfType<XElement>().ToList();

    public static XElement ChangeSetSummary(ChangeSetRecord c) => new(Ns + "member",
        new XElement(Ns + "StackId", c.StackId),
        new XElement(Ns + "StackName", c.StackName),
        new XElement(Ns + "ChangeSetId", c.ChangeSetId),
        new XElement(Ns + "ChangeSetName", c.ChangeSetName),
        new XElement(Ns + "ExecutionStatus", c.ExecutionStatus),
        new XElement(Ns + "Status", c.Status),
        Optional("StatusReason", c.StatusReason),
        new XElement(Ns + "CreationTime", Time(c.CreationTime)),
        Optional("Description", c.Description));

    public static List<XElement> DriftDetection(DriftDetectionRecord d) => new XElement?[]
    {
        new(Ns + "StackId", d.StackId),
        new(Ns + "StackDriftDetectionId", d.DetectionId),
        Optional("StackDriftStatus", d.StackDriftStatus),
        new(Ns + "DetectionStatus", d.DetectionStatus),
        Optional("DetectionStatusReason", d.DetectionStatusReason),
        d.DriftedCount is { } count ? new XElement(Ns + "DriftedStackResourceCount", count.ToString(CultureInfo.InvariantCulture)) : null,
        new(Ns + "Timestamp", Time(d.Timestamp)),
    }.OfType<XElement>().ToList();

    public static XElement ResourceDrift(string stackId, ResourceDriftRecord r) => new(Ns + "member",
        new XElement(Ns + "StackId", stackId),
        new XElement(Ns + "LogicalResourceId", r.LogicalId),
        Optional("PhysicalResourceId", r.PhysicalId),
        new XElement(Ns + "ResourceType", r.ResourceType),
        Optional("ExpectedProperties", r.ExpectedProperties),
        Optional("ActualProperties", r.ActualProperties),
        new XElement(Ns + "PropertyDifferences", r.Differences.Select(p => new XElement(Ns + "member",
            new XElement(Ns + "PropertyPath", p.PropertyPath),
            new XElement(Ns + "ExpectedValue", p.ExpectedValue),
            new XElement(Ns + "ActualValue", p.ActualValue),
            new XElement(Ns + "DifferenceType", p.DifferenceType)))),
        new XElement(Ns + "StackResourceDriftStatus", r.Status),
        new XElement(Ns + "Timestamp", Time(r.Timestamp)),
        Optional("DriftStatusReason", r.Reason));

    public static IEnumerable<XElement> Parameters(Dictionary<string, string> values) =>
        values.Select(p => new XElement(Ns + "member", new XElement(Ns + "ParameterKey", p.Key), new XElement(Ns + "ParameterValue", p.Value)));

    public static IEnumerable<XElement> Tags(Dictionary<string, string> tags) =>
        tags.Select(t => new XElement(Ns + "member", new XElement(Ns + "Key", t.Key), new XElement(Ns + "Value", t.Value)));

    public static XElement? Optional(string name, string? value) => value is null ? null : new XElement(Ns + name, value);

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Scalar(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    private static XElement Change(ResourceChangeRecord change) => new(Ns + "member",
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
}
