using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Deploy.Aws.CloudFormation;

/// <summary>AWS CloudFormation, query protocol (API 2010-05-15). Failures throw <see cref="CloudFormationException"/>.</summary>
public sealed class CloudFormationClient(AwsSession session)
{
    private readonly AwsSession session = session ?? throw new ArgumentNullException(nameof(session));

    public async Task<CreateStackResponse> CreateStackAsync(CreateStackRequest request, CancellationToken cancellationToken = default)
    {
        var form = Template(request)
            .Add("DisableRollback", request.DisableRollback)
            .Add("TimeoutInMinutes", request.TimeoutInMinutes)
            .Add("OnFailure", request.OnFailure)
            .Add("StackPolicyBody", request.StackPolicyBody)
            .Add("StackPolicyURL", request.StackPolicyUrl)
            .Add("ClientRequestToken", request.ClientRequestToken)
            .Add("EnableTerminationProtection", request.EnableTerminationProtection)
            .Add("RetainExceptOnCreate", request.RetainExceptOnCreate);
        var result = await Call("CreateStack", form, Stack(request.StackName), cancellationToken).ConfigureAwait(false);
        return new CreateStackResponse(result.Text("StackId"), result.Text("OperationId"));
    }

    public async Task<UpdateStackResponse> UpdateStackAsync(UpdateStackRequest request, CancellationToken cancellationToken = default)
    {
        var form = Template(request, emptyListsClear: true)
            .Add("UsePreviousTemplate", request.UsePreviousTemplate)
            .Add("StackPolicyDuringUpdateBody", request.StackPolicyDuringUpdateBody)
            .Add("StackPolicyDuringUpdateURL", request.StackPolicyDuringUpdateUrl)
            .Add("StackPolicyBody", request.StackPolicyBody)
            .Add("StackPolicyURL", request.StackPolicyUrl)
            .Add("DisableRollback", request.DisableRollback)
            .Add("ClientRequestToken", request.ClientRequestToken)
            .Add("RetainExceptOnCreate", request.RetainExceptOnCreate);
        var result = await Call("UpdateStack", form, Stack(request.StackName), cancellationToken).ConfigureAwait(false);
        return new UpdateStackResponse(result.Text("StackId"), result.Text("OperationId"));
    }

