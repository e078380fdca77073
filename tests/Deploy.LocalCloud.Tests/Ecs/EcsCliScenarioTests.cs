using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Ecs;

/// <summary>Issue 4, proof 2: the aws CLI drives the whole flow against real containers.</summary>
[Collection(EcsDockerTests.Name)]
public sealed class EcsCliScenarioTests
{
    [Fact]
    public async Task The_aws_cli_pushes_an_image_runs_it_as_a_service_behind_a_load_balancer_and_reads_its_logs()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var kit = new EcsTestKit(cloud);
        var cli = cloud.Cli;
        await cli.JsonAsync("ecr", "create-repository", "--repository-name", "proof/web");
        var image = await kit.PushWebImageAsync("proof/web", "v1", "v1");

        var service = await WebService.CreateAsync(cloud, "proof", image, desiredCount: 2);
        var wait = await cli.RunAsync("ecs", "wait", "services-stable", "--cluster", service.Cluster, "--services", service.Name);
        Assert.True(wait.ExitCode == 0, wait.ToString());

        // The waiter only checks running == desired (as in AWS); the load balancer needs the health checks to pass first.
        var described = await service.WaitForCompletedAsync(cloud, TimeSpan.FromSeconds(60));
        var taskArns = (await cli.JsonAsync("ecs", "list-tasks", "--cluster", service.Cluster, "--service-name", service.Name))["taskArns"]!.AsArray()
            .Select(a => a!.GetValue<string>()).ToArray();
        var tasks = (await cli.JsonAsync(["ecs", "describe-tasks", "--cluster", service.Cluster, "--tasks", .. taskArns]))["tasks"]!.AsArray();
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var http = await client.GetStringAsync(new Uri($"http://{service.LoadBalancerDns}/"));
        var taskId = taskArns[0][(taskArns[0].LastIndexOf('/') + 1)..];
        var logs = await EcsTestKit.WaitForAsync(
            () => cli.JsonAsync("logs", "get-log-events", "--log-group-name", "/ecs/proof", "--log-stream-name", $"ecs/web/{taskId}"),
            l => l["events"]!.AsArray().Count > 0, TimeSpan.FromSeconds(20), "container output in CloudWatch Logs");

        Assert.Equal("ACTIVE", described["status"]!.GetValue<string>());
        Assert.Equal(2, described["runningCount"]!.GetValue<int>());
        Assert.Equal("COMPLETED", WebService.Primary(described)["rolloutState"]!.GetValue<string>());
        Assert.Contains("(service proof) has reached a steady state.", WebService.Events(described));
        Assert.Contains(WebService.Events(described), e => e.StartsWith("(service proof) has started 2 tasks: (task ", StringComparison.Ordinal));
        Assert.Equal(2, tasks.Count);
        foreach (var task in tasks.Select(t => t!.AsObject()))
        {
            Assert.Equal("RUNNING", task["lastStatus"]!.GetValue<string>());
            Assert.Equal("RUNNING", task["desiredStatus"]!.GetValue<string>());
            Assert.Equal("HEALTHY", task["healthStatus"]!.GetValue<string>());
            var container = task["containers"]![0]!.AsObject();
            Assert.Equal(image, container["image"]!.GetValue<string>());
            Assert.StartsWith("sha256:", container["imageDigest"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("127.0.0.1", container["networkBindings"]![0]!["bindIP"]!.GetValue<string>());
        }

        Assert.Equal("hello v1", http.Trim());
        Assert.Equal("starting v1", logs["events"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(2, await service.HealthyTargetsAsync(cloud));
        cloud.AssertResponsesMatchBotocore();
    }
}

/// <summary>The tests that run real tasks share Docker and the two cores: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class EcsDockerTests
{
    public const string Name = "ECS on Docker";
}
