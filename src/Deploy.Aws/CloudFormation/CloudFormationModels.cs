namespace Deploy.Aws.CloudFormation;

// Shapes follow botocore's cloudformation/2010-05-15 model. Property names are the model's member names, with
// acronyms in .NET casing (TemplateURL -> TemplateUrl, RoleARN -> RoleArn); enum-valued members are strings.

/// <summary>A template parameter value (<c>Parameter</c>).</summary>
public sealed record StackParameter
{
    public StackParameter()
    {
    }

    public StackParameter(string parameterKey, string? parameterValue)
    {
        ParameterKey = parameterKey;
        ParameterValue = parameterValue;
    }

    public string? ParameterKey { get; init; }

    public string? ParameterValue { get; init; }

    /// <summary>Keep the value the stack already has (updates and change sets).</summary>
    public bool? UsePreviousValue { get; init; }

    /// <summary>Responses only: the value an SSM parameter type resolved to.</summary>
    public string? ResolvedValue { get; init; }

    /// <summary>Keeps the previous value of <paramref name="key"/>.</summary>
    public static StackParameter Previous(string key) => new() { ParameterKey = key, UsePreviousValue = true };
}

/// <summary>A stack tag (<c>Tag</c>).</summary>
public sealed record StackTag(string Key, string Value);

public sealed record RollbackTrigger(string Arn, string Type);

public sealed record RollbackConfiguration
{
    public IReadOnlyList<RollbackTrigger>? RollbackTriggers { get; init; }

    public int? MonitoringTimeInMinutes { get; init; }
}

/// <summary>The members CreateStack, UpdateStack and CreateChangeSet share (the client writes them in one place).</summary>
internal interface IStackTemplateRequest
{
    string StackName { get; }

    string? TemplateBody { get; }

    string? TemplateUrl { get; }

    IReadOnlyList<StackParameter>? Parameters { get; }

    IReadOnlyList<string>? Capabilities { get; }

    IReadOnlyList<string>? ResourceTypes { get; }

    string? RoleArn { get; }

    RollbackConfiguration? RollbackConfiguration { get; }

    IReadOnlyList<string>? NotificationArns { get; }

    IReadOnlyList<StackTag>? Tags { get; }
}

/// <summary>Capability values CloudFormation asks for.</summary>
public static class StackCapabilities
{
    public const string Iam = "CAPABILITY_IAM";
    public const string NamedIam = "CAPABILITY_NAMED_IAM";
    public const string AutoExpand = "CAPABILITY_AUTO_EXPAND";
}

public sealed record CreateStackRequest : IStackTemplateRequest
{
    public required string StackName { get; init; }

    public string? TemplateBody { get; init; }

    public string? TemplateUrl { get; init; }

    public IReadOnlyList<StackParameter>? Parameters { get; init; }

    public bool? DisableRollback { get; init; }

    public RollbackConfiguration? RollbackConfiguration { get; init; }

    public int? TimeoutInMinutes { get; init; }

    public IReadOnlyList<string>? NotificationArns { get; init; }

    /// <summary>See <see cref="StackCapabilities"/>.</summary>
    public IReadOnlyList<string>? Capabilities { get; init; }

    public IReadOnlyList<string>? ResourceTypes { get; init; }

    public string? RoleArn { get; init; }

    /// <summary><c>DO_NOTHING</c>, <c>ROLLBACK</c> or <c>DELETE</c>.</summary>
    public string? OnFailure { get; init; }

    public string? StackPolicyBody { get; init; }

    public string? StackPolicyUrl { get; init; }

    public IReadOnlyList<StackTag>? Tags { get; init; }

    public string? ClientRequestToken { get; init; }

    public bool? EnableTerminationProtection { get; init; }

    public bool? RetainExceptOnCreate { get; init; }
}

public sealed record CreateStackResponse(string? StackId, string? OperationId);

public sealed record UpdateStackRequest : IStackTemplateRequest
{
    public required string StackName { get; init; }

    public string? TemplateBody { get; init; }

    public string? TemplateUrl { get; init; }

    public bool? UsePreviousTemplate { get; init; }

    public string? StackPolicyDuringUpdateBody { get; init; }

    public string? StackPolicyDuringUpdateUrl { get; init; }

    public IReadOnlyList<StackParameter>? Parameters { get; init; }

    public IReadOnlyList<string>? Capabilities { get; init; }

