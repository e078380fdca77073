using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.CloudFormation;
using Deploy.LocalCloud.Tests.CodeCommit;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CodePipeline;

/// <summary>The platform template as CloudFormation deploys it: its own EventBridge rule (target ARN built with
/// <c>Fn::Sub</c> and <c>AWS::Partition</c>) starts its pipeline on a push to <c>main</c>, and Source hands the commit to Build.</summary>
public sealed class PlatformPipelineTests
{
    [Fact]
    public async Task A_push_to_the_platform_repository_starts_the_platform_pipeline_through_the_stack_rule()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        var vpc = (await cli.JsonAsync("ec2", "describe-vpcs"))["Vpcs"]!.AsArray().First(v => v!["IsDefault"]?.GetValue<bool>() == true)!["VpcId"]!.GetValue<string>();
        var subnets = (await cli.JsonAsync("ec2", "describe-subnets"))["Subnets"]!.AsArray()
            .Where(s => s!["VpcId"]!.GetValue<string>() == vpc).Select(s => s!["SubnetId"]!.GetValue<string>());
        var parameters = new JsonArray(
            new JsonObject { ["ParameterKey"] = "VpcId", ["ParameterValue"] = vpc },
            new JsonObject { ["ParameterKey"] = "SubnetIds", ["ParameterValue"] = string.Join(',', subnets) });
        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "platform", "--template-body", "file://" + PlatformTemplateFixture.Path,
            "--parameters", parameters.ToJsonString(), "--capabilities", "CAPABILITY_IAM");
        Assert.Equal("CREATE_COMPLETE", (await StackCli.SettledAsync(cli, "platform"))["StackStatus"]!.GetValue<string>());
        var resources = (await cli.JsonAsync("cloudformation", "describe-stack-resources", "--stack-name", "platform"))["StackResources"]!.AsArray();
        string Physical(string logical) => resources.Single(r => r!["LogicalResourceId"]!.GetValue<string>() == logical)!["PhysicalResourceId"]!.GetValue<string>();
        var ruleArn = (await cli.JsonAsync("events", "describe-rule", "--name", Physical("PipelineTriggerRule")))["Arn"]!.GetValue<string>();
        var pipeline = Physical("Pipeline");

        using var git = new GitClient(cloud.Instance);
        // (the repository's Ref is its id, as in AWS; the template names it sample-service)
        var url = (await cli.JsonAsync("codecommit", "get-repository", "--repository-name", "sample-service"))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        var clone = git.Path("clone");
        await git.GitAsync(git.Path(""), "clone", "-q", url, clone);
        var commit = await git.CommitAsync(clone, "First change of the service");
        await git.GitAsync(clone, "push", "-q", "origin", "main");

        var execution = await EcsTestKit.WaitForAsync(
            async () => (await cli.JsonAsync("codepipeline", "list-pipeline-executions", "--pipeline-name", pipeline))["pipelineExecutionSummaries"]!.AsArray()
                .Select(e => e!.AsObject()).FirstOrDefault(e => e["trigger"]!["triggerType"]!.GetValue<string>() == "CloudWatchEvent"),
            e => e is not null && e["status"]!.GetValue<string>() != "InProgress", TimeSpan.FromSeconds(120), "the push's execution to end");
        Assert.Equal(ruleArn, execution!["trigger"]!["triggerDetail"]!.GetValue<string>());
        Assert.Equal(commit, execution["sourceRevisions"]![0]!["revisionId"]!.GetValue<string>());
        var actions = (await cli.JsonAsync("codepipeline", "list-action-executions", "--pipeline-name", pipeline,
            "--filter", $"pipelineExecutionId={execution["pipelineExecutionId"]}"))["actionExecutionDetails"]!.AsArray();
        var source = actions.Single(a => a!["stageName"]!.GetValue<string>() == "Source")!;
        var build = actions.Single(a => a!["stageName"]!.GetValue<string>() == "Build")!;
        Assert.Equal("Succeeded", source["status"]!.GetValue<string>());
        Assert.Equal(Physical("ArtifactBucket"), source["output"]!["outputArtifacts"]![0]!["s3location"]!["bucket"]!.GetValue<string>());
        // Build got the source artifact and the stack's project (whether a CodeBuild executor is there to run it or not).
        Assert.Equal(source["output"]!["outputArtifacts"]![0]!.ToJsonString(), build["input"]!["inputArtifacts"]![0]!.ToJsonString());
        Assert.Equal(Physical("BuildProject"), build["input"]!["configuration"]!["ProjectName"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }
}