    /// <summary>
    /// True for the <c>ValidationError</c> CloudFormation answers when an update (or change set) would change nothing
    /// ("No updates are to be performed."), which a deployment usually treats as success.
    /// </summary>
    public static bool IsNoUpdates(AwsServiceException error) =>
        error is { Code: "ValidationError" } && error.ErrorMessage.Contains("No updates are to be performed", StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts deleting a stack; deleting one that does not exist succeeds (CloudFormation's behaviour).</summary>
    public Task DeleteStackAsync(DeleteStackRequest request, CancellationToken cancellationToken = default) =>
        Call(
            "DeleteStack",
            QueryRequest.For(request)
                .Add("StackName", request.StackName)
                .AddList("RetainResources", request.RetainResources)
                .Add("RoleARN", request.RoleArn)
                .Add("ClientRequestToken", request.ClientRequestToken)
                .Add("DeletionMode", request.DeletionMode),
            Stack(request.StackName),
            cancellationToken);

    /// <summary>One page of stacks. A stack that does not exist raises <c>ValidationError</c>.</summary>
    public async Task<DescribeStacksResponse> DescribeStacksAsync(DescribeStacksRequest? request = null, CancellationToken cancellationToken = default)
    {
        request ??= new DescribeStacksRequest();
        var form = new QueryRequest()
            .Add("StackName", request.StackName)
            .Add("NextToken", request.NextToken);
        var result = await Call("DescribeStacks", form, Stack(request.StackName), cancellationToken).ConfigureAwait(false);
        return new DescribeStacksResponse(result.Members("Stacks").Select(CloudFormationXml.ReadStack).ToList(), result.Text("NextToken"));
    }

    /// <summary>All stacks matching <paramref name="request"/>, across pages.</summary>
    public IAsyncEnumerable<StackDescription> DescribeAllStacksAsync(DescribeStacksRequest? request = null, CancellationToken cancellationToken = default)
    {
        var first = request ?? new DescribeStacksRequest();
        return AwsPagination.PaginateAsync(
            (token, ct) => DescribeStacksAsync(first with { NextToken = token }, ct),
            page => page.Stacks,
            page => page.NextToken,
            cancellationToken);
    }

    /// <summary>The stack named <paramref name="stackName"/> (or with that id), or null when it does not exist.</summary>
    public async Task<StackDescription?> FindStackAsync(string stackName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stackName);
        try
        {
            var page = await DescribeStacksAsync(new DescribeStacksRequest { StackName = stackName }, cancellationToken).ConfigureAwait(false);
            return page.Stacks.Count > 0 ? page.Stacks[0] : null;
        }
        catch (CloudFormationException e) when (e.Code == "ValidationError" && e.ErrorMessage.Contains("does not exist", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>
    /// Polls <c>DescribeStacks</c> every <paramref name="pollInterval"/> (default 5 s) until the stack has settled (no
    /// <c>*_IN_PROGRESS</c> status other than <c>REVIEW_IN_PROGRESS</c>, which waits for a change set to be executed);
    /// returns its final description, or null when it does not exist (e.g. deleted, when asked by name).
    /// Bound the wait with <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<StackDescription?> WaitForStackAsync(string stackName, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stackName);
        var interval = pollInterval ?? TimeSpan.FromSeconds(5);
        while (true)
        {
            var stack = await FindStackAsync(stackName, cancellationToken).ConfigureAwait(false);
            if (stack is null || stack.StackStatus == "REVIEW_IN_PROGRESS" || !StackStatuses.IsInProgress(stack.StackStatus))
            {
                return stack;
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One page of events, newest first.</summary>
    public async Task<DescribeStackEventsResponse> DescribeStackEventsAsync(DescribeStackEventsRequest request, CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request)
            .Add("StackName", request.StackName)
            .Add("NextToken", request.NextToken);
        var result = await Call("DescribeStackEvents", form, Stack(request.StackName), cancellationToken).ConfigureAwait(false);
        return new DescribeStackEventsResponse(
            result.Members("StackEvents").Select(CloudFormationXml.ReadEvent).ToList(),
            result.Text("NextToken"));
    }

    /// <summary>All events of a stack across pages, newest first (stop enumerating once you have seen enough).</summary>
    public IAsyncEnumerable<StackEvent> DescribeAllStackEventsAsync(string stackName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stackName);
        return AwsPagination.PaginateAsync(
            (token, ct) => DescribeStackEventsAsync(new DescribeStackEventsRequest { StackName = stackName, NextToken = token }, ct),
            page => page.StackEvents,
            page => page.NextToken,
            cancellationToken);
    }

    public async Task<DescribeStackResourcesResponse> DescribeStackResourcesAsync(
        DescribeStackResourcesRequest request,
        CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request)
            .Add("StackName", request.StackName)
            .Add("LogicalResourceId", request.LogicalResourceId)
            .Add("PhysicalResourceId", request.PhysicalResourceId);
        var resource = request.StackName is not null ? Stack(request.StackName) : Resource(request.PhysicalResourceId);
        var result = await Call("DescribeStackResources", form, resource, cancellationToken).ConfigureAwait(false);
        return new DescribeStackResourcesResponse(result.Members("StackResources").Select(CloudFormationXml.ReadResource).ToList());
    }

    public async Task<CreateChangeSetResponse> CreateChangeSetAsync(CreateChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        var form = Template(request)
            .Add("UsePreviousTemplate", request.UsePreviousTemplate)
            .Add("ChangeSetName", request.ChangeSetName)
            .Add("ClientToken", request.ClientToken)
            .Add("Description", request.Description)
            .Add("ChangeSetType", request.ChangeSetType)
            .AddList("ResourcesToImport", request.ResourcesToImport, (q, p, r) => q
                .Add(p + ".ResourceType", r.ResourceType)
                .Add(p + ".LogicalResourceId", r.LogicalResourceId)
                .AddMap(p + ".ResourceIdentifier", r.ResourceIdentifier))
            .Add("IncludeNestedStacks", request.IncludeNestedStacks)
            .Add("OnStackFailure", request.OnStackFailure)
            .Add("ImportExistingResources", request.ImportExistingResources)
            .Add("DeploymentMode", request.DeploymentMode);
        var result = await Call("CreateChangeSet", form, ChangeSet(request.ChangeSetName, request.StackName), cancellationToken).ConfigureAwait(false);
        return new CreateChangeSetResponse(result.Text("Id"), result.Text("StackId"));
    }

    /// <summary>One page of a change set's changes (with its status and settings on every page).</summary>
    public async Task<DescribeChangeSetResponse> DescribeChangeSetAsync(DescribeChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request)
            .Add("ChangeSetName", request.ChangeSetName)
            .Add("StackName", request.StackName)
            .Add("NextToken", request.NextToken)
            .Add("IncludePropertyValues", request.IncludePropertyValues);
        var result = await Call("DescribeChangeSet", form, ChangeSet(request.ChangeSetName, request.StackName), cancellationToken).ConfigureAwait(false);
        return CloudFormationXml.ReadChangeSet(result);
    }

    /// <summary>All changes of a change set, across pages.</summary>
    public IAsyncEnumerable<Change> DescribeAllChangesAsync(DescribeChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AwsPagination.PaginateAsync(
            (token, ct) => DescribeChangeSetAsync(request with { NextToken = token }, ct),
            page => page.Changes,
            page => page.NextToken,
            cancellationToken);
    }

    public Task ExecuteChangeSetAsync(ExecuteChangeSetRequest request, CancellationToken cancellationToken = default) =>
        Call(
            "ExecuteChangeSet",
            QueryRequest.For(request)
                .Add("ChangeSetName", request.ChangeSetName)
                .Add("StackName", request.StackName)
                .Add("ClientRequestToken", request.ClientRequestToken)
                .Add("DisableRollback", request.DisableRollback)
                .Add("RetainExceptOnCreate", request.RetainExceptOnCreate),
            ChangeSet(request.ChangeSetName, request.StackName),
            cancellationToken);

    public Task DeleteChangeSetAsync(DeleteChangeSetRequest request, CancellationToken cancellationToken = default) =>
        Call(
            "DeleteChangeSet",
            QueryRequest.For(request).Add("ChangeSetName", request.ChangeSetName).Add("StackName", request.StackName),
            ChangeSet(request.ChangeSetName, request.StackName),
            cancellationToken);

    /// <summary>One page of the stack's change sets (those not yet executed or deleted).</summary>
    public async Task<ListChangeSetsResponse> ListChangeSetsAsync(string stackName, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stackName);
        var form = new QueryRequest().Add("StackName", stackName).Add("NextToken", nextToken);
        var result = await Call("ListChangeSets", form, Stack(stackName), cancellationToken).ConfigureAwait(false);
        return new ListChangeSetsResponse(result.Members("Summaries").Select(CloudFormationXml.ReadChangeSetSummary).ToList(), result.Text("NextToken"));
    }

    public async Task<GetTemplateResponse> GetTemplateAsync(GetTemplateRequest request, CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request)
            .Add("StackName", request.StackName)
            .Add("ChangeSetName", request.ChangeSetName)
            .Add("TemplateStage", request.TemplateStage);
        var resource = request.ChangeSetName is not null ? ChangeSet(request.ChangeSetName, request.StackName) : Stack(request.StackName);
        var result = await Call("GetTemplate", form, resource, cancellationToken).ConfigureAwait(false);
        return new GetTemplateResponse(result.Text("TemplateBody"), CloudFormationXml.Strings(result, "StagesAvailable"));
    }

