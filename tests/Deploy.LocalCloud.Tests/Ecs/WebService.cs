using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Ecs;

/// <summary>A web service behind a load balancer, made with the aws CLI the way a user would (every response is recorded for botocore validation).</summary>
public sealed record WebService(string Cluster, string Name, string Family, string LoadBalancerDns, string TargetGroupArn)
{
    public const string CrashImageMarker = "crash";

    public static string TaskDefinitionJson(string family, string image, bool withHealthCheck = true)
    {
        var definition = JsonNode.Parse(TaskDefinitionJson(family, image))!.AsObject();
        if (!withHealthCheck)
        {
            definition["containerDefinitions"]![0]!.AsObject().Remove("healthCheck");
        }

        return definition.ToJsonString();
    }

    private static string TaskDefinitionJson(string family, string image) => new JsonObject
    {
        ["family"] = family,
        ["networkMode"] = "awsvpc",
        ["requiresCompatibilities"] = new JsonArray("FARGATE"),
        ["cpu"] = "256",
        ["memory"] = "512",
        ["containerDefinitions"] = new JsonArray(new JsonObject
        {
            ["name"] = "web",
            ["image"] = image,
            ["essential"] = true,
            ["stopTimeout"] = 2,
            ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "tcp" }),
            ["environment"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = "hello" }),
            ["healthCheck"] = new JsonObject
            {
                ["command"] = new JsonArray("CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"),
                ["interval"] = 5,
                ["timeout"] = 2,
                ["retries"] = 2,
                ["startPeriod"] = 0,
            },
            ["logConfiguration"] = new JsonObject
            {
                ["logDriver"] = "awslogs",
                ["options"] = new JsonObject
                {
                    ["awslogs-group"] = $"/ecs/{family}",
                    ["awslogs-region"] = "us-east-1",
                    ["awslogs-stream-prefix"] = "ecs",
                },
            },
        }),
    }.ToJsonString();

    public static async Task<string> RegisterAsync(TestCloud cloud, string family, string image, bool withHealthCheck = true)
    {
        var registered = await cloud.Cli.JsonAsync("ecs", "register-task-definition", "--cli-input-json", TaskDefinitionJson(family, image, withHealthCheck));
        return registered["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
    }

    /// <summary>Cluster, ALB + target group (health check /health every 5 s, 2 to be healthy) + listener, task definition, service.</summary>
    public static async Task<WebService> CreateAsync(TestCloud cloud, string name, string image, int desiredCount, int minimumHealthyPercent = 100, int maximumPercent = 200,
        bool withHealthCheck = true, int gracePeriodSeconds = 30)
    {
        var cli = cloud.Cli;
        await cli.JsonAsync("ecs", "create-cluster", "--cluster-name", name);
        var subnets = await cli.JsonAsync("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true");
        var subnet = subnets["Subnets"]![0]!["SubnetId"]!.GetValue<string>();
        var vpc = subnets["Subnets"]![0]!["VpcId"]!.GetValue<string>();
        var group = await cli.JsonAsync("ec2", "create-security-group", "--group-name", $"{name}-sg", "--description", "web", "--vpc-id", vpc);
        var groupId = group["GroupId"]!.GetValue<string>();
        await cli.JsonAsync("ec2", "authorize-security-group-ingress", "--group-id", groupId, "--protocol", "tcp", "--port", "8080", "--cidr", "0.0.0.0/0");
        var balancer = await cli.JsonAsync("elbv2", "create-load-balancer", "--name", $"{name}-lb", "--subnets", subnet, "--security-groups", groupId);
        var balancerArn = balancer["LoadBalancers"]![0]!["LoadBalancerArn"]!.GetValue<string>();
        var dns = balancer["LoadBalancers"]![0]!["DNSName"]!.GetValue<string>();
        var targetGroup = await cli.JsonAsync("elbv2", "create-target-group", "--name", $"{name}-tg", "--protocol", "HTTP", "--port", "8080",
            "--vpc-id", vpc, "--target-type", "ip", "--health-check-path", "/health", "--health-check-interval-seconds", "5",
            "--healthy-threshold-count", "2", "--unhealthy-threshold-count", "2");
        var targetGroupArn = targetGroup["TargetGroups"]![0]![nameof(TargetGroupArn)]!.GetValue<string>();
        await cli.JsonAsync("elbv2", "create-listener", "--load-balancer-arn", balancerArn, "--protocol", "HTTP", "--port", "80",
            "--default-actions", $"Type=forward,TargetGroupArn={targetGroupArn}");
        await RegisterAsync(cloud, name, image, withHealthCheck);
        await cli.JsonAsync("ecs", "create-service", "--cluster", name, "--service-name", name, "--task-definition", name,
            "--desired-count", desiredCount.ToString(System.Globalization.CultureInfo.InvariantCulture), "--launch-type", "FARGATE",
            "--network-configuration", $"awsvpcConfiguration={{subnets=[{subnet}],securityGroups=[{groupId}],assignPublicIp=ENABLED}}",
            "--deployment-configuration", FormattableString.Invariant($"minimumHealthyPercent={minimumHealthyPercent},maximumPercent={maximumPercent},deploymentCircuitBreaker={{enable=true,rollback=true}}"),
            "--load-balancers", $"targetGroupArn={targetGroupArn},containerName=web,containerPort=8080",
            "--health-check-grace-period-seconds", gracePeriodSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new WebService(name, name, name, dns, targetGroupArn);
    }

    public async Task<JsonObject> DescribeAsync(TestCloud cloud) =>
        (await cloud.Cli.JsonAsync("ecs", "describe-services", "--cluster", Cluster, "--services", Name))["services"]![0]!.AsObject();

    public static JsonObject Primary(JsonObject service) =>
        service["deployments"]!.AsArray().Single(d => d!["status"]!.GetValue<string>() == "PRIMARY")!.AsObject();

    public static IReadOnlyList<string> Events(JsonObject service) =>
        [.. service["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>())];

    /// <summary>Waits until the PRIMARY deployment's rollout is COMPLETED and one deployment with running == desired remains.</summary>
    public async Task<JsonObject> WaitForCompletedAsync(TestCloud cloud, TimeSpan timeout) =>
        await EcsTestKit.WaitForAsync(() => DescribeAsync(cloud),
            s => Primary(s)["rolloutState"]!.GetValue<string>() == "COMPLETED"
                 && s["deployments"]!.AsArray().Count == 1
                 && s["runningCount"]!.GetValue<int>() == s["desiredCount"]!.GetValue<int>(),
            timeout, $"service {Name} to complete its rollout");

    public async Task<int> HealthyTargetsAsync(TestCloud cloud)
    {
        var health = await cloud.Cli.JsonAsync("elbv2", "describe-target-health", "--target-group-arn", TargetGroupArn);
        return health["TargetHealthDescriptions"]!.AsArray().Count(t => t!["TargetHealth"]!["State"]!.GetValue<string>() == "healthy");
    }
}