    public IReadOnlyList<string>? ResourceTypes { get; init; }

    public string? RoleArn { get; init; }

    public RollbackConfiguration? RollbackConfiguration { get; init; }

    public string? StackPolicyBody { get; init; }

    public string? StackPolicyUrl { get; init; }

    /// <summary>An empty list removes all notification topics; null leaves them.</summary>
    public IReadOnlyList<string>? NotificationArns { get; init; }

    /// <summary>An empty list removes all tags; null leaves them.</summary>
    public IReadOnlyList<StackTag>? Tags { get; init; }

    public bool? DisableRollback { get; init; }

    public string? ClientRequestToken { get; init; }

    public bool? RetainExceptOnCreate { get; init; }
}

public sealed record UpdateStackResponse(string? StackId, string? OperationId);

public sealed record DeleteStackRequest
{
    public required string StackName { get; init; }

    public IReadOnlyList<string>? RetainResources { get; init; }

    public string? RoleArn { get; init; }

    public string? ClientRequestToken { get; init; }

    /// <summary><c>STANDARD</c> or <c>FORCE_DELETE_STACK</c>.</summary>
    public string? DeletionMode { get; init; }
}

public sealed record DescribeStacksRequest
{
    /// <summary>A name or stack id; null lists all stacks (deleted ones only by id).</summary>
    public string? StackName { get; init; }

    public string? NextToken { get; init; }
}

public sealed record DescribeStacksResponse(IReadOnlyList<StackDescription> Stacks, string? NextToken);

public sealed record StackOutput(string? OutputKey, string? OutputValue, string? Description, string? ExportName);

public sealed record StackDriftInformation(string? StackDriftStatus, DateTimeOffset? LastCheckTimestamp);

public sealed record OperationEntry(string? OperationType, string? OperationId);

public sealed record StackDescription
{
    public string? StackId { get; init; }

    public string? StackName { get; init; }

    public string? ChangeSetId { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<StackParameter>? Parameters { get; init; }

    public DateTimeOffset? CreationTime { get; init; }

    public DateTimeOffset? DeletionTime { get; init; }

    public DateTimeOffset? LastUpdatedTime { get; init; }

    public RollbackConfiguration? RollbackConfiguration { get; init; }

    /// <summary>E.g. <c>CREATE_COMPLETE</c>, <c>UPDATE_ROLLBACK_COMPLETE</c>; see <see cref="StackStatuses"/>.</summary>
    public string? StackStatus { get; init; }

    public string? StackStatusReason { get; init; }

    public bool? DisableRollback { get; init; }

    public IReadOnlyList<string>? NotificationArns { get; init; }

    public int? TimeoutInMinutes { get; init; }

    public IReadOnlyList<string>? Capabilities { get; init; }

    public IReadOnlyList<StackOutput>? Outputs { get; init; }

    public string? RoleArn { get; init; }

    public IReadOnlyList<StackTag>? Tags { get; init; }

    public bool? EnableTerminationProtection { get; init; }

    public string? ParentId { get; init; }

    public string? RootId { get; init; }

    public StackDriftInformation? DriftInformation { get; init; }

    public bool? RetainExceptOnCreate { get; init; }

    public string? DeletionMode { get; init; }

    public string? DetailedStatus { get; init; }

    public IReadOnlyList<OperationEntry>? LastOperations { get; init; }

    /// <summary>The value of output <paramref name="key"/>, or null.</summary>
    public string? Output(string key) => Outputs?.FirstOrDefault(o => o.OutputKey == key)?.OutputValue;
}

/// <summary>Classifies stack and resource status strings.</summary>
public static class StackStatuses
{
    /// <summary>Still moving: <c>*_IN_PROGRESS</c>.</summary>
    public static bool IsInProgress(string? status) =>
        status is not null && status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal);

    /// <summary>Settled in a state a deployment wanted: created, updated or imported.</summary>
    public static bool IsSuccess(string? status) =>
        status is "CREATE_COMPLETE" or "UPDATE_COMPLETE" or "IMPORT_COMPLETE";

    /// <summary>Settled after something went wrong (failed or rolled back).</summary>
    public static bool IsFailure(string? status) =>
        status is not null && !IsInProgress(status) &&
        (status.EndsWith("_FAILED", StringComparison.Ordinal) || status.Contains("ROLLBACK", StringComparison.Ordinal));
}

public sealed record DescribeStackEventsRequest
{
    public required string StackName { get; init; }

