using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>The aws CLI drives the change-set flow of the platform template against the local cloud.</summary>
public sealed class CloudFormationCliFlowTests
{
    private const string Stack = "platform";

    [Fact]
    public async Task The_platform_template_is_planned_created_updated_and_deleted_through_change_sets_with_the_aws_cli()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var work = new TempDirectory();
        StubResourceProvider.RegisterPlatformStubs(cloud);
        var cli = cloud.Cli;
        var template = PlatformTemplateFixture.Load();

        // Plan the first create.
        await cli.JsonAsync("cloudformation", "create-change-set", "--stack-name", Stack, "--change-set-name", "create-1",
            "--change-set-type", "CREATE", "--template-body", PlatformTemplateFixture.Write(work.Path, template, "v1.json"),
            "--parameters", PlatformTemplateFixture.NetworkParameters, "--capabilities", "CAPABILITY_IAM");
        await cli.JsonAsync("cloudformation", "wait", "change-set-create-complete", "--stack-name", Stack, "--change-set-name", "create-1");
        var plan = await cli.JsonAsync("cloudformation", "describe-change-set", "--stack-name", Stack, "--change-set-name", "create-1");
        var review = await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", Stack);

        Assert.Equal("CREATE_COMPLETE", plan["Status"]!.GetValue<string>());
        Assert.Equal("AVAILABLE", plan["ExecutionStatus"]!.GetValue<string>());
        Assert.Equal(template["Resources"]!.AsObject().Count, plan["Changes"]!.AsArray().Count);
        Assert.All(plan["Changes"]!.AsArray(), c => Assert.Equal("Add", c!["ResourceChange"]!["Action"]!.GetValue<string>()));
        Assert.Equal("REVIEW_IN_PROGRESS", review["Stacks"]![0]!["StackStatus"]!.GetValue<string>());

        // Apply it.
        await cli.JsonAsync("cloudformation", "execute-change-set", "--stack-name", Stack, "--change-set-name", "create-1");
        await cli.JsonAsync("cloudformation", "wait", "stack-create-complete", "--stack-name", Stack);
        var events = (await cli.JsonAsync("cloudformation", "describe-stack-events", "--stack-name", Stack))["StackEvents"]!.AsArray();
        var created = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", Stack))["Stacks"]![0]!;
        var outputs = created["Outputs"]!.AsArray().ToDictionary(o => o!["OutputKey"]!.GetValue<string>(), o => o!["OutputValue"]!.GetValue<string>());

        Assert.Equal("CREATE_COMPLETE", created["StackStatus"]!.GetValue<string>());
        Assert.Equal("CREATE_COMPLETE", events[0]!["ResourceStatus"]!.GetValue<string>());
        Assert.Equal(Stack, events[0]!["LogicalResourceId"]!.GetValue<string>());
        foreach (var (logicalId, _) in template["Resources"]!.AsObject())
        {
            Assert.Contains(events, e => e!["LogicalResourceId"]!.GetValue<string>() == logicalId && e["ResourceStatus"]!.GetValue<string>() == "CREATE_COMPLETE");
        }

        Assert.Equal($"{cloud.Instance.RegistryHost}/sample-service", outputs["RepositoryUri"]);
        Assert.Equal("sample-service", outputs["ClusterName"]);
        Assert.Equal("/ecs/sample-service", outputs["LogGroupName"]);
        Assert.Equal("subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2", outputs["SubnetIds"]);
        Assert.StartsWith("arn:aws:iam::000000000000:role/platform-TaskExecutionRole-", outputs["TaskExecutionRoleArn"], StringComparison.Ordinal);
        Assert.Contains(created["Outputs"]!.AsArray(), o => o!["ExportName"]?.GetValue<string>() == "platform-RepositoryUri");

