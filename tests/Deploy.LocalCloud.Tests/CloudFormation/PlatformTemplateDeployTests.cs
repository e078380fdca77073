using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>The rendered platform template, every resource type with its real provider (no stubs), in the default VPC.</summary>
public sealed class PlatformTemplateDeployTests
{
    [Fact]
    public async Task The_whole_platform_template_deploys_and_deletes_with_the_real_providers_in_the_default_vpc()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        var vpcs = (await cli.JsonAsync("ec2", "describe-vpcs"))["Vpcs"]!.AsArray();
        var vpc = vpcs.First(v => v!["IsDefault"]?.GetValue<bool>() == true)!["VpcId"]!.GetValue<string>();
        var subnets = (await cli.JsonAsync("ec2", "describe-subnets"))["Subnets"]!.AsArray()
            .Where(s => s!["VpcId"]!.GetValue<string>() == vpc).Select(s => s!["SubnetId"]!.GetValue<string>()).ToList();
        var parameters = new JsonArray(
            new JsonObject { ["ParameterKey"] = "VpcId", ["ParameterValue"] = vpc },
            new JsonObject { ["ParameterKey"] = "SubnetIds", ["ParameterValue"] = string.Join(',', subnets) });

        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "platform", "--template-body", "file://" + PlatformTemplateFixture.Path,
            "--parameters", parameters.ToJsonString(), "--capabilities", "CAPABILITY_IAM");
        var stack = await StackCli.SettledAsync(cli, "platform");
        var failures = (await StackCli.EventsAsync(cli, "platform"))
            .Where(e => e!["ResourceStatus"]!.GetValue<string>().EndsWith("FAILED", StringComparison.Ordinal))
            .Select(e => $"{e!["LogicalResourceId"]}: {e["ResourceStatusReason"]}");

        Assert.True(stack["StackStatus"]!.GetValue<string>() == "CREATE_COMPLETE", string.Join('\n', failures));
        var outputs = stack["Outputs"]!.AsArray().ToDictionary(o => o!["OutputKey"]!.GetValue<string>(), o => o!["OutputValue"]!.GetValue<string>());
        Assert.Equal("sample-service", (await cli.JsonAsync("ecs", "describe-clusters", "--clusters", outputs["ClusterName"]))["clusters"]![0]!["clusterName"]!.GetValue<string>());
        Assert.StartsWith("sg-", outputs["ServiceSecurityGroupId"], StringComparison.Ordinal);
        Assert.StartsWith("http://", outputs["LoadBalancerUrl"], StringComparison.Ordinal);

        await cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "platform");
        var deleted = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", stack["StackId"]!.GetValue<string>()))["Stacks"]![0]!;
        for (var attempt = 0; attempt < 40 && deleted["StackStatus"]!.GetValue<string>() == "DELETE_IN_PROGRESS"; attempt++)
        {
            await Task.Delay(250);
            deleted = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", stack["StackId"]!.GetValue<string>()))["Stacks"]![0]!;
        }

        Assert.Equal("DELETE_COMPLETE", deleted["StackStatus"]!.GetValue<string>());

        cloud.AssertResponsesMatchBotocore();
    }
}
