using System.Text.Json.Nodes;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Tests.Quality;

namespace Deploy.Delivery.Tests.Fargate;

public sealed class RolloutWatcherTests : IDisposable
{
    private const string Ours = "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:2";
    private readonly FakeAws fake = new();
    private readonly FakeClock clock = new();
    private readonly RecordingLog log = new();

    public RolloutWatcherTests()
    {
        fake.Handlers["ListTasks"] = _ => """{"taskArns":[]}""";
    }

    private static ContainerDefinition Container => new()
    {
        Name = "sample-service",
        LogConfiguration = new LogConfiguration
        {
            LogDriver = "awslogs",
            Options = new Dictionary<string, string> { ["awslogs-group"] = "/ecs/sample-service", ["awslogs-region"] = "us-east-1", ["awslogs-stream-prefix"] = "ecs" },
        },
    };

    private static RolloutWatch Watch => new("sample-cluster", "sample-service", new RolloutTarget("ecs-svc/2222", Ours), new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), [Container]);

    public void Dispose() => fake.Dispose();

    [Fact]
    public async Task A_completed_rollout_succeeds_and_prints_progress_and_each_new_service_event_once()
    {
        Replay("completed");

        var verdict = await Watcher().WaitAsync(Watch, TimeSpan.FromMinutes(15));

        Assert.Equal(RolloutState.Succeeded, verdict.State);
        Assert.Equal(3, fake.Operations.Count(o => o == "DescribeServices"));
        Assert.Contains(log.Lines, l => l.Contains("0 of 2 tasks running, 2 pending, rolloutState IN_PROGRESS", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.Contains("has started 2 tasks", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.Contains("deployment ecs-svc/2222 deployment completed", StringComparison.Ordinal));
        Assert.Equal(1, log.Lines.Count(l => l.EndsWith("has reached a steady state.", StringComparison.Ordinal)));   // the one from before the deploy is not shown
    }

    [Fact]
    public async Task Polling_backs_off_from_one_second_to_at_most_five_and_times_out_naming_what_is_pending()
    {
        var inProgress = RolloutFixture.Load("completed").Steps[0].Response;
        fake.Sequence("DescribeServices", inProgress, Without(inProgress, "events"));

        var error = await Assert.ThrowsAsync<DeploymentTimeoutException>(() => Watcher().WaitAsync(Watch, TimeSpan.FromSeconds(20)));

        Assert.Equal([1, 2, 4, 5, 5, 3], clock.Delays.Select(d => d.TotalSeconds));
        Assert.Contains("did not finish rolling out sample-service:2 within 20 s: 0 of 2 tasks running, 2 pending, rolloutState IN_PROGRESS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Polling_returns_to_one_second_when_something_moved()
    {
        var steps = RolloutFixture.Load("completed").Steps;
        var first = Without(steps[0].Response, "events");
        fake.Sequence("DescribeServices", first, first, first, Without(steps[1].Response, "events"), Without(steps[1].Response, "events"), steps[2].Response);

        await Watcher().WaitAsync(Watch, TimeSpan.FromMinutes(15));

        Assert.Equal([1, 2, 4, 1, 2], clock.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task The_timeout_error_says_how_many_tasks_run_and_the_rollout_state()
    {
        var oneOfTwo = RolloutFixture.Load("completed").Steps[0].Response
            .Replace("\"runningCount\":0", "\"runningCount\":1", StringComparison.Ordinal)
            .Replace("\"pendingCount\":2", "\"pendingCount\":0", StringComparison.Ordinal);
        fake.Sequence("DescribeServices", oneOfTwo);

        var error = await Assert.ThrowsAsync<DeploymentTimeoutException>(() => Watcher().WaitAsync(Watch, TimeSpan.FromMinutes(15)));

        Assert.Contains("within 15 min: 1 of 2 tasks running, rolloutState IN_PROGRESS, 1 older deployment still active. ", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(15), clock.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b));
    }

    [Fact]
    public async Task A_rolled_back_rollout_fails_with_the_reason_stopped_tasks_exit_codes_and_the_last_log_lines()
    {
        Replay("rolled-back-primary-is-old-revision");
        fake.Handlers["ListTasks"] = call => call.Body["desiredStatus"]?.GetValue<string>() == "STOPPED"
            ? """{"taskArns":["arn:aws:ecs:us-east-1:123456789012:task/sample-cluster/aaa111","arn:aws:ecs:us-east-1:123456789012:task/sample-cluster/old999"]}"""
            : """{"taskArns":[]}""";
        fake.Handlers["DescribeTasks"] = _ => FakeAws.Json(new
        {
            tasks = new object[]
            {
                new
                {
                    taskArn = "arn:aws:ecs:us-east-1:123456789012:task/sample-cluster/aaa111",
                    taskDefinitionArn = Ours,
                    lastStatus = "STOPPED",
                    stopCode = "EssentialContainerExited",
                    stoppedReason = "Essential container in task exited",
                    stoppedAt = 1767268820,
                    containers = new object[]
                    {
                        new { name = "sample-service", exitCode = 139, reason = "OutOfMemoryError: Container killed due to memory usage", lastStatus = "STOPPED" },
                    },
                },
                new
                {
                    taskArn = "arn:aws:ecs:us-east-1:123456789012:task/sample-cluster/old999",
                    taskDefinitionArn = "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:1",
                    lastStatus = "STOPPED",
                    stoppedReason = "Scaling activity initiated by (deployment ecs-svc/2222)",
                    containers = new object[] { new { name = "sample-service", exitCode = 0 } },
                },
            },
            failures = Array.Empty<object>(),
        });
        fake.Handlers["GetLogEvents"] = _ => FakeAws.Json(new
        {
            events = Enumerable.Range(1, 20).Select(i => new { timestamp = 1767268800000L + i, message = $"line {i}", ingestionTime = 1767268800000L + i }),
        });

        var error = await Assert.ThrowsAsync<DeploymentFailedException>(() => Watcher().WaitAsync(Watch, TimeSpan.FromMinutes(15)));

        Assert.Contains("rollout of sample-service:2 FAILED: ECS deployment circuit breaker: tasks failed to start; rolled back to sample-service:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("task aaa111: Essential container in task exited (EssentialContainerExited)", error.Message, StringComparison.Ordinal);
        Assert.Contains("container sample-service: exit code 139, OutOfMemoryError: Container killed due to memory usage", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("old999", error.Message, StringComparison.Ordinal);
        Assert.Contains("last 20 log lines of sample-service (/ecs/sample-service ecs/sample-service/aaa111)", error.Message, StringComparison.Ordinal);
        Assert.Contains("| line 1\n", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("| line 20", error.Message, StringComparison.Ordinal);
        var failure = Assert.IsType<RolloutFailure>(error.Failure);
        Assert.Equal(error.Message, failure.Text);
        Assert.Equal(("sample-service:2", "sample-service:1"), (failure.Revision, failure.RolledBackTo));
        var task = Assert.Single(failure.StoppedTasks);
        Assert.Equal(("aaa111", 139), (task.Id, Assert.Single(task.Containers).ExitCode));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"line {i}"), Assert.Single(task.Logs).Lines);
        var logCall = Assert.Single(fake.Calls, c => c.Operation == "GetLogEvents");
        Assert.Equal(("/ecs/sample-service", "ecs/sample-service/aaa111", 20, false), (
            logCall.Body["logGroupName"]!.GetValue<string>(),
            logCall.Body["logStreamName"]!.GetValue<string>(),
            logCall.Body["limit"]!.GetValue<int>(),
            logCall.Body["startFromHead"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task A_missing_log_stream_does_not_hide_the_failure()
    {
        Replay("rolled-back-single-failed-deployment");
        fake.Handlers["ListTasks"] = _ => """{"taskArns":["arn:aws:ecs:us-east-1:123456789012:task/sample-cluster/bbb222"]}""";
        fake.Handlers["DescribeTasks"] = _ => FakeAws.Json(new
        {
            tasks = new[] { new { taskArn = "arn:aws:ecs:us-east-1:123456789012:task/sample-cluster/bbb222", taskDefinitionArn = Ours, stoppedReason = "CannotPullContainerError: pull image manifest has been retried 5 time(s)", containers = new[] { new { name = "sample-service", reason = "CannotPullContainerError" } } } },
        });
        fake.Handlers["GetLogEvents"] = _ => throw new FakeAwsError("ResourceNotFoundException", "The specified log stream does not exist.");

        var error = await Assert.ThrowsAsync<DeploymentFailedException>(() => Watcher().WaitAsync(Watch, TimeSpan.FromMinutes(15)));

        Assert.Contains("tasks failed health checks", error.Message, StringComparison.Ordinal);
        Assert.Contains("CannotPullContainerError: pull image manifest", error.Message, StringComparison.Ordinal);
        Assert.Contains("exit code none, CannotPullContainerError", error.Message, StringComparison.Ordinal);
        Assert.Contains("(log stream /ecs/sample-service ecs/sample-service/bbb222 unavailable: ResourceNotFoundException)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_tasks_of_our_revision_are_shown_with_their_state_changes()
    {
        Replay("completed");
        var status = "PROVISIONING";
        fake.Handlers["ListTasks"] = _ => """{"taskArns":["arn:aws:ecs:us-east-1:123456789012:task/sample-cluster/ccc333"]}""";
        fake.Handlers["DescribeTasks"] = _ =>
        {
            var answer = FakeAws.Json(new { tasks = new[] { new { taskArn = "arn:aws:ecs:us-east-1:123456789012:task/sample-cluster/ccc333", taskDefinitionArn = Ours, lastStatus = status, healthStatus = status == "RUNNING" ? "HEALTHY" : "UNKNOWN" } } });
            status = "RUNNING";
            return answer;
        };

        await Watcher().WaitAsync(Watch, TimeSpan.FromMinutes(15));

        Assert.Contains("  task ccc333: PROVISIONING", log.Lines);
        Assert.Contains("  task ccc333: PROVISIONING → RUNNING (HEALTHY)", log.Lines);
    }

    [Fact]
    public async Task Ctrl_c_while_waiting_says_the_rollout_continues_in_ecs_and_how_to_follow_or_undo_it()
    {
        var inProgress = RolloutFixture.Load("completed").Steps[0].Response;
        using var interrupt = new CancellationTokenSource();
        fake.Handlers["DescribeServices"] = _ =>
        {
            interrupt.Cancel();
            return inProgress;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Watcher().WaitAsync(Watch, TimeSpan.FromMinutes(15), interrupt.Token));

        var warning = Assert.Single(log.Lines, l => l.Contains("continues in ECS", StringComparison.Ordinal));
        Assert.Contains("aws ecs describe-services --cluster sample-cluster --services sample-service", warning, StringComparison.Ordinal);
        Assert.Contains("./build.sh Rollback", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void The_next_poll_doubles_up_to_five_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), RolloutWatcher.NextPoll(TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(4), RolloutWatcher.NextPoll(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(5), RolloutWatcher.NextPoll(TimeSpan.FromSeconds(4)));
        Assert.Equal(TimeSpan.FromSeconds(5), RolloutWatcher.NextPoll(TimeSpan.FromSeconds(5)));
    }

    private RolloutWatcher Watcher()
    {
        var session = fake.Session();
        return new RolloutWatcher(new EcsClient(session), new LogsClient(session), log, clock, clock.Delay);
    }

    private void Replay(string fixture) => fake.Sequence("DescribeServices", [.. RolloutFixture.Load(fixture).Steps.Select(s => s.Response)]);

    private static string Without(string response, string member)
    {
        var json = JsonNode.Parse(response)!;
        json["services"]![0]!.AsObject().Remove(member);
        return json.ToJsonString();
    }
}