    /// <summary>Checks a template; a broken one raises <see cref="CloudFormationException"/> with code <c>ValidationError</c>.</summary>
    public async Task<ValidateTemplateResponse> ValidateTemplateAsync(ValidateTemplateRequest request, CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request)
            .Add("TemplateBody", request.TemplateBody)
            .Add("TemplateURL", request.TemplateUrl);
        var result = await Call("ValidateTemplate", form, request.TemplateUrl is null ? "the template" : $"template {request.TemplateUrl}", cancellationToken)
            .ConfigureAwait(false);
        return CloudFormationXml.ReadValidation(result);
    }

    /// <summary>Starts a drift detection of the stack (or of some of its resources); poll it with <see cref="DescribeStackDriftDetectionStatusAsync"/>.</summary>
    public async Task<DetectStackDriftResponse> DetectStackDriftAsync(DetectStackDriftRequest request, CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request)
            .Add("StackName", request.StackName)
            .AddList("LogicalResourceIds", request.LogicalResourceIds);
        var result = await Call("DetectStackDrift", form, Stack(request.StackName), cancellationToken).ConfigureAwait(false);
        return new DetectStackDriftResponse(result.Text("StackDriftDetectionId"));
    }

    public async Task<DescribeStackDriftDetectionStatusResponse> DescribeStackDriftDetectionStatusAsync(string stackDriftDetectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stackDriftDetectionId);
        var form = new QueryRequest().Add("StackDriftDetectionId", stackDriftDetectionId);
        var result = await Call("DescribeStackDriftDetectionStatus", form, $"drift detection '{stackDriftDetectionId}'", cancellationToken).ConfigureAwait(false);
        return CloudFormationXml.ReadDriftDetection(result);
    }

    /// <summary>One page of the drift results of the stack's last detection.</summary>
    public async Task<DescribeStackResourceDriftsResponse> DescribeStackResourceDriftsAsync(DescribeStackResourceDriftsRequest request, CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request)
            .Add("StackName", request.StackName)
            .AddList("StackResourceDriftStatusFilters", request.StackResourceDriftStatusFilters)
            .Add("NextToken", request.NextToken)
            .Add("MaxResults", request.MaxResults);
        var result = await Call("DescribeStackResourceDrifts", form, Stack(request.StackName), cancellationToken).ConfigureAwait(false);
        return new DescribeStackResourceDriftsResponse(result.Members("StackResourceDrifts").Select(CloudFormationXml.ReadResourceDrift).ToList(), result.Text("NextToken"));
    }

    /// <summary>All drift results matching <paramref name="request"/>, across pages.</summary>
    public IAsyncEnumerable<StackResourceDrift> DescribeAllStackResourceDriftsAsync(DescribeStackResourceDriftsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AwsPagination.PaginateAsync(
            (token, ct) => DescribeStackResourceDriftsAsync(request with { NextToken = token }, ct),
            page => page.StackResourceDrifts,
            page => page.NextToken,
            cancellationToken);
    }

    private static void WriteParameter(QueryRequest form, string prefix, StackParameter parameter) => form
        .Add(prefix + ".ParameterKey", parameter.ParameterKey)
        .Add(prefix + ".ParameterValue", parameter.ParameterValue)
        .Add(prefix + ".UsePreviousValue", parameter.UsePreviousValue)
        .Add(prefix + ".ResolvedValue", parameter.ResolvedValue);

    private static void WriteTag(QueryRequest form, string prefix, StackTag tag) => form
        .Add(prefix + ".Key", tag.Key)
        .Add(prefix + ".Value", tag.Value);

    /// <summary>The form with the members the stack and change-set writers share; for updates an empty list clears.</summary>
    private static QueryRequest Template(IStackTemplateRequest request, bool emptyListsClear = false, [CallerArgumentExpression(nameof(request))] string? paramName = null) =>
        QueryRequest.For(request, paramName)
            .Add("StackName", request.StackName)
            .Add("TemplateBody", request.TemplateBody)
            .Add("TemplateURL", request.TemplateUrl)
            .AddList("Parameters", request.Parameters, WriteParameter)
            .AddList("Capabilities", request.Capabilities)
            .AddList("ResourceTypes", request.ResourceTypes)
            .Add("RoleARN", request.RoleArn)
            .WriteRollbackConfiguration("RollbackConfiguration", request.RollbackConfiguration)
            .AddList("NotificationARNs", request.NotificationArns, emptyListsClear)
            .AddList("Tags", request.Tags, WriteTag, emptyListsClear);

    private static string? Stack(string? name) => name is null ? null : $"stack '{name}'";

    private static string? Resource(string? physicalId) => physicalId is null ? null : $"resource '{physicalId}'";

    private static string ChangeSet(string name, string? stack) =>
        stack is null ? $"change set '{name}'" : $"change set '{name}' of stack '{stack}'";

    private Task<XElement> Call(string action, QueryRequest form, string? resource, CancellationToken cancellationToken) =>
        QueryProtocol.InvokeAsync(session, AwsService.CloudFormation, action, form, resource, cancellationToken);
}

/// <summary>Query-request writers for nested CloudFormation structures.</summary>
internal static class CloudFormationQuery
{
    public static QueryRequest WriteRollbackConfiguration(this QueryRequest form, string prefix, RollbackConfiguration? configuration)
    {
        if (configuration is null)
        {
            return form;
        }

        return form
            .AddList(prefix + ".RollbackTriggers", configuration.RollbackTriggers, (q, p, t) => q.Add(p + ".Arn", t.Arn).Add(p + ".Type", t.Type))
            .Add(prefix + ".MonitoringTimeInMinutes", configuration.MonitoringTimeInMinutes);
    }
}
