using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deploy.Aws.Ecs;
using Deploy.Aws.Sts;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Notifications;
using Deploy.Testing.Slack;
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
        var crashCommit = NewCommit();
        var failed = await Assert.ThrowsAsync<DeploymentFailedException>(() => world.DeployAsync(world.CrashImage, crashCommit));
        var duration = clock.Elapsed;
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

        // The team hears of it once: rolled back by the circuit breaker, with the commit, the reason and the crash's log lines.
        var message = await NotifySlackOnceAsync(failed, crashCommit, duration, world.Platform.ServiceName, world.Platform.LoadBalancerUrl);
        Assert.Contains($":rewind: Deploy of sample-service failed and was rolled back to {previous.TaskDefinition}", message, StringComparison.Ordinal);
        Assert.Contains("tasks failed to start", message, StringComparison.Ordinal);
        Assert.Contains("Essential container in task exited (EssentialContainerExited)", message, StringComparison.Ordinal);
        Assert.Matches(@"\*Last 2 log lines of sample-service\* \(task [0-9a-f]+, [^)]+\)\n```\nstarting\nboom\n```", message);
    }

    [Fact]
    public async Task A_crash_looping_first_deploy_of_a_new_service_fails_without_a_rollback_and_tells_slack_once_with_its_logs()
    {
        var commit = NewCommit();
        var options = world.Options(world.CrashImage, commit) with { ServiceName = "crash-only", TargetGroupArn = null, ServiceUrl = null };
        var clock = Stopwatch.StartNew();
        try
        {
            var failed = await Assert.ThrowsAsync<DeploymentFailedException>(() => world.Deployer().DeployAsync(options));
            var duration = clock.Elapsed;

            Assert.Null(failed.Failure?.RolledBackTo);
            var message = await NotifySlackOnceAsync(failed, commit, duration, options.ServiceName);
            Assert.Contains(":x: Deploy of crash-only failed", message, StringComparison.Ordinal);
            Assert.Contains("rollout of crash-only:1 FAILED: ECS deployment circuit breaker: tasks failed to start", message, StringComparison.Ordinal);
            Assert.Contains("container crash-only: exit code 3", message, StringComparison.Ordinal);
            Assert.Contains("\nstarting\nboom\n```", message, StringComparison.Ordinal);
        }
        finally
        {
            await world.Ecs.DeleteServiceAsync(new DeleteServiceRequest { Cluster = world.Platform.ClusterName, Service = options.ServiceName, Force = true });
        }
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

    /// <summary>
    /// What DeployFargate does with an outcome when --slack-webhook-url is set: the notifier posts to a real local receiver.
    /// Exactly one request must arrive, conform to Block Kit and name the commit; the webhook URL must appear in no log
    /// line and no file the world wrote. Returns every text of the message, joined (the JSON body goes to the test output).
    /// </summary>
    private async Task<string> NotifySlackOnceAsync(Exception failure, string commit, TimeSpan duration, string service, Uri? serviceUrl = null)
    {
        await using var receiver = await SlackReceiver.StartAsync();
        using var slack = new HttpClient();
        var gitlab = new Dictionary<string, string>
        {
            ["CI_COMMIT_SHA"] = commit,
            ["CI_COMMIT_TITLE"] = "Start the service with its new configuration",
            ["CI_COMMIT_AUTHOR"] = "Jane Doe <jane@example.com>",
            ["CI_PROJECT_URL"] = "https://gitlab.example.com/team/sample-service",
        };
        var context = new NotificationContext
        {
            Command = "DeployFargate",
            Service = service,
            Cluster = world.Platform.ClusterName,
            Profile = "local cloud",
            Account = (await new StsClient(world.Session).GetCallerIdentityAsync()).Account,
            Region = world.Session.Region,
            ServiceUrl = serviceUrl,
            Commit = await RunFacts.CommitAsync(commit, gitlab, _ => throw new InvalidOperationException("GitLab's variables name the commit")),
            RanOn = new RunLocation("host " + Environment.MachineName, null),
        };
        var notifier = new DeployNotifier(receiver.WebhookUrl.ToString(), NotificationOutcomes.Default, new SlackWebhookSender(slack), world.Log);

        Assert.True(await notifier.NotifyAsync(DeployNotification.For(context, failure, duration)));

        var request = Assert.Single(receiver.Requests);
        output.WriteLine(JsonNode.Parse(request.Body)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        BlockKitShape.AssertConforms(request.Body);
        Assert.DoesNotContain(world.Log.Lines, line => line.Contains(receiver.Token, StringComparison.Ordinal));
        foreach (var file in Directory.EnumerateFiles(world.Root, "*", SearchOption.AllDirectories))
        {
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(file);
            }
            catch (FileNotFoundException)
            {
                continue; // an atomic write's .tmp renamed away meanwhile: its content is scanned under the final name
            }

            Assert.False(Encoding.Latin1.GetString(content).Contains(receiver.Token, StringComparison.Ordinal), $"the webhook URL was written to {file}");
        }

        var message = JsonNode.Parse(request.Body)!;
        var texts = new List<string> { message["text"]!.GetValue<string>() };
        foreach (var block in message["blocks"]!.AsArray())
        {
            if (block!["text"]?["text"] is { } text)
            {
                texts.Add(text.GetValue<string>());
            }

            texts.AddRange((block["fields"]?.AsArray() ?? []).Select(f => f!["text"]!.GetValue<string>()));
        }

        var all = string.Join("\n", texts);
        Assert.Contains($"<https://gitlab.example.com/team/sample-service/-/commit/{commit}|`{commit[..8]}`> Start the service with its new configuration", all, StringComparison.Ordinal);
        Assert.Contains("Jane Doe", all, StringComparison.Ordinal);
        return all;
    }
}
