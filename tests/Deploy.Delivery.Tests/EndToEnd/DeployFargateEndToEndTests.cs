using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Infra;
using Xunit.Abstractions;

namespace Deploy.Delivery.Tests.EndToEnd;

// PushEcr → DeployFargate → Rollback on a real local cloud with real Docker (ECS tasks are containers, the load balancer
// is a loopback proxy). The tests of this class share one world and run one after the other; each starts from whatever
// the service runs and deploys a fresh commit when it needs a known version, so their order does not matter.
[Collection("Docker engine")]
public sealed class DeployFargateEndToEndTests(DeployWorldOnLocalCloud world, ITestOutputHelper output) : IClassFixture<DeployWorldOnLocalCloud>, IDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_deploy_answers_through_the_load_balancer_with_the_deployed_version_and_the_same_deploy_again_is_unchanged()
    {
        var commit = NewCommit();
        var clock = Stopwatch.StartNew();
        var deployed = await world.DeployAsync(world.WebImage, commit);
        output.WriteLine($"deployed in {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(DeployOutcome.Deployed, deployed.Outcome);
        Assert.Equal(deployed.TaskDefinition, await world.ServiceTaskDefinitionAsync());
        Assert.Equal($"{commit[..12]} {commit}", await world.GetThroughLoadBalancerAsync(http));
        Assert.Contains(world.TakeLog(), line => line.Contains(world.Platform.LoadBalancerUrl.ToString().TrimEnd('/'), StringComparison.Ordinal));

        var revisions = await world.RevisionsAsync();
        var again = await world.DeployAsync(world.WebImage, commit);

        Assert.Equal((DeployOutcome.Unchanged, deployed.TaskDefinition), (again.Outcome, again.TaskDefinition));
        Assert.Equal(revisions, await world.RevisionsAsync());
        Assert.Contains(world.TakeLog(), line => line.StartsWith("Unchanged:", StringComparison.Ordinal));
        Assert.Equal($"{commit[..12]} {commit}", await world.GetThroughLoadBalancerAsync(http));
    }

    [Fact]
    public async Task A_crash_looping_image_is_rolled_back_by_the_circuit_breaker_and_fails_with_reasons_and_logs_while_the_previous_version_keeps_answering()
    {
        var commit = NewCommit();
        var previous = await world.DeployAsync(world.WebImage, commit);
        Assert.Equal(DeployOutcome.Deployed, previous.Outcome);
        world.TakeLog();

        // The URL is polled all along the failed rollout: every answer is the previous version.
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var answers = 0;
        var poller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var body = await world.GetThroughLoadBalancerAsync(http);
                    if (body != $"{commit[..12]} {commit}")
                    {
                        failures.Enqueue("answered: " + body);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue(e.GetType().Name + ": " + e.Message);
                }

                Interlocked.Increment(ref answers);
                await Task.Delay(200, CancellationToken.None);
            }
        });

        var clock = Stopwatch.StartNew();
        var failed = await Assert.ThrowsAsync<DeploymentFailedException>(() => world.DeployAsync(world.CrashImage, NewCommit()));
        output.WriteLine($"failure detected after {clock.Elapsed.TotalSeconds:0.0} s:\n{failed.Message}");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await poller;

        // The rollout's reason: rolloutStateReason while the failed deployment is listed, else its service event (here the
        // rollback completes at once, the previous task being healthy, so the failed deployment is gone by the next poll).
        Assert.Contains("tasks failed to start", failed.Message, StringComparison.Ordinal);
        Assert.Matches($@"(runs|rolled back to) {Regex.Escape(previous.TaskDefinition)}\b", failed.Message);
        Assert.Contains("Essential container in task exited", failed.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 3", failed.Message, StringComparison.Ordinal);
        Assert.Contains("| " + DeployWorldOnLocalCloud.CrashLine, failed.Message, StringComparison.Ordinal);
        Assert.True(failures.IsEmpty, $"{failures.Count} of {answers} requests failed during the rollout: {string.Join("; ", failures.Take(5))}");
        Assert.True(answers > 5, $"only {answers} requests were made");

        Assert.Equal(previous.TaskDefinition, await world.ServiceTaskDefinitionAsync());
        Assert.Equal($"{commit[..12]} {commit}", await world.GetThroughLoadBalancerAsync(http));
    }

    [Fact]
    public async Task A_missing_image_fails_clearly_before_anything_is_registered()
    {
        var before = await world.RevisionsAsync();
        var service = await world.ServiceTaskDefinitionAsync();
        var missing = world.WebImage with { Tag = "not-pushed-" + NewCommit()[..8] };

        var error = await Assert.ThrowsAsync<DeployException>(() => world.DeployAsync(missing, NewCommit()));

        Assert.IsType<DeployException>(error);
        Assert.Contains($"Image {missing} is not in ECR", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was registered or updated", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await world.RevisionsAsync());
        Assert.Equal(service, await world.ServiceTaskDefinitionAsync());
    }

    [Fact]
    public async Task A_dry_run_prints_the_diff_and_touches_nothing()
    {
        var before = await world.RevisionsAsync();
        var service = await world.ServiceTaskDefinitionAsync();
        var commit = NewCommit();
        world.TakeLog();

        var result = await world.Deployer().DeployAsync(world.Options(world.WebImage, commit) with { DryRun = true });

        Assert.Equal(DeployOutcome.DryRun, result.Outcome);
        var log = world.TakeLog();
        Assert.Contains("Dry run: nothing is registered, created or updated.", log);
        Assert.Contains(log, line => line.Contains(commit, StringComparison.Ordinal));
        Assert.Equal(before, await world.RevisionsAsync());
        Assert.Equal(service, await world.ServiceTaskDefinitionAsync());
    }

    [Fact]
    public async Task Rollback_returns_the_service_to_the_previous_revision_and_waits_for_it()
    {
        var first = NewCommit();
        var second = NewCommit();
        var older = await world.DeployAsync(world.WebImage, first);
        var newer = await world.DeployAsync(world.WebImage, second);
        Assert.Equal((DeployOutcome.Deployed, DeployOutcome.Deployed), (older.Outcome, newer.Outcome));
        Assert.Equal($"{second[..12]} {second}", await world.GetThroughLoadBalancerAsync(http));

        var rolledBack = await world.Rollback().RollbackAsync(new RollbackOptions
        {
            Cluster = world.Platform.ClusterName,
            ServiceName = world.Platform.ServiceName,
            Timeout = TimeSpan.FromMinutes(4),
            ServiceUrl = world.Platform.LoadBalancerUrl,
        });

        Assert.Equal((DeployOutcome.RolledBack, older.TaskDefinition), (rolledBack.Outcome, rolledBack.TaskDefinition));
        Assert.Equal(older.TaskDefinition, await world.ServiceTaskDefinitionAsync());
        // Returned only once the rollout completed: the first request already gets the previous version.
        Assert.Equal($"{first[..12]} {first}", await world.GetThroughLoadBalancerAsync(http));
        var service = await world.Ecs.DescribeServiceAsync(world.Platform.ClusterName, world.Platform.ServiceName);
        Assert.Equal("COMPLETED", service?.PrimaryDeployment?.RolloutState);
    }

    [Fact]
    public async Task Running_ProvisionInfra_again_after_a_deploy_does_not_revert_the_services_task_definition()
    {
        var commit = NewCommit();
        var deployed = await world.DeployAsync(world.WebImage, commit);
        Assert.Equal(DeployOutcome.Deployed, deployed.Outcome);
        var revisions = await world.RevisionsAsync();

        var provisioned = await world.ProvisionAsync();

        Assert.Equal(StackDeployOutcome.Unchanged, provisioned.Outcome);
        Assert.Equal(deployed.TaskDefinition, await world.ServiceTaskDefinitionAsync());
        Assert.Equal(revisions, await world.RevisionsAsync());
        Assert.Equal($"{commit[..12]} {commit}", await world.GetThroughLoadBalancerAsync(http));
        var again = await world.DeployAsync(world.WebImage, commit);
        Assert.Equal(DeployOutcome.Unchanged, again.Outcome);
    }

    public void Dispose()
    {
        foreach (var line in world.TakeLog())
        {
            output.WriteLine(line);
        }

        output.WriteLine($"(world set up in {world.SetUpDuration.TotalSeconds:0.0} s)");
        http.Dispose();
    }

    private static string NewCommit() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
}
