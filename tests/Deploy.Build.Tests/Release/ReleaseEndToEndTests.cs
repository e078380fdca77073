using System.Text.Json.Nodes;
using Deploy.Testing.Slack;
using Xunit.Abstractions;

namespace Deploy.Build.Tests.Release;

/// <summary>
/// The delivery path executed for real on the local cloud, as a user drives it: <c>./build.sh Release</c> mirrors to
/// CodeCommit, the push starts CodePipeline through EventBridge, CodeBuild runs buildspec.yml
/// (<c>./build.sh BuildImage PushEcr --profile aws</c>) in a container with the build role's container credentials, and
/// CodePipeline's ECS action rolls the service. The tests share one clone and one platform (<see cref="ReleaseWorld"/>);
/// each starts from whatever the service serves and puts back what it broke, so their order does not matter.
/// </summary>
public sealed partial class ReleaseEndToEndTests(ReleaseWorld world, ITestOutputHelper output) : IClassFixture<ReleaseWorld>
{
    [Fact]
    public async Task A_fresh_clone_releases_through_the_pipeline_and_the_service_answers_with_the_commit()
    {
        var release = world.FirstRelease;
        output.WriteLine($"first release from a fresh clone: {world.FirstReleaseDuration.TotalSeconds:0} s");

        Assert.True(release.ExitCode == 0, release.Output + release.Error);
        Assert.Contains("ProvisionInfra   Succeeded", release.Output, StringComparison.Ordinal);
        foreach (var stage in new[] { "Source", "Build", "Deploy" })
        {
            Assert.Contains($"Stage {stage}: Succeeded", release.Output, StringComparison.Ordinal);
        }

        Assert.Contains("Running command ./build.sh BuildImage PushEcr --profile aws", release.Output, StringComparison.Ordinal);
        Assert.Contains("Release          Succeeded", release.Output, StringComparison.Ordinal);
        Assert.Equal(world.FirstCommit, world.FirstServedCommit);

        // What the aws CLI shows of it: the execution, its stages, the build's phases and its log.
        var execution = (await world.ExecutionsAsync()).Single(e => Revision(e) == world.FirstCommit);
        Assert.Equal(("Succeeded", "CloudWatchEvent"), ((string)execution["status"]!, (string)execution["trigger"]!["triggerType"]!));
        var state = await world.AwsAsync("codepipeline", "get-pipeline-state", "--name", "sample-service-pipeline");
        Assert.Equal(["Source", "Build", "Deploy"], state["stageStates"]!.AsArray().Select(s => (string)s!["stageName"]!));
        var (build, log) = await BuildOfAsync(execution);
        Assert.Equal("SUCCEEDED", (string)build["buildStatus"]!);
        Assert.Equal(world.FirstCommit, (string)build["resolvedSourceVersion"]!);
        Assert.Contains(build["phases"]!.AsArray(), p => (string)p!["phaseType"]! == "BUILD" && (string)p["phaseStatus"]! == "SUCCEEDED");
        Assert.Contains("Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED", log, StringComparison.Ordinal);
        // The project's LOCAL_CUSTOM_CACHE starts empty: the first build compiles the build project into it.
        Assert.Contains("Linking local cache for .nuke/temp", log, StringComparison.Ordinal);
        Assert.Contains("Compiling the build project", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commit_that_breaks_the_image_build_fails_Release_at_the_Build_action_with_its_log_and_one_Slack_message_while_the_service_keeps_serving()
    {
        await using var slack = await SlackReceiver.StartAsync();
        var served = await world.ServedCommitAsync();
        var broken = await world.CommitAsync("src/Deploy.SampleService/Dockerfile", d => d + "\nCOPY no-such-file-in-the-context /app/\n", "Copy a file that is not there");

        var release = await world.BuildAsync(new Dictionary<string, string> { ["SLACK_WEBHOOK_URL"] = slack.WebhookUrl.ToString() }, "Release");
        await world.RevertLastAsync();

        var text = release.Output + release.Error;
        output.WriteLine(release.Error);
        Assert.Equal(1, release.ExitCode);
        Assert.Contains("failed at stage Build, action Build (CodeBuild)", text, StringComparison.Ordinal);
        Assert.Contains("Phase: BUILD, Code: COMMAND_EXECUTION_ERROR", text, StringComparison.Ordinal);
        Assert.Contains("no-such-file-in-the-context", release.Error, StringComparison.Ordinal);
        Assert.Equal(served, await world.ServedCommitAsync());
        var message = Assert.Single(slack.Requests);
        BlockKitShape.AssertConforms(message.Body);
        Assert.Contains(broken[..8], message.Body, StringComparison.Ordinal);
        Assert.Contains("failed at stage Build", message.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(slack.Token, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commit_whose_container_crashes_fails_the_Deploy_stage_with_the_rollback_reason_while_the_previous_version_keeps_serving()
    {
        var served = await world.ServedCommitAsync();
        var crashing = await world.CommitAsync("src/Deploy.SampleService/Program.cs",
            p => p.Replace("var app = ", "if (!args.Contains(\"--no-crash\"))\n    throw new InvalidOperationException(\"this commit crashes at start-up\");\n\nvar app = ", StringComparison.Ordinal),
            "Crash at start-up");

        var release = await world.BuildAsync("Release");
        await world.RevertLastAsync();

        var text = release.Output + release.Error;
        output.WriteLine(release.Error);
        Assert.Equal(1, release.ExitCode);
        Assert.Contains("failed at stage Deploy, action Deploy (ECS)", text, StringComparison.Ordinal);
        Assert.Contains("circuit breaker", release.Error, StringComparison.Ordinal);
        Assert.Contains("this commit crashes at start-up", release.Error, StringComparison.Ordinal);
        Assert.Equal(served, await world.ServedCommitAsync());

        // A build after the first finds the compiled build project in the project's local cache (the commit changed
        // only the service): it does not compile it again.
        var (build, log) = await BuildOfAsync((await world.ExecutionsAsync()).Single(e => Revision(e) == crashing));
        Assert.Equal("SUCCEEDED", (string)build["buildStatus"]!);
        Assert.Contains("Linking local cache for .nuke/temp", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Compiling the build project", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_pushes_in_quick_succession_while_a_build_runs_end_with_the_newer_superseding_and_the_service_on_the_newest_commit()
    {
        // W builds; X and Y arrive while it does: X waits at the Build stage, and Y, arriving at the same boundary, supersedes it.
        await world.CommitAsync("release-e2e.txt", _ => "w\n", "W");
        Assert.Equal(0, (await world.BuildAsync("Mirror")).ExitCode);
        var x = await world.CommitAsync("release-e2e.txt", _ => "x\n", "X");
        Assert.Equal(0, (await world.BuildAsync("Mirror")).ExitCode);
        var y = await world.CommitAsync("release-e2e.txt", _ => "y\n", "Y");

        var release = await world.BuildAsync("Release");

        output.WriteLine(release.Output + release.Error);
        var executions = await world.ExecutionsAsync();
        output.WriteLine(string.Join('\n', executions.Select(e => $"{e["pipelineExecutionId"]} {Revision(e)} {e["status"]}")));
        Assert.True(release.ExitCode == 0, release.Output + release.Error);
        Assert.Equal(y, await world.ServedCommitAsync());
        Assert.Equal("Superseded", (string)executions.Single(e => Revision(e) == x)["status"]!);
        Assert.Equal("Succeeded", (string)executions.Single(e => Revision(e) == y)["status"]!);
    }

    /// <summary>The CodeBuild build of an execution's Build action, and its CloudWatch log, as the aws CLI reads them.</summary>
    private async Task<(JsonNode Build, string Log)> BuildOfAsync(JsonNode execution)
    {
        var actions = await world.AwsAsync("codepipeline", "list-action-executions", "--pipeline-name", "sample-service-pipeline",
            "--filter", $"pipelineExecutionId={execution["pipelineExecutionId"]}");
        var buildId = (string)actions["actionExecutionDetails"]!.AsArray().Single(a => (string)a!["stageName"]! == "Build")!["output"]!["executionResult"]!["externalExecutionId"]!;
        var build = (await world.AwsAsync("codebuild", "batch-get-builds", "--ids", buildId))["builds"]![0]!;
        var log = await world.AwsAsync("logs", "get-log-events", "--log-group-name", (string)build["logs"]!["groupName"]!,
            "--log-stream-name", (string)build["logs"]!["streamName"]!, "--start-from-head");
        return (build, string.Join('\n', log["events"]!.AsArray().Select(e => (string)e!["message"]!)));
    }

    // The execution CreatePipeline started on the empty repository has no source revision.
    private static string? Revision(JsonNode execution) => (string?)execution["sourceRevisions"]?.AsArray().FirstOrDefault()?["revisionId"];
}
