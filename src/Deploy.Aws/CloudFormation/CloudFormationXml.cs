using System.Xml.Linq;

namespace Deploy.Aws.CloudFormation;

/// <summary>Reads CloudFormation's query-protocol XML into the records (namespace-blind, absent members null).</summary>
internal static class CloudFormationXml
{
    public static IReadOnlyList<string>? Strings(XElement parent, string name) =>
        parent.List(name, m => m.Value);

    public static StackDescription ReadStack(XElement x) => new()
    {
        StackId = x.Text("StackId"),
        StackName = x.Text("StackName"),
        ChangeSetId = x.Text("ChangeSetId"),
        Description = x.Text("Description"),
        Parameters = Parameters(x, "Parameters"),
        CreationTime = x.Timestamp("CreationTime"),
        DeletionTime = x.Timestamp("DeletionTime"),
        LastUpdatedTime = x.Timestamp("LastUpdatedTime"),
        RollbackConfiguration = x.Child("RollbackConfiguration") is { } rollback ? ReadRollback(rollback) : null,
        StackStatus = x.Text("StackStatus"),
        StackStatusReason = x.Text("StackStatusReason"),
        DisableRollback = x.Bool("DisableRollback"),
        NotificationArns = Strings(x, "NotificationARNs"),
        TimeoutInMinutes = x.Int("TimeoutInMinutes"),
        Capabilities = Strings(x, "Capabilities"),
        Outputs = x.List("Outputs", o => new StackOutput(o.Text("OutputKey"), o.Text("OutputValue"), o.Text("Description"), o.Text("ExportName"))),
        RoleArn = x.Text("RoleARN"),
        Tags = Tags(x, "Tags"),
        EnableTerminationProtection = x.Bool("EnableTerminationProtection"),
        ParentId = x.Text("ParentId"),
        RootId = x.Text("RootId"),
        DriftInformation = x.Child("DriftInformation") is { } drift
            ? new StackDriftInformation(drift.Text("StackDriftStatus"), drift.Timestamp("LastCheckTimestamp"))
            : null,
        RetainExceptOnCreate = x.Bool("RetainExceptOnCreate"),
        DeletionMode = x.Text("DeletionMode"),
        DetailedStatus = x.Text("DetailedStatus"),
        LastOperations = x.List("LastOperations", o => new OperationEntry(o.Text("OperationType"), o.Text("OperationId"))),
    };

    public static StackEvent ReadEvent(XElement x) => new()
    {
        StackId = x.Text("StackId"),
        EventId = x.Text("EventId"),
        StackName = x.Text("StackName"),
        OperationId = x.Text("OperationId"),
        LogicalResourceId = x.Text("LogicalResourceId"),
        PhysicalResourceId = x.Text("PhysicalResourceId"),
        ResourceType = x.Text("ResourceType"),
        Timestamp = x.Timestamp("Timestamp"),
        ResourceStatus = x.Text("ResourceStatus"),
        ResourceStatusReason = x.Text("ResourceStatusReason"),
        ResourceProperties = x.Text("ResourceProperties"),
        ClientRequestToken = x.Text("ClientRequestToken"),
        HookType = x.Text("HookType"),
        HookStatus = x.Text("HookStatus"),
        HookStatusReason = x.Text("HookStatusReason"),
        HookInvocationPoint = x.Text("HookInvocationPoint"),
        HookInvocationId = x.Text("HookInvocationId"),
        HookFailureMode = x.Text("HookFailureMode"),
        DetailedStatus = x.Text("DetailedStatus"),
    };

    public static StackResource ReadResource(XElement x) => new()
    {
        StackName = x.Text("StackName"),
        StackId = x.Text("StackId"),
        LogicalResourceId = x.Text("LogicalResourceId"),
        PhysicalResourceId = x.Text("PhysicalResourceId"),
        ResourceType = x.Text("ResourceType"),
        Timestamp = x.Timestamp("Timestamp"),
        ResourceStatus = x.Text("ResourceStatus"),
        ResourceStatusReason = x.Text("ResourceStatusReason"),
        Description = x.Text("Description"),
        DriftInformation = x.Child("DriftInformation") is { } drift
            ? new StackResourceDriftInformation(drift.Text("StackResourceDriftStatus"), drift.Timestamp("LastCheckTimestamp"))
            : null,
        ModuleInfo = ReadModule(x),
    };

    public static StackResourceDrift ReadResourceDrift(XElement x) => new()
    {
        StackId = x.Text("StackId"),
        LogicalResourceId = x.Text("LogicalResourceId"),
        PhysicalResourceId = x.Text("PhysicalResourceId"),
        PhysicalResourceIdContext = x.List("PhysicalResourceIdContext", p => new PhysicalResourceIdContextKeyValuePair(p.Text("Key"), p.Text("Value"))),
        ResourceType = x.Text("ResourceType"),
        ExpectedProperties = x.Text("ExpectedProperties"),
        ActualProperties = x.Text("ActualProperties"),
        PropertyDifferences = x.List("PropertyDifferences", p => new PropertyDifference(p.Text("PropertyPath"), p.Text("ExpectedValue"), p.Text("ActualValue"), p.Text("DifferenceType"))),
        StackResourceDriftStatus = x.Text("StackResourceDriftStatus"),
        Timestamp = x.Timestamp("Timestamp"),
        ModuleInfo = ReadModule(x),
        DriftStatusReason = x.Text("DriftStatusReason"),
    };

