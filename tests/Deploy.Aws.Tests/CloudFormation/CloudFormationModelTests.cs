using System.Net;
using Deploy.Aws.CloudFormation;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.CloudFormation;

/// <summary>Every CloudFormation operation: the request the client builds (all members set) conforms to botocore's
/// model, and the response record keeps every member of a model-generated sample.</summary>
public sealed class CloudFormationModelTests : IDisposable
{
    private const string Service = "cloudformation";
    private const string Template = """{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"Repo":{"Type":"AWS::ECR::Repository"}}}""";
    private const string RoleArn = "arn:aws:iam::123456789012:role/cfn-deployer";
    private const string TopicArn = "arn:aws:sns:us-east-1:123456789012:stack-events";

    private static readonly RollbackConfiguration Rollback = new()
    {
        RollbackTriggers = [new RollbackTrigger("arn:aws:cloudwatch:us-east-1:123456789012:alarm:errors", "AWS::CloudWatch::Alarm")],
        MonitoringTimeInMinutes = 5,
    };

    private readonly RecordingHandler handler = RecordingHandler.AnsweringWithSamples(Service);
    private readonly AwsSession session;
    private readonly CloudFormationClient client;

    public CloudFormationModelTests()
    {
        session = TestSessions.With(handler);
        client = new CloudFormationClient(session);
    }

    public void Dispose()
    {
        session.Dispose();
        handler.Dispose();
    }

