using Deploy.Aws.CloudFormation;
using Deploy.Aws.Iam;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.CloudFormation;

/// <summary>CloudFormation round-trips against moto_server.</summary>
[Collection(MotoGroup.Name)]
public sealed class CloudFormationMotoTests(MotoServer moto) : MotoTestBase(moto), IDisposable
{
    internal const string Template = """
        {
          "AWSTemplateFormatVersion": "2010-09-09",
          "Description": "deploy test stack",
          "Parameters": {
            "Prefix": { "Type": "String", "Default": "web", "Description": "Name prefix" }
          },
          "Resources": {
            "Repo": { "Type": "AWS::ECR::Repository", "Properties": { "RepositoryName": { "Fn::Sub": "${Prefix}-repo" } } },
            "Cluster": { "Type": "AWS::ECS::Cluster", "Properties": { "ClusterName": { "Fn::Sub": "${Prefix}-cluster" } } },
            "Logs": { "Type": "AWS::Logs::LogGroup", "Properties": { "LogGroupName": { "Fn::Sub": "/ecs/${Prefix}" }, "RetentionInDays": 7 } },
            "TaskRole": {
              "Type": "AWS::IAM::Role",
              "Properties": {
                "RoleName": { "Fn::Sub": "${Prefix}-task" },
                "AssumeRolePolicyDocument": {
                  "Version": "2012-10-17",
                  "Statement": [ { "Effect": "Allow", "Principal": { "Service": "ecs-tasks.amazonaws.com" }, "Action": "sts:AssumeRole" } ]
                }
              }
            },
            "Bucket": { "Type": "AWS::S3::Bucket", "Properties": { "BucketName": { "Fn::Sub": "${Prefix}-artifacts" } } }
          },
          "Outputs": {
            "RoleArn": { "Value": { "Fn::GetAtt": [ "TaskRole", "Arn" ] } },
            "ClusterName": { "Value": { "Ref": "Cluster" } }
          }
        }
        """;

    private static readonly string[] NotFoundCodes = ["ChangeSetNotFound", "ValidationError"];

    private static readonly string[] LogicalIds = ["Bucket", "Cluster", "Logs", "Repo", "TaskRole"];

    // Every request these round-trips send is also checked against botocore's model.
    private readonly RequestRecorder recorder = new();

    protected override void AfterTest()
    {
        recorder.AssertAllConform("cloudformation");
        recorder.AssertAllConform("iam");
    }

    public void Dispose() => recorder.Dispose();