        // The resources really exist in the local cloud's services.
        var repository = (await cli.JsonAsync("ecr", "describe-repositories", "--repository-names", "sample-service"))["repositories"]![0]!;
        Assert.Equal("IMMUTABLE", repository["imageTagMutability"]!.GetValue<string>());
        Assert.True(repository["imageScanningConfiguration"]!["scanOnPush"]!.GetValue<bool>());
        Assert.NotNull((await cli.JsonAsync("ecr", "get-lifecycle-policy", "--repository-name", "sample-service"))["lifecyclePolicyText"]);
        var groups = (await cli.JsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/sample-service"))["logGroups"]!.AsArray();
        Assert.Equal(30, groups.Single()!["retentionInDays"]!.GetValue<int>());
        var roleName = outputs["TaskExecutionRoleArn"].Split('/')[^1];
        var role = (await cli.JsonAsync("iam", "get-role", "--role-name", roleName))["Role"]!;
        Assert.Equal("ecs-tasks.amazonaws.com", role["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]!.GetValue<string>());
        var policy = await cli.JsonAsync("iam", "get-role-policy", "--role-name", roleName, "--policy-name", "pull-image-write-logs");
        Assert.Equal(repository["repositoryArn"]!.GetValue<string>(), policy["PolicyDocument"]!["Statement"]![1]!["Resource"]!.GetValue<string>());
        var bucket = outputs["ArtifactBucketName"];
        await cli.JsonAsync("s3api", "head-bucket", "--bucket", bucket);
        Assert.Equal("Enabled", (await cli.JsonAsync("s3api", "get-bucket-versioning", "--bucket", bucket))["Status"]!.GetValue<string>());
        var source = (await cli.JsonAsync("codecommit", "get-repository", "--repository-name", "sample-service"))["repositoryMetadata"]!;
        Assert.Equal(outputs["CodeCommitCloneUrlHttp"], source["cloneUrlHttp"]!.GetValue<string>());
        var project = (await cli.JsonAsync("codebuild", "batch-get-projects", "--names", "sample-service-build"))["projects"]![0]!;
        Assert.True(project["environment"]!["privilegedMode"]!.GetValue<bool>());
        Assert.Contains(project["environment"]!["environmentVariables"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "REPOSITORY_URI" && v["value"]!.GetValue<string>() == outputs["RepositoryUri"]);
        var pipeline = (await cli.JsonAsync("codepipeline", "get-pipeline", "--name", outputs["PipelineName"]))["pipeline"]!;
        Assert.Equal(["Source", "Build", "Deploy"], pipeline["stages"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal(bucket, pipeline["artifactStore"]!["location"]!.GetValue<string>());
        var ruleName = (await cli.JsonAsync("cloudformation", "describe-stack-resources", "--stack-name", Stack, "--logical-resource-id", "PipelineTriggerRule"))["StackResources"]![0]!["PhysicalResourceId"]!.GetValue<string>();
        Assert.Equal(ruleName, outputs["PipelineTriggerRuleName"]);
        var rule = await cli.JsonAsync("events", "describe-rule", "--name", ruleName);
        Assert.Contains(source["Arn"]!.GetValue<string>(), rule["EventPattern"]!.GetValue<string>(), StringComparison.Ordinal);
        var targets = (await cli.JsonAsync("events", "list-targets-by-rule", "--rule", ruleName))["Targets"]!.AsArray();
        Assert.EndsWith(":" + outputs["PipelineName"], targets.Single()!["Arn"]!.GetValue<string>(), StringComparison.Ordinal);

        // Update: a retention change is in place; a new CodeCommit repository name replaces the repository, and what reads its
        // attributes (pipeline, trigger rule, pipeline role) changes with it.
        template["Resources"]!["ServiceLogGroup"]!["Properties"]!["RetentionInDays"] = 14;
        template["Resources"]!["SourceRepository"]!["Properties"]!["RepositoryName"] = "sample-service-mirror";
        await cli.JsonAsync("cloudformation", "create-change-set", "--stack-name", Stack, "--change-set-name", "update-1",
            "--template-body", PlatformTemplateFixture.Write(work.Path, template, "v2.json"),
            "--parameters", "[{\"ParameterKey\":\"VpcId\",\"UsePreviousValue\":true},{\"ParameterKey\":\"SubnetIds\",\"UsePreviousValue\":true}]",
            "--capabilities", "CAPABILITY_IAM");
        await cli.JsonAsync("cloudformation", "wait", "change-set-create-complete", "--stack-name", Stack, "--change-set-name", "update-1");
        var update = await cli.JsonAsync("cloudformation", "describe-change-set", "--stack-name", Stack, "--change-set-name", "update-1");
        var changes = update["Changes"]!.AsArray().Select(c => c!["ResourceChange"]!).ToDictionary(c => c["LogicalResourceId"]!.GetValue<string>());

        Assert.Equal("Modify", changes["ServiceLogGroup"]["Action"]!.GetValue<string>());
        Assert.Equal("False", changes["ServiceLogGroup"]["Replacement"]!.GetValue<string>());
        Assert.Equal("RetentionInDays", changes["ServiceLogGroup"]["Details"]![0]!["Target"]!["Name"]!.GetValue<string>());
        Assert.Equal("True", changes["SourceRepository"]["Replacement"]!.GetValue<string>());
        Assert.Equal("Always", changes["SourceRepository"]["Details"]![0]!["Target"]!["RequiresRecreation"]!.GetValue<string>());
        Assert.Equal("Modify", changes["Pipeline"]["Action"]!.GetValue<string>());
        Assert.Equal("Dynamic", changes["Pipeline"]["Details"]![0]!["Evaluation"]!.GetValue<string>());
        Assert.Contains("PipelineTriggerRule", changes.Keys);
        Assert.DoesNotContain("Repository", changes.Keys);

        await cli.JsonAsync("cloudformation", "execute-change-set", "--stack-name", Stack, "--change-set-name", "update-1");
        await cli.JsonAsync("cloudformation", "wait", "stack-update-complete", "--stack-name", Stack);
        var updated = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", Stack))["Stacks"]![0]!;
        var newOutputs = updated["Outputs"]!.AsArray().ToDictionary(o => o!["OutputKey"]!.GetValue<string>(), o => o!["OutputValue"]!.GetValue<string>());

        Assert.Equal("UPDATE_COMPLETE", updated["StackStatus"]!.GetValue<string>());
        Assert.EndsWith("/v1/repos/sample-service-mirror", newOutputs["CodeCommitCloneUrlHttp"], StringComparison.Ordinal);
        Assert.Equal("RepositoryDoesNotExistException", await cli.ErrorCodeAsync("codecommit", "get-repository", "--repository-name", "sample-service"));
        Assert.Equal(14, (await cli.JsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/sample-service"))["logGroups"]![0]!["retentionInDays"]!.GetValue<int>());
        var newPipeline = (await cli.JsonAsync("codepipeline", "get-pipeline", "--name", outputs["PipelineName"]))["pipeline"]!;
        Assert.Equal("sample-service-mirror", newPipeline["stages"]![0]!["actions"]![0]!["configuration"]!["RepositoryName"]!.GetValue<string>());
        Assert.Equal(2, newPipeline["version"]!.GetValue<int>());

        // The same template again: an empty change set fails with AWS's reason.
        await cli.JsonAsync("cloudformation", "create-change-set", "--stack-name", Stack, "--change-set-name", "update-2",
            "--template-body", PlatformTemplateFixture.Write(work.Path, template, "v2.json"),
            "--parameters", "[{\"ParameterKey\":\"VpcId\",\"UsePreviousValue\":true},{\"ParameterKey\":\"SubnetIds\",\"UsePreviousValue\":true}]",
            "--capabilities", "CAPABILITY_IAM");
        var waited = await cli.RunAsync("cloudformation", "wait", "change-set-create-complete", "--stack-name", Stack, "--change-set-name", "update-2");
        var empty = await cli.JsonAsync("cloudformation", "describe-change-set", "--stack-name", Stack, "--change-set-name", "update-2");

        Assert.True("FAILED" == empty["Status"]!.GetValue<string>(), empty.ToJsonString());
        Assert.NotEqual(0, waited.ExitCode);
        Assert.Equal("The submitted information didn't contain changes. Submit different information to create a change set.", empty["StatusReason"]!.GetValue<string>());
        await cli.JsonAsync("cloudformation", "delete-change-set", "--stack-name", Stack, "--change-set-name", "update-2");

        // Delete everything.
        await cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", Stack);
        await cli.JsonAsync("cloudformation", "wait", "stack-delete-complete", "--stack-name", Stack);

        Assert.Equal("RepositoryNotFoundException", await cli.ErrorCodeAsync("ecr", "describe-repositories", "--repository-names", "sample-service"));
        Assert.Equal("NoSuchEntity", await cli.ErrorCodeAsync("iam", "get-role", "--role-name", roleName));
        Assert.Empty((await cli.JsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/"))["logGroups"]!.AsArray());
        Assert.Equal("ValidationError", await cli.ErrorCodeAsync("cloudformation", "describe-stacks", "--stack-name", Stack));
        var deleted = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", created["StackId"]!.GetValue<string>()))["Stacks"]![0]!;
        Assert.Equal("DELETE_COMPLETE", deleted["StackStatus"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }
}