    [Fact]
    public async Task CreateStack()
    {
        var response = await client.CreateStackAsync(new CreateStackRequest
        {
            StackName = "web",
            TemplateBody = Template,
            TemplateUrl = "https://s3.amazonaws.com/bucket/template.json",
            Parameters = [new StackParameter("Image", "nginx:1.27"), StackParameter.Previous("Count")],
            DisableRollback = false,
            RollbackConfiguration = Rollback,
            TimeoutInMinutes = 30,
            NotificationArns = [TopicArn],
            Capabilities = [StackCapabilities.Iam, StackCapabilities.NamedIam],
            ResourceTypes = ["AWS::ECR::Repository", "AWS::ECS::*"],
            RoleArn = RoleArn,
            OnFailure = "ROLLBACK",
            StackPolicyBody = """{"Statement":[]}""",
            StackPolicyUrl = "https://s3.amazonaws.com/bucket/policy.json",
            Tags = [new StackTag("team", "deploy")],
            ClientRequestToken = "token-1",
            EnableTerminationProtection = true,
            RetainExceptOnCreate = true,
        });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal("CreateStack", handler.Last.Operation);
        Assert.Equal("Image", handler.Last.FormField("Parameters.member.1.ParameterKey"));
        Assert.Equal("true", handler.Last.FormField("Parameters.member.2.UsePreviousValue"));
        Assert.Equal("AWS::CloudWatch::Alarm", handler.Last.FormField("RollbackConfiguration.RollbackTriggers.member.1.Type"));
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task UpdateStack()
    {
        var response = await client.UpdateStackAsync(new UpdateStackRequest
        {
            StackName = "web",
            UsePreviousTemplate = true,
            TemplateUrl = "https://s3.amazonaws.com/bucket/template.json",
            TemplateBody = Template,
            StackPolicyDuringUpdateBody = """{"Statement":[]}""",
            StackPolicyDuringUpdateUrl = "https://s3.amazonaws.com/bucket/during.json",
            Parameters = [StackParameter.Previous("Image")],
            Capabilities = [StackCapabilities.AutoExpand],
            ResourceTypes = ["AWS::ECS::Service"],
            RoleArn = RoleArn,
            RollbackConfiguration = Rollback,
            StackPolicyBody = """{"Statement":[]}""",
            StackPolicyUrl = "https://s3.amazonaws.com/bucket/policy.json",
            NotificationArns = [],
            Tags = [],
            DisableRollback = true,
            ClientRequestToken = "token-2",
            RetainExceptOnCreate = false,
        });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal(string.Empty, handler.Last.FormField("Tags"));
        Assert.Equal(string.Empty, handler.Last.FormField("NotificationARNs"));
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task DeleteStack()
    {
        await client.DeleteStackAsync(new DeleteStackRequest
        {
            StackName = "web",
            RetainResources = ["Repo", "Logs"],
            RoleArn = RoleArn,
            ClientRequestToken = "token-3",
            DeletionMode = "STANDARD",
        });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal("Logs", handler.Last.FormField("RetainResources.member.2"));
    }

    [Fact]
    public async Task DescribeStacks()
    {
        var response = await client.DescribeStacksAsync(new DescribeStacksRequest { StackName = "web", NextToken = "page-2" });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal(2, response.Stacks.Count);
        Assert.Equal("StackName-1", response.Stacks[0].StackName);
        Assert.Equal("StackName-2", response.Stacks[1].StackName);
        Assert.Equal("CREATE_IN_PROGRESS", response.Stacks[0].StackStatus);
        Assert.Equal("OutputValue-1", response.Stacks[0].Output("OutputKey-1"));
        SampleAssert.FullyMapped(response);

        await client.DescribeStacksAsync();
        ModelAssert.Conforms(Service, handler.Last);
        Assert.Null(handler.Last.FormField("StackName"));
    }

    [Fact]
    public async Task DescribeStackEvents()
    {
        var response = await client.DescribeStackEventsAsync(new DescribeStackEventsRequest { StackName = "web", NextToken = "page-2" });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal(2, response.StackEvents.Count);
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task DescribeStackResources()
    {
        var response = await client.DescribeStackResourcesAsync(new DescribeStackResourcesRequest
        {
            StackName = "web",
            LogicalResourceId = "Repo",
            PhysicalResourceId = "web-repo",
        });

        ModelAssert.Conforms(Service, handler.Last);
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task CreateChangeSet()
    {
        var response = await client.CreateChangeSetAsync(new CreateChangeSetRequest
        {
            StackName = "web",
            ChangeSetName = "release-42",
            TemplateBody = Template,
            TemplateUrl = "https://s3.amazonaws.com/bucket/template.json",
            UsePreviousTemplate = false,
            Parameters = [new StackParameter("Image", "nginx:1.28")],
            Capabilities = [StackCapabilities.Iam],
            ResourceTypes = ["AWS::ECR::Repository"],
            RoleArn = RoleArn,
            RollbackConfiguration = Rollback,
            NotificationArns = [TopicArn],
            Tags = [new StackTag("release", "42")],
            ClientToken = "client-token",
            Description = "release 42",
            ChangeSetType = "IMPORT",
            ResourcesToImport =
            [
                new ResourceToImport
                {
                    ResourceType = "AWS::ECR::Repository",
                    LogicalResourceId = "Repo",
                    ResourceIdentifier = new Dictionary<string, string> { ["RepositoryName"] = "web" },
                },
            ],
            IncludeNestedStacks = true,
            OnStackFailure = "DELETE",
            ImportExistingResources = true,
            DeploymentMode = "REVERT_DRIFT",
        });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal("RepositoryName", handler.Last.FormField("ResourcesToImport.member.1.ResourceIdentifier.entry.1.key"));
        Assert.Equal("web", handler.Last.FormField("ResourcesToImport.member.1.ResourceIdentifier.entry.1.value"));
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task DescribeChangeSet()
    {
        var response = await client.DescribeChangeSetAsync(new DescribeChangeSetRequest
        {
            ChangeSetName = "release-42",
            StackName = "web",
            NextToken = "page-2",
            IncludePropertyValues = true,
        });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal(2, response.Changes!.Count);
        Assert.Equal("Add", response.Changes[0].ResourceChange!.Action);
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task ExecuteChangeSet()
    {
        await client.ExecuteChangeSetAsync(new ExecuteChangeSetRequest
        {
            ChangeSetName = "release-42",
            StackName = "web",
            ClientRequestToken = "token-4",
            DisableRollback = false,
            RetainExceptOnCreate = true,
        });

        ModelAssert.Conforms(Service, handler.Last);
    }

    [Fact]
    public async Task DeleteChangeSet()
    {
        await client.DeleteChangeSetAsync(new DeleteChangeSetRequest { ChangeSetName = "release-42", StackName = "web" });

        ModelAssert.Conforms(Service, handler.Last);
    }

    [Fact]
    public async Task ListChangeSets()
    {
        var response = await client.ListChangeSetsAsync("web", "token");

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal("token", handler.Last.FormField("NextToken"));
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task DetectStackDrift()
    {
        var response = await client.DetectStackDriftAsync(new DetectStackDriftRequest { StackName = "web", LogicalResourceIds = ["Repo", "Logs"] });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal("Logs", handler.Last.FormField("LogicalResourceIds.member.2"));
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task DescribeStackDriftDetectionStatus()
    {
        var response = await client.DescribeStackDriftDetectionStatusAsync("b78ac9b0-dec1-11e7-a451-503a3example");

        ModelAssert.Conforms(Service, handler.Last);
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task DescribeStackResourceDrifts()
    {
        var response = await client.DescribeStackResourceDriftsAsync(new DescribeStackResourceDriftsRequest
        {
            StackName = "web",
            StackResourceDriftStatusFilters = ["DELETED", "MODIFIED"],
            MaxResults = 10,
            NextToken = "token",
        });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal("MODIFIED", handler.Last.FormField("StackResourceDriftStatusFilters.member.2"));
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task GetTemplate()
    {
        var response = await client.GetTemplateAsync(new GetTemplateRequest { StackName = "web", ChangeSetName = "release-42", TemplateStage = "Processed" });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal(["Original", "Processed"], response.StagesAvailable);
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task ValidateTemplate()
    {
        var response = await client.ValidateTemplateAsync(new ValidateTemplateRequest
        {
            TemplateBody = Template,
            TemplateUrl = "https://s3.amazonaws.com/bucket/template.json",
        });

        ModelAssert.Conforms(Service, handler.Last);
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task Paginators_follow_next_tokens()
    {
        var calls = 0;
        using var paging = new RecordingHandler(request =>
        {
            calls++;
            var sample = BotocoreModels.SampleResponse(Service, request.Operation!);
            if (calls > 1)
            {
                sample = System.Text.RegularExpressions.Regex.Replace(sample, "<NextToken>[^<]*</NextToken>", string.Empty);
            }

            return RecordingHandler.Response(HttpStatusCode.OK, sample, "text/xml");
        });
        using var pagingSession = TestSessions.With(paging);
        var pagingClient = new CloudFormationClient(pagingSession);

        var events = await pagingClient.DescribeAllStackEventsAsync("web").ToListAsync();

        Assert.Equal(4, events.Count);
        Assert.Equal(2, paging.Requests.Count);
        Assert.Null(paging.Requests[0].FormField("NextToken"));
        Assert.Equal("NextToken-1", paging.Requests[1].FormField("NextToken"));
        Assert.All(paging.Requests, r => ModelAssert.Conforms(Service, r));

        calls = 0;
        var stacks = await pagingClient.DescribeAllStacksAsync().ToListAsync();
        Assert.Equal(4, stacks.Count);

        calls = 0;
        var changes = await pagingClient.DescribeAllChangesAsync(new DescribeChangeSetRequest { ChangeSetName = "c", StackName = "web" }).ToListAsync();
        Assert.Equal(4, changes.Count);
    }

    [Fact]
    public async Task Errors_carry_code_operation_and_resource()
    {
        using var failing = RecordingHandler.Answering(
            "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type><Code>ValidationError</Code>" +
            "<Message>Stack with id web does not exist</Message></Error><RequestId>req-9</RequestId></ErrorResponse>",
            "text/xml",
            HttpStatusCode.BadRequest);
        using var failingSession = TestSessions.With(failing, maxAttempts: 3);
        var failingClient = new CloudFormationClient(failingSession);

        var error = await Assert.ThrowsAsync<CloudFormationException>(
            () => failingClient.DescribeStacksAsync(new DescribeStacksRequest { StackName = "web" }));

        Assert.Equal("ValidationError", error.Code);
        Assert.Equal("DescribeStacks", error.Operation);
        Assert.Equal("req-9", error.RequestId);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("CloudFormation DescribeStacks failed for stack 'web': ValidationError: Stack with id web does not exist (request id req-9)", error.Message);
        Assert.Single(failing.Requests);
        Assert.Null(await failingClient.FindStackAsync("web"));
    }

    [Fact]
    public async Task No_updates_is_recognised()
    {
        using var unchanged = RecordingHandler.Answering(
            "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>No updates are to be performed.</Message></Error></ErrorResponse>",
            "text/xml",
            HttpStatusCode.BadRequest);
        using var unchangedSession = TestSessions.With(unchanged);

        var error = await Assert.ThrowsAsync<CloudFormationException>(
            () => new CloudFormationClient(unchangedSession).UpdateStackAsync(new UpdateStackRequest { StackName = "web", UsePreviousTemplate = true }));

        Assert.True(CloudFormationClient.IsNoUpdates(error));
        Assert.False(CloudFormationClient.IsNoUpdates(new CloudFormationException(
            new AwsErrorDetails("CloudFormation", "UpdateStack", null, "ValidationError", "Stack with id web does not exist", null, HttpStatusCode.BadRequest))));
    }

    [Fact]
    public async Task Requests_are_signed_for_the_regional_endpoint()
    {
        using var regional = RecordingHandler.AnsweringWithSamples(Service);
        using var euSession = TestSessions.With(regional, region: "eu-west-1");
        await new CloudFormationClient(euSession).DescribeStacksAsync();

        Assert.Equal(new Uri("https://cloudformation.eu-west-1.amazonaws.com/"), regional.Last.Uri);
        Assert.Contains("/eu-west-1/cloudformation/aws4_request", regional.Last.Header("Authorization"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CREATE_COMPLETE", false, true, false)]
    [InlineData("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", true, false, false)]
    [InlineData("ROLLBACK_COMPLETE", false, false, true)]
    [InlineData("UPDATE_ROLLBACK_COMPLETE", false, false, true)]
    [InlineData("CREATE_FAILED", false, false, true)]
    [InlineData("DELETE_COMPLETE", false, false, false)]
    public void Stack_statuses_are_classified(string status, bool inProgress, bool success, bool failure)
    {
        Assert.Equal(inProgress, StackStatuses.IsInProgress(status));
        Assert.Equal(success, StackStatuses.IsSuccess(status));
        Assert.Equal(failure, StackStatuses.IsFailure(status));
    }
}

public sealed class CloudFormationWaitTests
{
    private static string Stacks(string status) =>
        "<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackName>web</StackName>" +
        $"<StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/web/1</StackId><StackStatus>{status}</StackStatus>" +
        "<CreationTime>2025-01-01T00:00:00Z</CreationTime></member></Stacks></DescribeStacksResult></DescribeStacksResponse>";

    [Fact]
    public async Task Waits_until_the_stack_settles()
    {
        var statuses = new Queue<string>(["CREATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE"]);
        using var handler = new RecordingHandler(_ => RecordingHandler.Response(HttpStatusCode.OK, Stacks(statuses.Dequeue()), "text/xml"));
        using var session = TestSessions.With(handler);

        var stack = await new CloudFormationClient(session).WaitForStackAsync("web", TimeSpan.FromMilliseconds(1));

        Assert.Equal("UPDATE_ROLLBACK_COMPLETE", stack!.StackStatus);
        Assert.True(StackStatuses.IsFailure(stack.StackStatus));
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task A_stack_awaiting_its_change_set_or_gone_ends_the_wait()
    {
        using var review = RecordingHandler.Answering(Stacks("REVIEW_IN_PROGRESS"), "text/xml");
        using var reviewSession = TestSessions.With(review);
        Assert.Equal("REVIEW_IN_PROGRESS", (await new CloudFormationClient(reviewSession).WaitForStackAsync("web", TimeSpan.FromMilliseconds(1)))!.StackStatus);

        using var gone = RecordingHandler.Answering(
            "<ErrorResponse><Error><Code>ValidationError</Code><Message>Stack with id web does not exist</Message></Error></ErrorResponse>",
            "text/xml",
            HttpStatusCode.BadRequest);
        using var goneSession = TestSessions.With(gone);
        Assert.Null(await new CloudFormationClient(goneSession).WaitForStackAsync("web", TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public async Task Cancellation_stops_the_wait()
    {
        using var handler = RecordingHandler.Answering(Stacks("DELETE_IN_PROGRESS"), "text/xml");
        using var session = TestSessions.With(handler);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new CloudFormationClient(session).WaitForStackAsync("web", TimeSpan.FromMilliseconds(20), cts.Token));
    }
}