    public string? NextToken { get; init; }
}

public sealed record DescribeStackEventsResponse(IReadOnlyList<StackEvent> StackEvents, string? NextToken);

public sealed record StackEvent
{
    public string? StackId { get; init; }

    public string? EventId { get; init; }

    public string? StackName { get; init; }

    public string? OperationId { get; init; }

    public string? LogicalResourceId { get; init; }

    public string? PhysicalResourceId { get; init; }

    public string? ResourceType { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public string? ResourceStatus { get; init; }

    public string? ResourceStatusReason { get; init; }

    /// <summary>The resource's properties as JSON text.</summary>
    public string? ResourceProperties { get; init; }

    public string? ClientRequestToken { get; init; }

    public string? HookType { get; init; }

    public string? HookStatus { get; init; }

    public string? HookStatusReason { get; init; }

    public string? HookInvocationPoint { get; init; }

    public string? HookInvocationId { get; init; }

    public string? HookFailureMode { get; init; }

    public string? DetailedStatus { get; init; }
}

public sealed record DescribeStackResourcesRequest
{
    public string? StackName { get; init; }

    public string? LogicalResourceId { get; init; }

    /// <summary>Finds the stack that owns a physical resource (instead of <see cref="StackName"/>).</summary>
    public string? PhysicalResourceId { get; init; }
}

public sealed record DescribeStackResourcesResponse(IReadOnlyList<StackResource> StackResources);

public sealed record StackResourceDriftInformation(string? StackResourceDriftStatus, DateTimeOffset? LastCheckTimestamp);

public sealed record ModuleInfo(string? TypeHierarchy, string? LogicalIdHierarchy);

public sealed record StackResource
{
    public string? StackName { get; init; }

    public string? StackId { get; init; }

    public string? LogicalResourceId { get; init; }

    public string? PhysicalResourceId { get; init; }

    public string? ResourceType { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public string? ResourceStatus { get; init; }

    public string? ResourceStatusReason { get; init; }

    public string? Description { get; init; }

    public StackResourceDriftInformation? DriftInformation { get; init; }

    public ModuleInfo? ModuleInfo { get; init; }
}

/// <summary>A resource to import through an <c>IMPORT</c> change set.</summary>
public sealed record ResourceToImport
{
    public required string ResourceType { get; init; }

    public required string LogicalResourceId { get; init; }

    /// <summary>Identifier properties, e.g. <c>RepositoryName</c>.</summary>
    public required IReadOnlyDictionary<string, string> ResourceIdentifier { get; init; }
}

public sealed record CreateChangeSetRequest : IStackTemplateRequest
{
    public required string StackName { get; init; }

    public required string ChangeSetName { get; init; }

    public string? TemplateBody { get; init; }

    public string? TemplateUrl { get; init; }

    public bool? UsePreviousTemplate { get; init; }

    public IReadOnlyList<StackParameter>? Parameters { get; init; }

    public IReadOnlyList<string>? Capabilities { get; init; }

    public IReadOnlyList<string>? ResourceTypes { get; init; }

    public string? RoleArn { get; init; }

    public RollbackConfiguration? RollbackConfiguration { get; init; }

    public IReadOnlyList<string>? NotificationArns { get; init; }

    public IReadOnlyList<StackTag>? Tags { get; init; }

    public string? ClientToken { get; init; }

    public string? Description { get; init; }

    /// <summary><c>CREATE</c> (new stack), <c>UPDATE</c> (default) or <c>IMPORT</c>.</summary>
    public string? ChangeSetType { get; init; }

    public IReadOnlyList<ResourceToImport>? ResourcesToImport { get; init; }

    public bool? IncludeNestedStacks { get; init; }

    /// <summary><c>DO_NOTHING</c>, <c>ROLLBACK</c> or <c>DELETE</c>.</summary>
    public string? OnStackFailure { get; init; }

    public bool? ImportExistingResources { get; init; }

    public string? DeploymentMode { get; init; }
}

public sealed record CreateChangeSetResponse(string? Id, string? StackId);

public sealed record DescribeChangeSetRequest
{
    /// <summary>A change set name (with <see cref="StackName"/>) or its ARN.</summary>
    public required string ChangeSetName { get; init; }

    public string? StackName { get; init; }

    public string? NextToken { get; init; }

    public bool? IncludePropertyValues { get; init; }
}

public sealed record ResourceTargetDefinition
{
    public string? Attribute { get; init; }