    [Fact]
    public async Task Stack_create_describe_events_resources_update_delete()
    {
        using var session = TestSessions.ForMoto(Moto, recorder);
        var cfn = new CloudFormationClient(session);
        var iam = new IamClient(session);

        var validation = await cfn.ValidateTemplateAsync(new ValidateTemplateRequest { TemplateBody = Template });
        Assert.Equal("deploy test stack", validation.Description);
        Assert.NotNull(validation.Parameters); // moto lists no template parameters here; AWS would list Prefix

        var created = await cfn.CreateStackAsync(new CreateStackRequest
        {
            StackName = "web",
            TemplateBody = Template,
            Parameters = [new StackParameter("Prefix", "web")],
            Capabilities = [StackCapabilities.NamedIam],
            Tags = [new StackTag("team", "deploy")],
        });
        Assert.StartsWith("arn:aws:cloudformation:us-east-1:123456789012:stack/web/", created.StackId, StringComparison.Ordinal);

        var stack = await cfn.FindStackAsync("web");
        Assert.NotNull(stack);
        Assert.Equal(created.StackId, stack.StackId);
        Assert.Equal("CREATE_COMPLETE", stack.StackStatus);
        Assert.True(StackStatuses.IsSuccess(stack.StackStatus));
        Assert.Equal("deploy test stack", stack.Description);
        Assert.NotNull(stack.CreationTime);
        Assert.Equal("web", Assert.Single(stack.Parameters!, p => p.ParameterKey == "Prefix").ParameterValue);
        Assert.Equal(new StackTag("team", "deploy"), Assert.Single(stack.Tags!));
        Assert.Equal("arn:aws:iam::123456789012:role/web-task", stack.Output("RoleArn"));
        Assert.Equal("web-cluster", stack.Output("ClusterName"));

        var events = await cfn.DescribeAllStackEventsAsync("web").ToListAsync();
        Assert.All(events, e => Assert.Equal(created.StackId, e.StackId));
        // moto records stack-level events only (AWS adds one pair per resource); newest first.
        Assert.Equal(["CREATE_COMPLETE", "CREATE_IN_PROGRESS"], events.Where(e => e.LogicalResourceId == "web").Select(e => e.ResourceStatus));
        Assert.All(events, e => Assert.NotNull(e.Timestamp));
        Assert.All(events, e => Assert.Equal("AWS::CloudFormation::Stack", e.ResourceType));

        var resources = (await cfn.DescribeStackResourcesAsync(new DescribeStackResourcesRequest { StackName = "web" })).StackResources;
        Assert.Equal(LogicalIds, resources.Select(r => r.LogicalResourceId).Order(StringComparer.Ordinal));
        Assert.All(resources, r => Assert.Equal("CREATE_COMPLETE", r.ResourceStatus));
        Assert.Equal("AWS::ECR::Repository", resources.Single(r => r.LogicalResourceId == "Repo").ResourceType);
        Assert.Equal("web-repo", resources.Single(r => r.LogicalResourceId == "Repo").PhysicalResourceId);
        Assert.Equal("web-artifacts", resources.Single(r => r.LogicalResourceId == "Bucket").PhysicalResourceId);
        Assert.Equal("/ecs/web", resources.Single(r => r.LogicalResourceId == "Logs").PhysicalResourceId);

        // The stack really made the role, as IAM sees it.
        var role = await iam.FindRoleAsync("web-task");
        Assert.NotNull(role);
        Assert.Contains("ecs-tasks.amazonaws.com", role.AssumeRolePolicyDocument, StringComparison.Ordinal);

        var template = await cfn.GetTemplateAsync(new GetTemplateRequest { StackName = "web" });
        Assert.Contains("AWS::ECR::Repository", template.TemplateBody, StringComparison.Ordinal);

        var updated = await cfn.UpdateStackAsync(new UpdateStackRequest
        {
            StackName = "web",
            TemplateBody = Template.Replace("\"RetentionInDays\": 7", "\"RetentionInDays\": 14", StringComparison.Ordinal),
            Parameters = [StackParameter.Previous("Prefix")],
            Capabilities = [StackCapabilities.NamedIam],
        });
        Assert.Equal(created.StackId, updated.StackId);
        Assert.Equal("UPDATE_COMPLETE", (await cfn.FindStackAsync("web"))!.StackStatus);

        await cfn.DeleteStackAsync(new DeleteStackRequest { StackName = "web" });
        Assert.Null(await cfn.FindStackAsync("web"));
        var deleted = Assert.Single((await cfn.DescribeStacksAsync(new DescribeStacksRequest { StackName = created.StackId })).Stacks);
        Assert.Equal("DELETE_COMPLETE", deleted.StackStatus);
        Assert.Null(await iam.FindRoleAsync("web-task"));
    }

