using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Ecs;
using Deploy.LocalCloud.Tests.Support;
using Xunit.Abstractions;

namespace Deploy.LocalCloud.Tests.Ecs;

/// <summary>Issue 4, proof 4 (behaviour): rolling updates and the deployment circuit breaker on real containers.</summary>
[Collection(EcsDockerTests.Name)]
public sealed class RolloutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_crash_looping_image_trips_the_circuit_breaker_and_rolls_back_while_the_old_tasks_keep_serving()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var kit = new EcsTestKit(cloud);
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "breaker/web");
        var good = await kit.PushWebImageAsync("breaker/web", "v1", "v1");
        var bad = await kit.PushCrashingImageAsync("breaker/web", "v2");
        var service = await WebService.CreateAsync(cloud, "breaker", good, desiredCount: 2);
        var before = await service.WaitForCompletedAsync(cloud, TimeSpan.FromSeconds(60));
        var goodDeployment = WebService.Primary(before)["id"]!.GetValue<string>();
        var badDefinition = await WebService.RegisterAsync(cloud, "breaker", bad);

        JsonObject after;
        await using (var poller = new LoadBalancerPoller(service.LoadBalancerDns))
        {
            var updated = await cloud.Cli.JsonAsync("ecs", "update-service", "--cluster", service.Cluster, "--service", service.Name, "--task-definition", badDefinition);
            var badDeployment = WebService.Primary(updated["service"]!.AsObject())["id"]!.GetValue<string>();
            after = await EcsTestKit.WaitForAsync(() => service.DescribeAsync(cloud),
                s => WebService.Events(s).Any(e => e.Contains("rolling back", StringComparison.Ordinal))
                     && WebService.Primary(s)["rolloutState"]!.GetValue<string>() == "COMPLETED",
                TimeSpan.FromSeconds(90), "the circuit breaker to roll back");
            await Task.Delay(TimeSpan.FromSeconds(2));

            var events = WebService.Events(after);
            Assert.Contains($"(service breaker) deployment {badDeployment} deployment failed: tasks failed to start.", events);
            Assert.Contains($"(service breaker) rolling back to deployment {goodDeployment}.", events);
            Assert.True(poller.Errors.IsEmpty, $"{poller.Errors.Count} errors through the load balancer during the rollback: {string.Join(" | ", poller.Errors.Take(5))}");
            Assert.True(poller.Answers.Count > 20, $"only {poller.Answers.Count} answers");
            Assert.All(poller.Answers, answer => Assert.Equal("hello v1", answer));
        }

        var primary = WebService.Primary(after);
        Assert.Equal(goodDeployment, primary["id"]!.GetValue<string>());
        Assert.EndsWith("task-definition/breaker:1", primary["taskDefinition"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("task-definition/breaker:1", after["taskDefinition"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, after["runningCount"]!.GetValue<int>());
        var stopped = await cloud.Cli.JsonAsync("ecs", "list-tasks", "--cluster", service.Cluster, "--desired-status", "STOPPED");
        var stoppedTasks = (await cloud.Cli.JsonAsync(["ecs", "describe-tasks", "--cluster", service.Cluster, "--tasks",
            .. stopped["taskArns"]!.AsArray().Select(a => a!.GetValue<string>())]))["tasks"]!.AsArray().Select(t => t!.AsObject()).ToList();
        Assert.True(stoppedTasks.Count >= ServicePlanner.FailureThreshold(2), $"{stoppedTasks.Count} stopped tasks");
        var crashed = stoppedTasks.First(t => t["stoppedReason"]!.GetValue<string>() == "Essential container in task exited");
        Assert.Equal("EssentialContainerExited", crashed["stopCode"]!.GetValue<string>());
        Assert.Equal(3, crashed["containers"]![0]!["exitCode"]!.GetValue<int>());
        Assert.Equal("STOPPED", crashed["lastStatus"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_rolling_update_of_two_tasks_keeps_two_healthy_within_two_hundred_percent_and_the_load_balancer_switches_to_v2()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var kit = new EcsTestKit(cloud);
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "rolling/web");
        var v1 = await kit.PushWebImageAsync("rolling/web", "v1", "v1");
        var v2 = await kit.PushWebImageAsync("rolling/web", "v2", "v2");
        var service = await WebService.CreateAsync(cloud, "rolling", v1, desiredCount: 2, minimumHealthyPercent: 100, maximumPercent: 200);
        await service.WaitForCompletedAsync(cloud, TimeSpan.FromSeconds(60));
        var v2Definition = await WebService.RegisterAsync(cloud, "rolling", v2);

        var minimumHealthy = int.MaxValue;
        var maximumRunning = 0;
        JsonObject completed;
        var clock = Stopwatch.StartNew();
        await using (var poller = new LoadBalancerPoller(service.LoadBalancerDns))
        {
            await cloud.Cli.JsonAsync("ecs", "update-service", "--cluster", service.Cluster, "--service", service.Name, "--task-definition", v2Definition);
            completed = await EcsTestKit.WaitForAsync(async () =>
                {
                    var described = await service.DescribeAsync(cloud);
                    minimumHealthy = Math.Min(minimumHealthy, await service.HealthyTargetsAsync(cloud));
                    maximumRunning = Math.Max(maximumRunning, described["runningCount"]!.GetValue<int>() + described["pendingCount"]!.GetValue<int>());
                    return described;
                },
                s => WebService.Primary(s)["rolloutState"]!.GetValue<string>() == "COMPLETED"
                     && WebService.Primary(s)["taskDefinition"]!.GetValue<string>() == v2Definition
                     && s["deployments"]!.AsArray().Count == 1,
                TimeSpan.FromSeconds(90), "the v2 rollout to complete");
            var elapsed = clock.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.True(poller.Errors.IsEmpty, $"{poller.Errors.Count} errors through the load balancer during the rollout: {string.Join(" | ", poller.Errors.Take(5))}");
            Assert.Equal("hello v2", poller.Answers.Last());
            Assert.Contains("hello v1", poller.Answers);
            output.WriteLine(await TimingAsync(cloud, service, v2Definition, elapsed));
        }

        Assert.True(minimumHealthy >= 2, $"healthy targets dropped to {minimumHealthy}");
        Assert.True(maximumRunning <= 4, $"{maximumRunning} tasks at once exceeds 200 %");
        Assert.Equal(2, completed["runningCount"]!.GetValue<int>());
        Assert.Contains(WebService.Events(completed), e => e.StartsWith("(service rolling) has stopped 2 running tasks", StringComparison.Ordinal)
                                                          || e.StartsWith("(service rolling) has stopped 1 running tasks", StringComparison.Ordinal));
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("hello v2", (await client.GetStringAsync(new Uri($"http://{service.LoadBalancerDns}/"))).Trim());
        }

        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_task_its_target_group_finds_unhealthy_is_replaced_after_the_grace_period_and_counted_as_failed()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var kit = new EcsTestKit(cloud);
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "elbfail/web");
        var image = await kit.PushWebImageAsync("elbfail/web", "v1", "v1", serveHealth: false);
        var service = await WebService.CreateAsync(cloud, "elbfail", image, desiredCount: 1, withHealthCheck: false, gracePeriodSeconds: 5);

        var failing = await EcsTestKit.WaitForAsync(() => service.DescribeAsync(cloud),
            s => WebService.Primary(s)["failedTasks"]!.GetValue<int>() >= 1, TimeSpan.FromSeconds(60), "a task to fail its target group's health checks");
        var stopped = await cloud.Cli.JsonAsync("ecs", "list-tasks", "--cluster", service.Cluster, "--desired-status", "STOPPED");
        var task = (await cloud.Cli.JsonAsync("ecs", "describe-tasks", "--cluster", service.Cluster, "--tasks", stopped["taskArns"]![0]!.GetValue<string>()))["tasks"]![0]!;

        Assert.Equal($"Task failed ELB health checks in (target-group {service.TargetGroupArn})", task["stoppedReason"]!.GetValue<string>());
        Assert.Contains(WebService.Events(failing), e => e.Contains("is unhealthy in (target-group", StringComparison.Ordinal));
        Assert.Equal("IN_PROGRESS", WebService.Primary(failing)["rolloutState"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    /// <summary>UpdateService → COMPLETED for the new tasks, split into pull, start and healthy (the performance note's figure).</summary>
    private static async Task<string> TimingAsync(TestCloud cloud, WebService service, string definition, TimeSpan total)
    {
        var store = (EcsStore)cloud.Instance.Services.GetService(typeof(EcsStore))!;
        var tasks = store.Read(state => state.Tasks.Values.Where(t => t.TaskDefinitionArn == definition && t.DesiredStatus == "RUNNING").ToList());
        var lines = tasks.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"  task {EcsStore.TaskId(t.Arn)[..8]}: pull {(t.PullStoppedAt - t.PullStartedAt)?.TotalSeconds:0.00} s, start {(t.StartedAt - t.PullStoppedAt)?.TotalSeconds:0.00} s, healthy {(t.HealthyAt - t.StartedAt)?.TotalSeconds:0.00} s (Docker health check {(t.ContainerHealthyAt - t.StartedAt)?.TotalSeconds:0.00} s, then target group {(t.HealthyAt - t.ContainerHealthyAt)?.TotalSeconds:0.00} s)"));
        var text = string.Create(CultureInfo.InvariantCulture, $"UpdateService -> COMPLETED for {service.Name} (2 tasks): {total.TotalSeconds:0.0} s\n{string.Join('\n', lines)}");
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "local-cloud-rollout-timing.txt"), text);
        Console.WriteLine(text);
        return text;
    }
}
