using System.Collections.Concurrent;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Botocore;

namespace Deploy.LocalCloud.Tests.Ecs;

/// <summary>State survives a restart of the local cloud; on start it reconciles the services' containers with the desired state.</summary>
[Collection(EcsDockerTests.Name)]
public sealed class LocalCloudRestartTests
{
    [Fact]
    public async Task A_restarted_local_cloud_adopts_running_task_containers_and_replaces_the_one_that_vanished()
    {
        using var state = new TempDirectory();
        var first = await TestCloud.StartAsync(state.Path);
        await using var kit = new EcsTestKit(first);
        await first.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "restart/cloud");
        var image = await kit.PushWebImageAsync("restart/cloud", "v1", "v1");
        var service = await WebService.CreateAsync(first, "adopt", image, desiredCount: 2);
        await service.WaitForCompletedAsync(first, TimeSpan.FromSeconds(60));
        var before = (await first.Cli.JsonAsync("ecs", "list-tasks", "--cluster", "adopt"))["taskArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        var port = first.Instance.Endpoint.Port;
        await first.Instance.DisposeAsync();
        var containers = await kit.ContainerIdsAsync();
        await kit.Docker.MustRunAsync(["rm", "-f", containers[0]]);

        var responses = new ConcurrentQueue<ApiExchange>();
        await using var second = await new LocalCloudBuilder().WithStateDirectory(state.Path).WithPort(port).WithResponseObserver(responses.Enqueue).BuildAsync();
        var cli = AwsCli.For(second);
        var after = await EcsTestKit.WaitForAsync(async () => (await cli.JsonAsync("ecs", "list-tasks", "--cluster", "adopt"))["taskArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToList(),
            tasks => tasks.Count == 2 && tasks.Intersect(before).Count() == 1, TimeSpan.FromSeconds(60), "one adopted and one replacement task");
        var vanished = before.Except(after).Single();
        // Its desired status turns STOPPED at once; it reaches STOPPED after draining from the target group.
        var stopped = await EcsTestKit.WaitForAsync(async () => (await cli.JsonAsync("ecs", "describe-tasks", "--cluster", "adopt", "--tasks", vanished))["tasks"]![0]!,
            t => t["lastStatus"]!.GetValue<string>() == "STOPPED", TimeSpan.FromSeconds(30), "the vanished task to be stopped");
        var steady = await EcsTestKit.WaitForAsync(async () => (await cli.JsonAsync("ecs", "describe-services", "--cluster", "adopt", "--services", "adopt"))["services"]![0]!.AsObject(),
            s => WebService.Events(s)[0] == "(service adopt) has reached a steady state." && s["runningCount"]!.GetValue<int>() == 2,
            TimeSpan.FromSeconds(60), "the service to be steady again");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var answer = await client.GetStringAsync(new Uri($"http://{service.LoadBalancerDns}/"));

        Assert.Equal("STOPPED", stopped["lastStatus"]!.GetValue<string>());
        Assert.Contains("disappeared", stopped["stoppedReason"]!.GetValue<string>(), StringComparison.Ordinal);
        // As ECS writes when it finds a task gone: the stop comes before the replacement's start.
        var events = WebService.Events(steady).Reverse().ToList();
        var stoppedEvent = events.IndexOf($"(service adopt) has stopped 1 running tasks: (task {vanished.Split('/')[^1]}).");
        Assert.True(stoppedEvent >= 0, "no 'has stopped 1 running tasks' event for the vanished task:\n" + string.Join('\n', events));
        Assert.Contains(events.Skip(stoppedEvent), e => e.StartsWith("(service adopt) has started 1 tasks:", StringComparison.Ordinal));
        Assert.Equal(2, steady["runningCount"]!.GetValue<int>());
        Assert.Equal("hello v1", answer.Trim());
        ModelAssert.Conforms(responses.SelectMany(ExchangeConformance.Violations));
        first.AssertResponsesMatchBotocore();
        await second.DisposeAsync();
    }
}
