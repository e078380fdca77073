using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Elb;

/// <summary>CloudFormation deploys this part's resource types: ECS cluster, security group (+ingress), ALB, target group, listener.</summary>
public sealed class NetworkStackTests
{
    private static JsonObject Template(string healthPath, int port) => new()
    {
        ["Resources"] = new JsonObject
        {
            ["Cluster"] = new JsonObject { ["Type"] = "AWS::ECS::Cluster", ["Properties"] = new JsonObject { ["ClusterName"] = "stacked" } },
            ["TaskSecurityGroup"] = new JsonObject
            {
                ["Type"] = "AWS::EC2::SecurityGroup",
                ["Properties"] = new JsonObject
                {
                    ["GroupDescription"] = "tasks",
                    ["SecurityGroupIngress"] = new JsonArray(new JsonObject { ["IpProtocol"] = "tcp", ["FromPort"] = port, ["ToPort"] = port, ["CidrIp"] = "10.0.0.0/8" }),
                },
            },
            ["LbIngress"] = new JsonObject
            {
                ["Type"] = "AWS::EC2::SecurityGroupIngress",
                ["Properties"] = new JsonObject
                {
                    ["GroupId"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("TaskSecurityGroup", "GroupId") },
                    ["IpProtocol"] = "tcp",
                    ["FromPort"] = 80,
                    ["ToPort"] = 80,
                    ["CidrIp"] = "0.0.0.0/0",
                },
            },
            ["Balancer"] = new JsonObject
            {
                ["Type"] = "AWS::ElasticLoadBalancingV2::LoadBalancer",
                ["Properties"] = new JsonObject { ["Name"] = "stacked-lb", ["SecurityGroups"] = new JsonArray(new JsonObject { ["Ref"] = "TaskSecurityGroup" }) },
            },
            ["Targets"] = new JsonObject
            {
                ["Type"] = "AWS::ElasticLoadBalancingV2::TargetGroup",
                ["Properties"] = new JsonObject
                {
                    ["Port"] = 8080,
                    ["Protocol"] = "HTTP",
                    ["TargetType"] = "ip",
                    ["HealthCheckPath"] = healthPath,
                    ["HealthCheckIntervalSeconds"] = 10,
                    ["TargetGroupAttributes"] = new JsonArray(new JsonObject { ["Key"] = "deregistration_delay.timeout_seconds", ["Value"] = "5" }),
                },
            },
            ["Http"] = new JsonObject
            {
                ["Type"] = "AWS::ElasticLoadBalancingV2::Listener",
                ["Properties"] = new JsonObject
                {
                    ["LoadBalancerArn"] = new JsonObject { ["Ref"] = "Balancer" },
                    ["Port"] = 80,
                    ["Protocol"] = "HTTP",
                    ["DefaultActions"] = new JsonArray(new JsonObject { ["Type"] = "forward", ["TargetGroupArn"] = new JsonObject { ["Ref"] = "Targets" } }),
                },
            },
        },
        ["Outputs"] = new JsonObject
        {
            ["Url"] = new JsonObject { ["Value"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("Balancer", "DNSName") } },
            ["ClusterArn"] = new JsonObject { ["Value"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("Cluster", "Arn") } },
            ["TargetGroup"] = new JsonObject { ["Value"] = new JsonObject { ["Ref"] = "Targets" } },
            ["Group"] = new JsonObject { ["Value"] = new JsonObject { ["Ref"] = "TaskSecurityGroup" } },
        },
    };

    [Fact]
    public async Task A_stack_creates_updates_and_deletes_the_cluster_security_group_load_balancer_target_group_and_listener()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var files = new TempDirectory();
        var cli = cloud.Cli;
        var first = Path.Combine(files.Path, "first.json");
        var second = Path.Combine(files.Path, "second.json");
        await File.WriteAllTextAsync(first, Template("/health", 8080).ToJsonString());
        await File.WriteAllTextAsync(second, Template("/ready", 9090).ToJsonString());

        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "network", "--template-body", "file://" + first);
        var created = await SettledAsync(cloud, "network");
        var outputs = created["Outputs"]!.AsArray().ToDictionary(o => o!["OutputKey"]!.GetValue<string>(), o => o!["OutputValue"]!.GetValue<string>());
        var balancer = (await cli.JsonAsync("elbv2", "describe-load-balancers", "--names", "stacked-lb"))["LoadBalancers"]![0]!;
        var listeners = await cli.JsonAsync("elbv2", "describe-listeners", "--load-balancer-arn", balancer["LoadBalancerArn"]!.GetValue<string>());
        var group = (await cli.JsonAsync("ec2", "describe-security-groups", "--group-ids", outputs["Group"]))["SecurityGroups"]![0]!;
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var noTargets = await client.GetAsync(new Uri($"http://{outputs["Url"]}/"));

        await cli.JsonAsync("cloudformation", "update-stack", "--stack-name", "network", "--template-body", "file://" + second);
        var updated = await SettledAsync(cloud, "network");
        var targetGroup = (await cli.JsonAsync("elbv2", "describe-target-groups", "--target-group-arns", outputs["TargetGroup"]))["TargetGroups"]![0]!;
        var updatedGroup = (await cli.JsonAsync("ec2", "describe-security-groups", "--group-ids", outputs["Group"]))["SecurityGroups"]![0]!;

        await cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "network");
        var deleted = await EcsTestKit.WaitForAsync(() => cli.JsonAsync("elbv2", "describe-load-balancers"), l => l["LoadBalancers"]!.AsArray().Count == 0,
            TimeSpan.FromSeconds(20), "the stack's load balancer to be deleted");
        var clusters = await cli.JsonAsync("ecs", "list-clusters");

        Assert.Equal("CREATE_COMPLETE", created["StackStatus"]!.GetValue<string>());
        Assert.Equal(balancer["DNSName"]!.GetValue<string>(), outputs["Url"]);
        Assert.EndsWith(":cluster/stacked", outputs["ClusterArn"], StringComparison.Ordinal);
        Assert.Single(listeners["Listeners"]!.AsArray());
        Assert.Equal(2, group["IpPermissions"]!.AsArray().Count);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, noTargets.StatusCode);
        Assert.Equal("UPDATE_COMPLETE", updated["StackStatus"]!.GetValue<string>());
        Assert.Equal("/ready", targetGroup["HealthCheckPath"]!.GetValue<string>());
        Assert.Contains(updatedGroup["IpPermissions"]!.AsArray(), p => p!["FromPort"]!.GetValue<int>() == 9090);
        Assert.Empty(deleted["LoadBalancers"]!.AsArray());
        Assert.DoesNotContain(clusters["clusterArns"]!.AsArray(), a => a!.GetValue<string>().EndsWith(":cluster/stacked", StringComparison.Ordinal));
        cloud.AssertResponsesMatchBotocore();
    }

    private static async Task<JsonNode> SettledAsync(TestCloud cloud, string stack) =>
        await EcsTestKit.WaitForAsync(
            async () => (await cloud.Cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", stack))["Stacks"]![0]!,
            s => !s["StackStatus"]!.GetValue<string>().EndsWith("_IN_PROGRESS", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), $"stack {stack} to settle");
}