    public string? Name { get; init; }

    public string? RequiresRecreation { get; init; }

    public string? Path { get; init; }

    public string? BeforeValue { get; init; }

    public string? AfterValue { get; init; }

    public string? AttributeChangeType { get; init; }
}

public sealed record ResourceChangeDetail(ResourceTargetDefinition? Target, string? Evaluation, string? ChangeSource, string? CausingEntity);

public sealed record ResourceChange
{
    public string? PolicyAction { get; init; }

    /// <summary><c>Add</c>, <c>Modify</c>, <c>Remove</c>, <c>Import</c>, <c>Dynamic</c>.</summary>
    public string? Action { get; init; }

    public string? LogicalResourceId { get; init; }

    public string? PhysicalResourceId { get; init; }

    public string? ResourceType { get; init; }

    /// <summary><c>True</c>, <c>False</c> or <c>Conditional</c>.</summary>
    public string? Replacement { get; init; }

    public IReadOnlyList<string>? Scope { get; init; }

    public IReadOnlyList<ResourceChangeDetail>? Details { get; init; }

    public string? ChangeSetId { get; init; }

    public ModuleInfo? ModuleInfo { get; init; }

    public string? BeforeContext { get; init; }

    public string? AfterContext { get; init; }
}

public sealed record Change(string? Type, int? HookInvocationCount, ResourceChange? ResourceChange);

public sealed record DescribeChangeSetResponse
{
    public string? ChangeSetName { get; init; }

    public string? ChangeSetId { get; init; }

    public string? StackId { get; init; }

    public string? StackName { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<StackParameter>? Parameters { get; init; }

    public DateTimeOffset? CreationTime { get; init; }

    /// <summary><c>UNAVAILABLE</c>, <c>AVAILABLE</c>, <c>EXECUTE_IN_PROGRESS</c>, <c>EXECUTE_COMPLETE</c>, <c>EXECUTE_FAILED</c>, <c>OBSOLETE</c>.</summary>
    public string? ExecutionStatus { get; init; }

    /// <summary><c>CREATE_PENDING</c>, <c>CREATE_IN_PROGRESS</c>, <c>CREATE_COMPLETE</c>, <c>DELETE_*</c>, <c>FAILED</c>.</summary>
    public string? Status { get; init; }

    public string? StatusReason { get; init; }

    public string? StackDriftStatus { get; init; }

    public IReadOnlyList<string>? NotificationArns { get; init; }

    public RollbackConfiguration? RollbackConfiguration { get; init; }

    public IReadOnlyList<string>? Capabilities { get; init; }

    public IReadOnlyList<StackTag>? Tags { get; init; }

    public IReadOnlyList<Change>? Changes { get; init; }

    public string? NextToken { get; init; }

    public bool? IncludeNestedStacks { get; init; }

    public string? ParentChangeSetId { get; init; }

    public string? RootChangeSetId { get; init; }

    public string? OnStackFailure { get; init; }

    public bool? ImportExistingResources { get; init; }

    public string? DeploymentMode { get; init; }
}

public sealed record ExecuteChangeSetRequest
{
    public required string ChangeSetName { get; init; }

    public string? StackName { get; init; }

    public string? ClientRequestToken { get; init; }

    public bool? DisableRollback { get; init; }

    public bool? RetainExceptOnCreate { get; init; }
}

public sealed record DeleteChangeSetRequest
{
    public required string ChangeSetName { get; init; }

    public string? StackName { get; init; }
}

public sealed record GetTemplateRequest
{
    public string? StackName { get; init; }

    public string? ChangeSetName { get; init; }

    /// <summary><c>Original</c> or <c>Processed</c>.</summary>
    public string? TemplateStage { get; init; }
}

public sealed record GetTemplateResponse(string? TemplateBody, IReadOnlyList<string>? StagesAvailable);

public sealed record ValidateTemplateRequest
{
    public string? TemplateBody { get; init; }

    public string? TemplateUrl { get; init; }
}

public sealed record TemplateParameter(string? ParameterKey, string? DefaultValue, bool? NoEcho, string? Description);

public sealed record ValidateTemplateResponse
{
    public IReadOnlyList<TemplateParameter>? Parameters { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string>? Capabilities { get; init; }

    public string? CapabilitiesReason { get; init; }

    public IReadOnlyList<string>? DeclaredTransforms { get; init; }
}
