using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CodePipeline;

/// <summary>Executions survive a restart of the local cloud: one interrupted by the stop ends Failed with the reason, and
/// pushes after the restart start the pipeline again (the CodeCommit event cursor is durable: nothing is replayed).</summary>
[Collection(Ecs.EcsDockerTests.Name)]
public sealed class PipelineRestartTests
{
    [Fact]
    public async Task An_execution_interrupted_by_a_restart_ends_failed_with_the_reason_and_later_pushes_still_trigger()
    {
        using var state = new TempDirectory();
        var world = new PipelineWorld();
        string id;
        try
        {
            await world.StartAsync(state.Path, ["v1", "gated"]);
            await world.CreatePipelineAsync("restart", "main");
            await world.CreatePushRuleAsync("push-restart", "restart", "main");
            var commit = await world.PushAsync("main", PipelineWorld.Definitions("web", world.Images["gated"]), "gated");
            var execution = await world.WaitForExecutionAsync("restart", e => PipelineWorld.ForCommit(e, commit), _ => true, TimeSpan.FromSeconds(120), "the execution");
            id = execution["pipelineExecutionId"]!.GetValue<string>();
            await world.WaitForDeployAsync("restart", id);
            world.Cloud.AssertResponsesMatchBotocore();
        }
        finally
        {
            await world.Cloud.Instance.DisposeAsync(); // stops the cloud; the state directory stays
        }

        await using var restarted = await TestCloud.StartAsync(state.Path);
        await using var kit = new EcsTestKit(restarted);
        try
        {
            var executions = (await restarted.Cli.JsonAsync("codepipeline", "list-pipeline-executions", "--pipeline-name", "restart"))["pipelineExecutionSummaries"]!.AsArray();
            var interrupted = executions.Single(e => e!["pipelineExecutionId"]!.GetValue<string>() == id)!;
            Assert.Equal("Failed", interrupted["status"]!.GetValue<string>());
            Assert.Contains("The local cloud stopped while this execution was in progress", interrupted["statusSummary"]!.GetValue<string>(), StringComparison.Ordinal);
            var deploy = (await restarted.Cli.JsonAsync("codepipeline", "list-action-executions", "--pipeline-name", "restart", "--filter", $"pipelineExecutionId={id}"))["actionExecutionDetails"]!
                .AsArray().Single(a => a!["stageName"]!.GetValue<string>() == "Deploy")!;
            Assert.Equal("Failed", deploy["status"]!.GetValue<string>());
            Assert.Equal("The local cloud stopped while this action was in progress.", deploy["output"]!["executionResult"]!["errorDetails"]!["message"]!.GetValue<string>());
            Assert.DoesNotContain(executions, e => e!["status"]!.GetValue<string>() is "InProgress" or "Stopping");

            // No replay of the pushes from before the restart; a new push starts a new execution.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var count = executions.Count;
            Assert.Equal(count, (await restarted.Cli.JsonAsync("codepipeline", "list-pipeline-executions", "--pipeline-name", "restart"))["pipelineExecutionSummaries"]!.AsArray().Count);
            // The port changed with the restart, and so did cloneUrlHttp.
            var url = (await restarted.Cli.JsonAsync("codecommit", "get-repository", "--repository-name", PipelineWorld.Repository))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
            await world.Git.GitAsync(world.Clone, "remote", "set-url", "origin", url);
            var commit = await world.PushAsync("main", PipelineWorld.Definitions("web", world.Images["v1"]), "after the restart");
            await EcsTestKit.WaitForAsync(
                async () => (await restarted.Cli.JsonAsync("codepipeline", "list-pipeline-executions", "--pipeline-name", "restart"))["pipelineExecutionSummaries"]!.AsArray(),
                list => list.Any(e => PipelineWorld.ForCommit(e!.AsObject(), commit)), TimeSpan.FromSeconds(120), "the push after the restart to start an execution");
            restarted.AssertResponsesMatchBotocore();
        }
        finally
        {
            await world.DisposeAsync();
        }
    }
}
