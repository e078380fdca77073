using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>
/// DetectStackDrift, DescribeStackDriftDetectionStatus and DescribeStackResourceDrifts as AWS documents them, driven by the
/// aws CLI: the changes outside CloudFormation are made through the services' own APIs (as a person with the console
/// would), and the CLI parses every answer with botocore.
/// </summary>
public sealed class StackDriftTests
{
    private static JsonObject Template() => new()
    {
        ["Resources"] = new JsonObject
        {
            ["Images"] = new JsonObject
            {
                ["Type"] = "AWS::ECR::Repository",
                ["Properties"] = new JsonObject { ["RepositoryName"] = "drift-repo", ["ImageTagMutability"] = "IMMUTABLE" },
            },
            ["Logs"] = new JsonObject
            {
                ["Type"] = "AWS::Logs::LogGroup",
                ["Properties"] = new JsonObject { ["LogGroupName"] = "/drift/app", ["RetentionInDays"] = 7 },
            },
            ["Cluster"] = new JsonObject
            {
                ["Type"] = "AWS::ECS::Cluster",
                ["Properties"] = new JsonObject
                {
                    ["ClusterName"] = "drift-cluster",
                    ["ClusterSettings"] = new JsonArray(new JsonObject { ["Name"] = "containerInsights", ["Value"] = "enabled" }),
                },
            },
        },
    };

    [Fact]
    public async Task A_resource_deleted_outside_CloudFormation_is_DELETED_a_changed_property_MODIFIED_and_the_rest_IN_SYNC()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var work = new TempDirectory();
        var cli = cloud.Cli;
        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "drift", "--template-body", StackCli.TemplateFile(work, Template()));
        await StackCli.SettledAsync(cli, "drift");
        var before = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", "drift"))["Stacks"]![0]!;

        await cli.JsonAsync("ecr", "delete-repository", "--repository-name", "drift-repo");
        await cli.JsonAsync("logs", "put-retention-policy", "--log-group-name", "/drift/app", "--retention-in-days", "14");
        var id = (await cli.JsonAsync("cloudformation", "detect-stack-drift", "--stack-name", "drift"))["StackDriftDetectionId"]!.GetValue<string>();
        var status = await DetectionAsync(cli, id);
        var drifts = (await cli.JsonAsync("cloudformation", "describe-stack-resource-drifts", "--stack-name", "drift"))["StackResourceDrifts"]!.AsArray()
            .ToDictionary(d => d!["LogicalResourceId"]!.GetValue<string>(), d => d!.AsObject());
        var deletedOnly = (await cli.JsonAsync("cloudformation", "describe-stack-resource-drifts", "--stack-name", "drift",
            "--stack-resource-drift-status-filters", "DELETED"))["StackResourceDrifts"]!.AsArray();
        var after = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", "drift"))["Stacks"]![0]!;
        var resources = (await cli.JsonAsync("cloudformation", "describe-stack-resources", "--stack-name", "drift"))["StackResources"]!.AsArray();

        Assert.Equal("NOT_CHECKED", before["DriftInformation"]!["StackDriftStatus"]!.GetValue<string>());
        Assert.Equal(("DETECTION_COMPLETE", "DRIFTED", 2), (status["DetectionStatus"]!.GetValue<string>(), status["StackDriftStatus"]!.GetValue<string>(),
            status["DriftedStackResourceCount"]!.GetValue<int>()));
        Assert.Equal(before["StackId"]!.GetValue<string>(), status["StackId"]!.GetValue<string>());

        Assert.Equal("DELETED", drifts["Images"]["StackResourceDriftStatus"]!.GetValue<string>());
        Assert.Equal("drift-repo", drifts["Images"]["PhysicalResourceId"]!.GetValue<string>());
        Assert.Null(drifts["Images"]["ActualProperties"]);
        Assert.Equal("IMMUTABLE", JsonNode.Parse(drifts["Images"]["ExpectedProperties"]!.GetValue<string>())!["ImageTagMutability"]!.GetValue<string>());

        Assert.Equal("MODIFIED", drifts["Logs"]["StackResourceDriftStatus"]!.GetValue<string>());
        var difference = Assert.Single(drifts["Logs"]["PropertyDifferences"]!.AsArray())!;
        Assert.Equal(("/RetentionInDays", "7", "14", "NOT_EQUAL"), (difference["PropertyPath"]!.GetValue<string>(), difference["ExpectedValue"]!.GetValue<string>(),
            difference["ActualValue"]!.GetValue<string>(), difference["DifferenceType"]!.GetValue<string>()));
        Assert.Equal(14, JsonNode.Parse(drifts["Logs"]["ActualProperties"]!.GetValue<string>())!["RetentionInDays"]!.GetValue<int>());

        Assert.Equal("IN_SYNC", drifts["Cluster"]["StackResourceDriftStatus"]!.GetValue<string>());
        Assert.Empty(drifts["Cluster"]["PropertyDifferences"]?.AsArray() ?? []);

        Assert.Equal("Images", Assert.Single(deletedOnly)!["LogicalResourceId"]!.GetValue<string>());
        Assert.Equal("DRIFTED", after["DriftInformation"]!["StackDriftStatus"]!.GetValue<string>());
        Assert.NotNull(after["DriftInformation"]!["LastCheckTimestamp"]);
        Assert.Equal("DELETED", resources.Single(r => r!["LogicalResourceId"]!.GetValue<string>() == "Images")!["DriftInformation"]!["StackResourceDriftStatus"]!.GetValue<string>());
        Assert.Equal("ValidationError", await cli.ErrorCodeAsync("cloudformation", "describe-stack-drift-detection-status", "--stack-drift-detection-id", Guid.NewGuid().ToString()));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_stack_nobody_touched_is_IN_SYNC_and_drift_results_come_in_pages()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var work = new TempDirectory();
        var cli = cloud.Cli;
        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "calm", "--template-body", StackCli.TemplateFile(work, Template()));
        await StackCli.SettledAsync(cli, "calm");

        var id = (await cli.JsonAsync("cloudformation", "detect-stack-drift", "--stack-name", "calm"))["StackDriftDetectionId"]!.GetValue<string>();
        var status = await DetectionAsync(cli, id);
        var page = await cli.JsonAsync("cloudformation", "describe-stack-resource-drifts", "--stack-name", "calm", "--max-results", "2", "--no-paginate");
        var rest = await cli.JsonAsync("cloudformation", "describe-stack-resource-drifts", "--stack-name", "calm", "--max-results", "2", "--no-paginate",
            "--next-token", page["NextToken"]!.GetValue<string>());

        Assert.Equal(("IN_SYNC", 0), (status["StackDriftStatus"]!.GetValue<string>(), status["DriftedStackResourceCount"]!.GetValue<int>()));
        Assert.Equal(2, page["StackResourceDrifts"]!.AsArray().Count);
        Assert.Single(rest["StackResourceDrifts"]!.AsArray());
        Assert.Null(rest["NextToken"]);
        Assert.All(page["StackResourceDrifts"]!.AsArray().Concat(rest["StackResourceDrifts"]!.AsArray()),
            d => Assert.Equal("IN_SYNC", d!["StackResourceDriftStatus"]!.GetValue<string>()));
        cloud.AssertResponsesMatchBotocore();
    }

    private static async Task<JsonObject> DetectionAsync(AwsCli cli, string id)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var status = await cli.JsonAsync("cloudformation", "describe-stack-drift-detection-status", "--stack-drift-detection-id", id);
            if (status["DetectionStatus"]!.GetValue<string>() != "DETECTION_IN_PROGRESS")
            {
                return status;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"drift detection {id} did not finish");
    }
}