    public static ChangeSetSummary ReadChangeSetSummary(XElement x) => new()
    {
        StackId = x.Text("StackId"),
        StackName = x.Text("StackName"),
        ChangeSetId = x.Text("ChangeSetId"),
        ChangeSetName = x.Text("ChangeSetName"),
        ExecutionStatus = x.Text("ExecutionStatus"),
        Status = x.Text("Status"),
        StatusReason = x.Text("StatusReason"),
        CreationTime = x.Timestamp("CreationTime"),
        Description = x.Text("Description"),
        IncludeNestedStacks = x.Bool("IncludeNestedStacks"),
        ParentChangeSetId = x.Text("ParentChangeSetId"),
        RootChangeSetId = x.Text("RootChangeSetId"),
        ImportExistingResources = x.Bool("ImportExistingResources"),
    };

    public static DescribeStackDriftDetectionStatusResponse ReadDriftDetection(XElement x) => new()
    {
        StackId = x.Text("StackId"),
        StackDriftDetectionId = x.Text("StackDriftDetectionId"),
        StackDriftStatus = x.Text("StackDriftStatus"),
        DetectionStatus = x.Text("DetectionStatus"),
        DetectionStatusReason = x.Text("DetectionStatusReason"),
        DriftedStackResourceCount = x.Int("DriftedStackResourceCount"),
        Timestamp = x.Timestamp("Timestamp"),
    };

    public static DescribeChangeSetResponse ReadChangeSet(XElement x) => new()
    {
        ChangeSetName = x.Text("ChangeSetName"),
        ChangeSetId = x.Text("ChangeSetId"),
        StackId = x.Text("StackId"),
        StackName = x.Text("StackName"),
        Description = x.Text("Description"),
        Parameters = Parameters(x, "Parameters"),
        CreationTime = x.Timestamp("CreationTime"),
        ExecutionStatus = x.Text("ExecutionStatus"),
        Status = x.Text("Status"),
        StatusReason = x.Text("StatusReason"),
        StackDriftStatus = x.Text("StackDriftStatus"),
        NotificationArns = Strings(x, "NotificationARNs"),
        RollbackConfiguration = x.Child("RollbackConfiguration") is { } rollback ? ReadRollback(rollback) : null,
        Capabilities = Strings(x, "Capabilities"),
        Tags = Tags(x, "Tags"),
        Changes = x.List("Changes", ReadChange),
        NextToken = x.Text("NextToken"),
        IncludeNestedStacks = x.Bool("IncludeNestedStacks"),
        ParentChangeSetId = x.Text("ParentChangeSetId"),
        RootChangeSetId = x.Text("RootChangeSetId"),
        OnStackFailure = x.Text("OnStackFailure"),
        ImportExistingResources = x.Bool("ImportExistingResources"),
        DeploymentMode = x.Text("DeploymentMode"),
    };

    public static ValidateTemplateResponse ReadValidation(XElement x) => new()
    {
        Parameters = x.List("Parameters", p => new TemplateParameter(p.Text("ParameterKey"), p.Text("DefaultValue"), p.Bool("NoEcho"), p.Text("Description"))),
        Description = x.Text("Description"),
        Capabilities = Strings(x, "Capabilities"),
        CapabilitiesReason = x.Text("CapabilitiesReason"),
        DeclaredTransforms = Strings(x, "DeclaredTransforms"),
    };

    private static Change ReadChange(XElement x) => new(
        x.Text("Type"),
        x.Int("HookInvocationCount"),
        x.Child("ResourceChange") is { } change ? ReadResourceChange(change) : null);

    private static ResourceChange ReadResourceChange(XElement x) => new()
    {
        PolicyAction = x.Text("PolicyAction"),
        Action = x.Text("Action"),
        LogicalResourceId = x.Text("LogicalResourceId"),
        PhysicalResourceId = x.Text("PhysicalResourceId"),
        ResourceType = x.Text("ResourceType"),
        Replacement = x.Text("Replacement"),
        Scope = Strings(x, "Scope"),
        Details = x.List("Details", d => new ResourceChangeDetail(
                d.Child("Target") is { } target ? ReadTarget(target) : null,
                d.Text("Evaluation"),
                d.Text("ChangeSource"),
                d.Text("CausingEntity"))),
        ChangeSetId = x.Text("ChangeSetId"),
        ModuleInfo = ReadModule(x),
        BeforeContext = x.Text("BeforeContext"),
        AfterContext = x.Text("AfterContext"),
    };

    private static ResourceTargetDefinition ReadTarget(XElement x) => new()
    {
        Attribute = x.Text("Attribute"),
        Name = x.Text("Name"),
        RequiresRecreation = x.Text("RequiresRecreation"),
        Path = x.Text("Path"),
        BeforeValue = x.Text("BeforeValue"),
        AfterValue = x.Text("AfterValue"),
        AttributeChangeType = x.Text("AttributeChangeType"),
    };

    private static ModuleInfo? ReadModule(XElement x) =>
        x.Child("ModuleInfo") is { } module ? new ModuleInfo(module.Text("TypeHierarchy"), module.Text("LogicalIdHierarchy")) : null;

    private static RollbackConfiguration ReadRollback(XElement x) => new()
    {
        RollbackTriggers = x.List("RollbackTriggers", t => new RollbackTrigger(t.Text("Arn") ?? string.Empty, t.Text("Type") ?? string.Empty)),
        MonitoringTimeInMinutes = x.Int("MonitoringTimeInMinutes"),
    };

    private static List<StackParameter>? Parameters(XElement x, string name) =>
        x.List(name, p => new StackParameter
        {
            ParameterKey = p.Text("ParameterKey"),
            ParameterValue = p.Text("ParameterValue"),
            UsePreviousValue = p.Bool("UsePreviousValue"),
            ResolvedValue = p.Text("ResolvedValue"),
        });

    private static List<StackTag>? Tags(XElement x, string name) =>
        x.List(name, t => new StackTag(t.Text("Key") ?? string.Empty, t.Text("Value") ?? string.Empty));
}
