using Deploy.Delivery.Release;
using Deploy.Delivery.Tests.Fargate;
using static Deploy.Delivery.Tests.Release.PipelineWorld;

namespace Deploy.Delivery.Tests.Release;

public sealed class PipelineFollowerTests : IDisposable
{
    private const string BuildId = Project + ":0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
    private const string Execution = "a1b2c3d4-0000-4000-8000-000000000001";
    private const string NewerExecution = "a1b2c3d4-0000-4000-8000-000000000002";

    private readonly PipelineWorld world = new();

    public void Dispose()
    {
        // Whatever each test asserts, the follower spoke AWS's API and the world answered in it.
        Assert.Empty(world.Violations);
        world.Dispose();
    }

    [Fact]
    public async Task A_successful_execution_is_followed_stage_by_stage_with_the_build_log_and_the_ECS_rollout_then_reports_the_revision_and_URL()
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit);
        world.Then(
            w =>
            {
                run.Action("Source").Succeed(w.Clock.Now, "Greet in French");
                run.Run("Build", w.Clock.Now, BuildId);
                w.Build(BuildId);
            },
            w => w.Builds[BuildId].Writes("[Container] Entering phase INSTALL", "line 2", "line 3", "line 4"),
            w => w.Builds[BuildId].Writes("line 5", "line 6", "line 7", "line 8", "[Container] Entering phase POST_BUILD"),
            w =>
            {
                w.Builds[BuildId].Writes("[Container] Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED");
                w.Builds[BuildId].Status = "SUCCEEDED";
                run.Action("Build").Succeed(w.Clock.Now);
                run.Run("Deploy", w.Clock.Now);
                w.Ecs.Deployments[0]["status"] = "ACTIVE";
                w.Ecs.Deployments.Insert(0, EcsState.Deployment("ecs-svc/8888", EcsState.New, "PRIMARY", "IN_PROGRESS", 0, w.Clock.Now));
                w.Ecs.ServiceTaskDefinition = EcsState.New;
                w.Ecs.Event(w.Clock.Now, "(service sample-service) has started 1 tasks: (task 8a8a).");
            },
            w =>
            {
                w.Ecs.Deployments.RemoveAt(1);
                w.Ecs.Deployments[0] = EcsState.Deployment("ecs-svc/8888", EcsState.New, "PRIMARY", "COMPLETED", 1, w.Clock.Now.AddSeconds(-3));
                w.Ecs.Event(w.Clock.Now, "(service sample-service) (deployment ecs-svc/8888) deployment completed.");
            },
            w =>
            {
                run.Action("Deploy").Succeed(w.Clock.Now);
                run.Status = "Succeeded";
            });

        var result = await world.Follower().FollowAsync(Options);

        Assert.Equal(Execution, result.ExecutionId);
        Assert.Equal(Commit, result.Commit);
        Assert.Equal("sample-service:8", result.TaskDefinition);
        Assert.StartsWith("deployed sample-service:8 (1a2b3c4) in ", result.Summary, StringComparison.Ordinal);
        AssertInOrder(
            "Pipeline sample-service-pipeline builds branch main of CodeCommit repository sample-service, now at 1a2b3c4",
            $"Execution {Execution} for 1a2b3c4 \"Greet in French\": InProgress, started 12:00:00 UTC by CloudWatchEvent (arn:aws:events:us-east-1:123456789012:rule/{Rule})",
            "Stage Source: InProgress",
            "  Source/Source: InProgress (commit 1a2b3c4)",
            "  Source/Source: Succeeded: Greet in French",
            "Stage Source: Succeeded in 3 s",
            "Stage Build: InProgress",
            $"  Build/Build: InProgress (build {BuildId})",
            "    | [Container] Entering phase INSTALL",
            "    | line 8",
            "    | [Container] Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED",
            "  Build/Build: Succeeded",
            "Stage Build: Succeeded in 9 s",
            "Stage Deploy: InProgress",
            "    12:00:12 (service sample-service) has started 1 tasks: (task 8a8a).",
            "    sample-service: 0 of 1 tasks running, 1 pending, rolloutState IN_PROGRESS, 1 older deployment still active",
            "    12:00:15 (service sample-service) (deployment ecs-svc/8888) deployment completed.",
            "  Deploy/Deploy: Succeeded",
            "Stage Deploy: Succeeded in 6 s",
            $"Execution {Execution} Succeeded (1a2b3c4, followed for 18 s)",
            "The service runs sample-service:8",
            "Service URL: http://sample-alb-123.us-east-1.elb.amazonaws.com/");
    }

    [Fact]
    public async Task The_build_log_is_streamed_exactly_once_across_looks_and_pages()
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        run.Run("Build", world.Clock.Now, BuildId);
        var build = world.Build(BuildId);
        var lines = Enumerable.Range(1, 17).Select(i => $"output {i}").ToArray();
        world.Then(
            _ => build.Writes(lines[..2]),
            _ => { },
            _ => build.Writes(lines[2..10]),   // more than a page between two looks
            _ => { },
            w =>
            {
                build.Writes(lines[10..]);
                build.Status = "SUCCEEDED";
                run.Action("Build").Succeed(w.Clock.Now);    // the last lines arrive with the end: drained once more
                run.Status = "Stopped";
                run.StopReason = "Stopped to test the log";
            });

        await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options));

        Assert.All(lines, line => Assert.Single(world.Log.Lines, l => l == "    | " + line));
        Assert.Equal(lines.Length, world.EventsServed[build.Stream]);
        Assert.True(world.Log.Lines.ToList().IndexOf("    | output 17") < world.Log.Lines.ToList().IndexOf("  Build/Build: Succeeded"));
    }

    [Theory]
    [InlineData("DOWNLOAD_SOURCE", "YAML_FILE_ERROR", "YAML_FILE_ERROR: did not find expected key at line 9 of buildspec.yml")]
    [InlineData("DOWNLOAD_SOURCE", "YAML_FILE_ERROR", "YAML_FILE_ERROR: Unknown runtime or key found: 'phase' (did you mean 'phases'?)")]
    [InlineData("UPLOAD_ARTIFACTS", "CLIENT_ERROR", "no matching artifact paths found")]
    public async Task A_failed_build_names_the_stage_action_and_error_the_failing_phase_and_its_context_and_the_last_twenty_log_lines(string phase, string code, string message)
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        run.Run("Build", world.Clock.Now, BuildId);
        var build = world.Build(BuildId).Writes([.. Enumerable.Range(1, 30).Select(i => $"step {i}")]);
        world.Then(w =>
        {
            build.Status = "FAILED";
            build.Phases.Add(("SUBMITTED", "SUCCEEDED", null, null));
            build.Phases.Add((phase, "FAILED", code, message));
            run.Action("Build").Fail(w.Clock.Now, "JobFailed", $"Build terminated with state: FAILED. Phase: {phase}, Code: {code}, Message: {message}");
            run.Status = "Failed";
        });

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options));

        var text = error.Message;
        Assert.StartsWith($"Execution {Execution} of pipeline {Pipeline} (commit 1a2b3c4) failed at stage Build, action Build (CodeBuild): JobFailed: Build terminated with state: FAILED.", text, StringComparison.Ordinal);
        Assert.Contains($"\nBuild {BuildId}: FAILED in phase {phase} (FAILED)\n  {code}: {message}", text, StringComparison.Ordinal);
        Assert.Contains($"\nLast 20 lines of the build log (/aws/codebuild/{Project} {build.Stream}):\n  | step 11\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n  | step 30", text, StringComparison.Ordinal);
        Assert.DoesNotContain("| step 10\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deploy_the_circuit_breaker_rolled_back_shows_the_rollout_the_stopped_tasks_reasons_and_their_last_log_lines()
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        run.Run("Build", world.Clock.Now, BuildId).Succeed(world.Clock.Now);
        world.Build(BuildId).Writes("built").Status = "SUCCEEDED";
        run.Run("Deploy", world.Clock.Now);
        world.Ecs.Deployments[0]["status"] = "ACTIVE";
        world.Ecs.Deployments.Insert(0, EcsState.Deployment("ecs-svc/8888", EcsState.New, "PRIMARY", "IN_PROGRESS", 0, world.Clock.Now));
        world.Then(
            w =>
            {
                w.Ecs.StoppedTask("8a8a8a8a", EcsState.New, w.Clock.Now, "Essential container in task exited", 139, "Starting sample-service 8", "Unhandled exception. System.InvalidOperationException: no greeting configured");
                w.Ecs.Event(w.Clock.Now, "(service sample-service) (deployment ecs-svc/8888) deployment failed: tasks failed to start.");
                w.Ecs.Deployments[0] = EcsState.Deployment("ecs-svc/8888", EcsState.New, "ACTIVE", "FAILED", 0, w.Clock.Now.AddSeconds(-3), "ECS deployment circuit breaker: tasks failed to start.");
                w.Ecs.Deployments[1] = EcsState.Deployment("ecs-svc/7778", EcsState.Old, "PRIMARY", "IN_PROGRESS", 1, w.Clock.Now);
            },
            w =>
            {
                // The rollback finished: the failed deployment is gone from the service.
                w.Ecs.Deployments.RemoveAt(0);
                w.Ecs.Deployments[0]["rolloutState"] = "COMPLETED";
                run.Action("Deploy").Fail(w.Clock.Now, "JobFailed", "Deployment ecs-svc/8888 failed: ECS deployment circuit breaker: tasks failed to start.");
                run.Status = "Failed";
            });

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options));

        Assert.Contains("failed at stage Deploy, action Deploy (ECS): JobFailed: Deployment ecs-svc/8888 failed: ECS deployment circuit breaker", error.Message, StringComparison.Ordinal);
        Assert.Contains("\nECS: deployment ecs-svc/8888 is gone; the PRIMARY deployment runs sample-service:7 (rolled back or replaced); service event: (service sample-service) (deployment ecs-svc/8888) deployment failed: tasks failed to start.", error.Message, StringComparison.Ordinal);
        Assert.Contains("\n  task 8a8a8a8a: Essential container in task exited (EssentialContainerExited)\n    container sample-service: exit code 139", error.Message, StringComparison.Ordinal);
        Assert.Contains("      | Unhandled exception. System.InvalidOperationException: no greeting configured", error.Message, StringComparison.Ordinal);
        Assert.Contains(world.Log.Lines, l => l == "    sample-service: rollout of sample-service:8 FAILED: ECS deployment circuit breaker: tasks failed to start; rolled back to sample-service:7");
    }

    [Fact]
    public async Task A_deploy_to_a_service_that_does_not_exist_says_so_next_to_the_actions_error()
    {
        world.Ecs.ServiceExists = false;
        var run = DeployFails("JobFailed", "The Amazon ECS service 'sample-service' does not exist.");

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options));

        Assert.Contains("action Deploy (ECS): JobFailed: The Amazon ECS service 'sample-service' does not exist.", error.Message, StringComparison.Ordinal);
        Assert.Contains("\nECS: service sample-service does not exist in cluster sample-service (DescribeServices: MISSING).", error.Message, StringComparison.Ordinal);
        Assert.Equal("Failed", run.Status);
    }

    [Fact]
    public async Task A_new_platform_without_the_service_gets_it_created_from_the_pipelines_image_and_its_deploy_stage_retried()
    {
        world.Ecs.ServiceExists = false;
        var run = DeployFails("JobFailed", "The ECS service sample-service does not exist in cluster sample-service.");
        var created = new List<string>();
        var options = Options with
        {
            CreateMissingService = (commit, _) =>
            {
                created.Add(commit);
                world.Ecs.ServiceExists = true;
                return Task.FromResult("sample-service:7");
            },
        };
        world.Then(w =>
        {
            run.Action("Deploy").Succeed(w.Clock.Now);
            run.Status = "Succeeded";
        });

        var result = await world.Follower().FollowAsync(options);

        Assert.Equal([Commit], created);
        Assert.Equal([$"{Execution} Deploy FAILED_ACTIONS"], world.Retries);
        Assert.Equal((Execution, "sample-service:7"), (result.ExecutionId, result.TaskDefinition));
        AssertInOrder(
            "Service sample-service does not exist in cluster sample-service yet (a new platform): the pipeline's Deploy action only updates a service, "
                + "so this release creates it from the image the pipeline builds (as DeployFargate does) and then retries the Deploy stage.",
            "Stage Deploy failed because service sample-service does not exist: creating it with the image of 1a2b3c4",
            $"Service created running sample-service:7; retrying stage Deploy of execution {Execution}, so the pipeline deploys from now on");
        Assert.Empty(world.Violations);
    }

    [Fact]
    public async Task A_missing_service_without_a_way_to_create_it_fails_once_and_is_not_retried()
    {
        world.Ecs.ServiceExists = false;
        DeployFails("JobFailed", "The ECS service sample-service does not exist in cluster sample-service.");

        await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options));

        Assert.Empty(world.Retries);
        Assert.Contains(world.Log.Lines, l => l.EndsWith("Create it once with ./build.sh DeployFargate.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("The image definition file imagedefinitions.json contains invalid JSON format")]
    [InlineData("The AWS ECS container sample-servce does not exist")]
    public async Task A_deploy_that_rejected_imagedefinitions_gives_the_actions_reason_and_says_the_service_still_runs_its_revision(string reason)
    {
        DeployFails("JobFailed", reason);

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options));

        Assert.Contains($"action Deploy (ECS): JobFailed: {reason}\nECS: no deployment was started; service sample-service still runs sample-service:7.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_execution_superseded_by_a_newer_commit_hands_over_to_that_one_and_says_so()
    {
        var ours = world.Start(Execution);
        ours.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        world.Then(
            w =>
            {
                ours.Status = "Superseded";
                var newer = w.Start(NewerExecution, NewerCommit, "Greet in German too");
                newer.Run("Source", w.Clock.Now, NewerCommit).Succeed(w.Clock.Now);
                newer.Run("Build", w.Clock.Now, BuildId).Succeed(w.Clock.Now);
                w.Build(BuildId).Writes("built the newer one").Status = "SUCCEEDED";
                newer.Run("Deploy", w.Clock.Now).Succeed(w.Clock.Now);
                newer.Status = "Succeeded";
                w.Ecs.ServiceTaskDefinition = EcsState.New;
            });

        var result = await world.Follower().FollowAsync(Options);

        Assert.Equal(NewerExecution, result.ExecutionId);
        Assert.Equal(NewerCommit, result.Commit);
        Assert.Equal("sample-service:8", result.TaskDefinition);
        Assert.Contains(
            $"Execution {Execution} (1a2b3c4) was superseded by execution {NewerExecution} for 9f8e7d6 \"Greet in German too\", a newer commit on main that carries it; following that one.",
            world.Log.Lines);
        Assert.Single(world.Log.Lines, l => l == "    | built the newer one");
    }

    [Fact]
    public async Task An_execution_superseded_with_no_newer_one_listed_fails_saying_nothing_deployed_the_commit()
    {
        world.Start(Execution).Status = "Superseded";

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options));

        Assert.StartsWith($"Execution {Execution} of pipeline {Pipeline} (commit 1a2b3c4) was superseded, but no newer execution is listed; nothing has deployed 1a2b3c4.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_no_execution_starts_the_wait_is_bounded_and_names_the_rule_the_repository_and_the_branch()
    {
        world.Start("00000000-0000-4000-8000-000000000000", "0123456789abcdef0123456789abcdef01234567", "An older commit").Status = "Succeeded";

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options with { StartTimeout = TimeSpan.FromMinutes(2) }));

        Assert.Equal(TimeSpan.FromMinutes(2), world.Clock.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b));
        Assert.All(world.Clock.Delays, d => Assert.True(d <= TimeSpan.FromSeconds(3)));
        Assert.StartsWith($"No execution of pipeline {Pipeline} started for commit 1a2b3c4 within 2 min.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Its newest execution 00000000-0000-4000-8000-000000000000 (Succeeded, started 12:00:00 UTC) built 0123456.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Check the EventBridge rule {Rule}: it must be ENABLED and match pushes to branch main of CodeCommit repository sample-service", error.Message, StringComparison.Ordinal);
        Assert.Contains($"check that branch main of CodeCommit repository sample-service is at {Commit}", error.Message, StringComparison.Ordinal);
        Assert.Contains("--release-start-timeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("Waiting for pipeline sample-service-pipeline to start an execution for 1a2b3c4 (up to 2 min)", world.Log.Lines);
    }

    [Fact]
    public async Task An_execution_that_starts_during_the_wait_is_followed()
    {
        world.Then(_ => { }, w =>
        {
            var run = w.Start(Execution);
            run.Run("Source", w.Clock.Now, Commit).Succeed(w.Clock.Now);
            run.Run("Build", w.Clock.Now, BuildId).Succeed(w.Clock.Now);
            w.Build(BuildId).Status = "SUCCEEDED";
            run.Run("Deploy", w.Clock.Now).Succeed(w.Clock.Now);
            run.Status = "Succeeded";
        });

        var result = await world.Follower().FollowAsync(Options);

        Assert.Equal(Execution, result.ExecutionId);
        Assert.Equal("sample-service:7", result.TaskDefinition);
        Assert.Equal(2, world.Clock.Delays.Count);
    }

    [Fact]
    public async Task A_stopped_execution_fails_with_where_it_stopped_and_why()
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        run.Run("Build", world.Clock.Now, BuildId);
        world.Build(BuildId);
        world.Then(w =>
        {
            run.Action("Build").Status = "Abandoned";
            run.Status = "Stopped";
            run.StopReason = "Release freeze until Monday";
        });

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options));

        Assert.Equal(
            $"Execution {Execution} of pipeline {Pipeline} (commit 1a2b3c4) was stopped after stage Build (Abandoned): Release freeze until Monday. Nothing further of it will deploy.",
            error.Message);
    }

    [Fact]
    public async Task An_execution_still_running_at_the_timeout_fails_naming_where_it_is()
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        run.Run("Build", world.Clock.Now, BuildId);
        world.Build(BuildId);

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options with { Timeout = TimeSpan.FromMinutes(1) }));

        Assert.Equal(
            $"Execution {Execution} of pipeline {Pipeline} is still InProgress at stage Build (action Build InProgress) after 1 min. It goes on in CodePipeline; raise --release-timeout to wait longer.",
            error.Message);
        Assert.Equal(TimeSpan.FromMinutes(1), world.Clock.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b));
    }

    [Fact]
    public async Task A_disabled_transition_holding_the_execution_is_named_once_and_in_the_timeout()
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        world.DisabledTransitions["Build"] = "Audit in progress";

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options with { Timeout = TimeSpan.FromMinutes(1) }));

        Assert.Contains("the transition into stage Build is disabled (Audit in progress) by arn:aws:iam::123456789012:user/release-manager", error.Message, StringComparison.Ordinal);
        Assert.Single(world.Log.Lines, l => l.StartsWith("Waiting: the transition into stage Build is disabled", StringComparison.Ordinal)
            && l.EndsWith("aws codepipeline enable-stage-transition --pipeline-name sample-service-pipeline --stage-name Build --transition-type Inbound", StringComparison.Ordinal));
        Assert.Single(world.Fake.Operations, o => o == "GetPipelineState");
    }

    [Fact]
    public async Task A_commit_whose_execution_already_succeeded_is_reported_at_once_when_the_mirror_pushed_nothing_new()
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        run.Run("Deploy", world.Clock.Now).Succeed(world.Clock.Now);
        run.Status = "Succeeded";

        var result = await world.Follower().FollowAsync(Options);

        Assert.Equal("sample-service:7", result.TaskDefinition);
        Assert.Empty(world.Clock.Delays);
    }

    [Fact]
    public async Task A_checkout_that_is_not_at_the_pipelines_branch_head_is_told_that_Release_follows_the_branch()
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        run.Status = "Succeeded";

        var result = await world.Follower().FollowAsync(Options with { CheckoutCommit = NewerCommit });

        Assert.Equal(Commit, result.Commit);
        Assert.Contains("This checkout is at 9f8e7d6, not at 1a2b3c4: Release follows what the pipeline builds (main); merge your work there to release it.", world.Log.Lines);
    }

    [Fact]
    public async Task A_branch_the_mirror_never_pushed_fails_saying_what_to_check()
    {
        world.BranchHead = null;

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options));

        Assert.StartsWith("Branch main does not exist in CodeCommit repository sample-service, so there is nothing for pipeline sample-service-pipeline to build", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_pipeline_fails_pointing_at_ProvisionInfra()
    {
        world.Fake.Handlers["GetPipeline"] = _ => throw new FakeAwsError("PipelineNotFoundException", "Account '123456789012' does not have a pipeline with name 'nope'");

        var error = await Assert.ThrowsAsync<ReleaseException>(() => world.Follower().FollowAsync(Options with { PipelineName = "nope" }));

        Assert.StartsWith("Pipeline nope does not exist (Account '123456789012' does not have a pipeline with name 'nope'). Run ProvisionInfra", error.Message, StringComparison.Ordinal);
    }

    private PipelineRun DeployFails(string code, string message)
    {
        var run = world.Start(Execution);
        run.Run("Source", world.Clock.Now, Commit).Succeed(world.Clock.Now);
        run.Run("Build", world.Clock.Now, BuildId).Succeed(world.Clock.Now);
        world.Build(BuildId).Writes("built").Status = "SUCCEEDED";
        run.Run("Deploy", world.Clock.Now);
        world.Then(w =>
        {
            run.Action("Deploy").Fail(w.Clock.Now, code, message);
            run.Status = "Failed";
        });
        return run;
    }

    private void AssertInOrder(params string[] expected)
    {
        var lines = world.Log.Lines.ToList();
        var at = -1;
        foreach (var line in expected)
        {
            var next = lines.FindIndex(at + 1, l => l == line);
            Assert.True(next > at, $"'{line}' not found after line {at} in:\n{string.Join('\n', lines)}");
            at = next;
        }
    }
}
