using Deploy.Testing.Moto;

namespace Deploy.Build.Tests;

/// <summary>
/// GitLab cancels a job with SIGTERM (CodeBuild's StopBuild stops the process alike): ./build.sh, as a real process, gets
/// a real signal while DeployFargate waits for a rollout that moto never completes.
/// </summary>
[Collection(BuildScriptGroup.Name)]
public sealed class StopSignalTests(MotoServer moto) : IClassFixture<MotoServer>, IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);
    private readonly string work = Directory.CreateTempSubdirectory("deploy-sigterm-").FullName;

    [Fact]
    public async Task SIGTERM_during_the_DeployFargate_wait_aborts_it_with_exit_code_143_and_the_next_run_carries_on()
    {
        var platform = new MotoPlatform(moto, work);
        await platform.ArrangeAsync("v1");
        var template = Path.Combine(BuildScript.Root, "deploy", "taskdef.json");

        BuildScript.Result stopped;
        using (var build = BuildScript.Start(MotoPlatform.DeployArguments("v1", template, "30m"), platform.Aws()))
        {
            await build.WaitForOutputAsync("Waiting for sample-service to roll out sample-service:1", Generous);
            await build.SignalAsync("TERM");
            stopped = await build.WaitForExitAsync(Generous);
        }

        var all = stopped.Output + stopped.Error;
        Assert.True(stopped.ExitCode == 143, $"exit code {stopped.ExitCode}\n{all}");
        Assert.Matches(@"(?m)^DeployFargate\s+Aborted", stopped.Output);
        Assert.Contains("Build aborted.", stopped.Output, StringComparison.Ordinal);
        Assert.Contains("SIGTERM received: aborting the running target", stopped.Error, StringComparison.Ordinal);
        Assert.Contains("Target DeployFargate was aborted.", stopped.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);

        // The next run is not blocked by anything the first left: it finds the rollout the first started and waits for it
        // again (until its own, short timeout, because moto's rollouts never finish).
        var next = await BuildScript.RunProcessAsync(Path.Combine(BuildScript.Root, "build.sh"), MotoPlatform.DeployArguments("v1", template, "5s"), platform.Aws());
        Assert.True(next.ExitCode == 1, $"exit code {next.ExitCode}\n{next.Output}{next.Error}");
        Assert.Contains("Its rollout is still in progress; waiting for it.", next.Output, StringComparison.Ordinal);
        Assert.Contains("did not finish rolling out sample-service:1 within 5 s", next.Error, StringComparison.Ordinal);
        var service = await platform.CliAsync("ecs", "describe-services", "--cluster", "sample-service", "--services", "sample-service", "--query", "services[0].taskDefinition");
        Assert.EndsWith("task-definition/sample-service:1", service.GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(work, recursive: true);
}
