using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.Ecs;

/// <summary>
/// RESTARTS THE MACHINE'S DOCKER DAEMON (kill -TERM dockerd, then `nohup dockerd &gt;/tmp/dockerd.log 2&gt;&amp;1 &amp;`).
/// Opt-in: it runs only with LOCAL_CLOUD_TESTS_RESTART_DOCKERD=1, because every container of every process on the
/// machine stops with dockerd (other test projects run in parallel with this one, and other test runs may share
/// the engine). Within this assembly it runs alone (its collection disables parallelization).
/// </summary>
[Collection(DockerdRestartGroup.Name)]
public sealed class DockerRestartTests
{
    [RestartsDockerdFact]
    [Trait("Category", "Exclusive")] // ./build.sh Test runs it alone, after every other test, with the variable set
    public async Task RESTARTS_DOCKERD_services_are_reconciled_back_to_their_desired_count_after_dockerd_restarts()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var kit = new EcsTestKit(cloud);
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "restart/web");
        var image = await kit.PushWebImageAsync("restart/web", "v1", "v1");
        var service = await WebService.CreateAsync(cloud, "restart", image, desiredCount: 2);
        await service.WaitForCompletedAsync(cloud, TimeSpan.FromSeconds(60));
        var before = await TaskArnsAsync(cloud, service);

        await RestartDockerdAsync();

        var after = await EcsTestKit.WaitForAsync(async () => (Service: await service.DescribeAsync(cloud), Tasks: await TaskArnsAsync(cloud, service)),
            s => s.Tasks.Count == 2 && !s.Tasks.Intersect(before).Any()
                 && s.Service["runningCount"]!.GetValue<int>() == 2
                 && WebService.Events(s.Service)[0] == "(service restart) has reached a steady state.",
            TimeSpan.FromSeconds(120), "the service to be reconciled with two new tasks");
        var old = await EcsTestKit.WaitForAsync(async () => (await cloud.Cli.JsonAsync(["ecs", "describe-tasks", "--cluster", service.Cluster, "--tasks", .. before]))["tasks"]!.AsArray(),
            tasks => tasks.All(t => t!["lastStatus"]!.GetValue<string>() == "STOPPED"), TimeSpan.FromSeconds(30), "the old tasks to be stopped");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var answer = await EcsTestKit.WaitForAsync(async () =>
            {
                try
                {
                    return (await client.GetStringAsync(new Uri($"http://{service.LoadBalancerDns}/"))).Trim();
                }
                catch (HttpRequestException error)
                {
                    return error.Message;
                }
            },
            a => a == "hello v1", TimeSpan.FromSeconds(30), "the load balancer to answer again");

        Assert.Equal(2, after.Tasks.Count);
        Assert.All(old, task =>
        {
            Assert.Equal("STOPPED", task!["lastStatus"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(task["stoppedReason"]?.GetValue<string>()));
        });
        Assert.Equal("hello v1", answer);
        Assert.Equal(2, (await kit.ContainerIdsAsync()).Count);
        cloud.AssertResponsesMatchBotocore();
    }

    private static async Task<IReadOnlyList<string>> TaskArnsAsync(TestCloud cloud, WebService service) =>
        [.. (await cloud.Cli.JsonAsync("ecs", "list-tasks", "--cluster", service.Cluster, "--service-name", service.Name))["taskArns"]!.AsArray().Select(a => a!.GetValue<string>())];

    private static async Task RestartDockerdAsync()
    {
        var pid = await ProcessRunner.RunAsync("pidof", ["dockerd"]);
        Assert.True(pid.ExitCode == 0, "dockerd is not running: " + pid);
        await ProcessRunner.RunAsync("kill", ["-TERM", .. pid.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);
        await EcsTestKit.WaitForAsync(async () => (await ProcessRunner.RunAsync("pidof", ["dockerd"])).ExitCode, code => code != 0, TimeSpan.FromSeconds(60), "dockerd to exit");
        var started = await ProcessRunner.RunAsync("bash", ["-c", "nohup dockerd >/tmp/dockerd.log 2>&1 &"]);
        Assert.True(started.ExitCode == 0, started.ToString());
        await EcsTestKit.WaitForAsync(async () => (await ProcessRunner.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"])).ExitCode, code => code == 0,
            TimeSpan.FromSeconds(60), "dockerd to answer again");
    }
}

/// <summary>Restarting dockerd must not pull the engine from under other tests: this collection runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DockerdRestartGroup
{
    public const string Name = "Restarts dockerd";
}

/// <summary>A fact that is skipped unless LOCAL_CLOUD_TESTS_RESTART_DOCKERD=1 (it restarts the machine's dockerd).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RestartsDockerdFactAttribute : FactAttribute
{
    public const string Variable = "LOCAL_CLOUD_TESTS_RESTART_DOCKERD";

    public RestartsDockerdFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"Restarts the machine's dockerd, stopping every container on it; set {Variable}=1 to run it.";
        }
    }
}