    [Fact]
    public async Task Change_set_create_describe_execute_and_delete()
    {
        using var session = TestSessions.ForMoto(Moto, recorder);
        var cfn = new CloudFormationClient(session);

        var created = await cfn.CreateChangeSetAsync(new CreateChangeSetRequest
        {
            StackName = "pipeline",
            ChangeSetName = "initial",
            ChangeSetType = "CREATE",
            TemplateBody = Template,
            Parameters = [new StackParameter("Prefix", "pipe")],
            Capabilities = [StackCapabilities.NamedIam],
            Description = "first deployment",
        });
        Assert.StartsWith("arn:aws:cloudformation:us-east-1:123456789012:changeSet/initial/", created.Id, StringComparison.Ordinal);

        var described = await cfn.DescribeChangeSetAsync(new DescribeChangeSetRequest { ChangeSetName = "initial", StackName = "pipeline" });
        Assert.Equal("initial", described.ChangeSetName);
        Assert.Equal(created.Id, described.ChangeSetId);
        Assert.Equal(created.StackId, described.StackId);
        Assert.Equal("CREATE_COMPLETE", described.Status);
        Assert.Equal("AVAILABLE", described.ExecutionStatus);
        Assert.Equal("first deployment", described.Description);
        var changes = await cfn.DescribeAllChangesAsync(new DescribeChangeSetRequest { ChangeSetName = created.Id! }).ToListAsync();
        Assert.Equal(LogicalIds, changes.Select(c => c.ResourceChange!.LogicalResourceId).Order(StringComparer.Ordinal));
        Assert.All(changes, c => Assert.Equal("Add", c.ResourceChange!.Action));

        await cfn.ExecuteChangeSetAsync(new ExecuteChangeSetRequest { ChangeSetName = "initial", StackName = "pipeline" });
        var stack = await cfn.FindStackAsync("pipeline");
        Assert.Equal("CREATE_COMPLETE", stack!.StackStatus);
        Assert.Equal("pipe", Assert.Single(stack.Parameters!).ParameterValue);
        var resources = (await cfn.DescribeStackResourcesAsync(new DescribeStackResourcesRequest { StackName = "pipeline" })).StackResources;
        Assert.Contains(resources, r => r.LogicalResourceId == "Cluster" && r.PhysicalResourceId == "pipe-cluster");

        await cfn.CreateChangeSetAsync(new CreateChangeSetRequest
        {
            StackName = "pipeline",
            ChangeSetName = "abandoned",
            ChangeSetType = "UPDATE",
            TemplateBody = Template.Replace("\"RetentionInDays\": 7", "\"RetentionInDays\": 14", StringComparison.Ordinal),
            Parameters = [new StackParameter("Prefix", "pipe")],
            Capabilities = [StackCapabilities.NamedIam],
        });
        var update = await cfn.DescribeChangeSetAsync(new DescribeChangeSetRequest { ChangeSetName = "abandoned", StackName = "pipeline" });
        var modify = Assert.Single(update.Changes!).ResourceChange!;
        Assert.Equal(("Modify", "Logs", "AWS::Logs::LogGroup"), (modify.Action, modify.LogicalResourceId, modify.ResourceType));

        await cfn.DeleteChangeSetAsync(new DeleteChangeSetRequest { ChangeSetName = "abandoned", StackName = "pipeline" });
        var gone = await Assert.ThrowsAsync<CloudFormationException>(
            () => cfn.DescribeChangeSetAsync(new DescribeChangeSetRequest { ChangeSetName = "abandoned", StackName = "pipeline" }));
        // AWS answers ChangeSetNotFound; moto answers ValidationError ("... does not exist").
        Assert.Contains(gone.Code, NotFoundCodes);
        Assert.Contains("change set 'abandoned' of stack 'pipeline'", gone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broken_template_is_a_validation_error()
    {
        using var session = TestSessions.ForMoto(Moto, recorder);
        var cfn = new CloudFormationClient(session);

        var error = await Assert.ThrowsAsync<CloudFormationException>(
            () => cfn.ValidateTemplateAsync(new ValidateTemplateRequest { TemplateBody = "{ \"Resources\": { \"Repo\": " }));

        Assert.Equal("ValidationError", error.Code);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.StartsWith("CloudFormation ValidateTemplate failed for the template: ValidationError:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_stack_is_a_validation_error()
    {
        using var session = TestSessions.ForMoto(Moto, recorder);
        var cfn = new CloudFormationClient(session);

        var error = await Assert.ThrowsAsync<CloudFormationException>(
            () => cfn.DescribeStacksAsync(new DescribeStacksRequest { StackName = "nothing-here" }));
        Assert.Equal("ValidationError", error.Code);
        Assert.Contains("does not exist", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await cfn.FindStackAsync("nothing-here"));
        Assert.Empty((await cfn.DescribeStacksAsync()).Stacks);
    }
}
