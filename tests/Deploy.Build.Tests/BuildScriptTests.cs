namespace Deploy.Build.Tests;

/// <summary>The build as users run it: ./build.sh with the real target graph.</summary>
[Collection(BuildScriptGroup.Name)]
public sealed class BuildScriptTests
{
    private static readonly string[] SevenTargets = ["Test", "Lint", "Mirror", "ProvisionInfra", "BuildImage", "PushEcr", "DeployFargate"];

    private static readonly string[] BuildPushDeploy = ["BuildImage", "PushEcr", "DeployFargate"];

    private static readonly string[] ReleaseOnTheLocalCloud = ["LocalCloud (runs)", "ProvisionInfra (runs)", "Mirror (runs)", "Release (runs)"];

    [Fact]
    public async Task Help_lists_the_seven_targets_and_exits_zero()
    {
        var result = await BuildScript.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.All(SevenTargets, target => Assert.Matches($@"(?m)^\s+{target}\s", result.Output));
    }

    [Fact]
    public async Task The_plan_for_DeployFargate_builds_and_pushes_before_deploying()
    {
        var result = await BuildScript.RunAsync("--plan", "DeployFargate");

        Assert.Equal(0, result.ExitCode);
        var order = BuildPushDeploy.Select(t => result.Output.IndexOf(t + " ", StringComparison.Ordinal)).ToList();
        Assert.All(order, index => Assert.True(index >= 0, result.Output));
        Assert.Equal(order.Order(), order);
        Assert.True(File.Exists(Path.Combine(BuildScript.Root, ".nuke", "temp", "plan.mmd")));
    }

    [Fact]
    public async Task The_plan_for_Release_on_the_local_cloud_starts_it_and_provisions_before_mirroring_and_following()
    {
        var result = await BuildScript.RunAsync("--plan", "Release");

        Assert.Equal(0, result.ExitCode);
        var order = ReleaseOnTheLocalCloud.Select(t => result.Output.IndexOf(t, StringComparison.Ordinal)).ToList();
        Assert.All(order, index => Assert.True(index >= 0, result.Output));
        Assert.Equal(order.Order(), order);
    }

    [Fact]
    public async Task In_a_GitLab_job_on_AWS_Release_mirrors_and_follows_without_provisioning_unless_ProvisionInfra_is_invoked()
    {
        var gitLab = new Dictionary<string, string> { ["GITLAB_CI"] = "true", ["CI"] = "true" };
        var script = Path.Combine(BuildScript.Root, "build.sh");

        var release = await BuildScript.RunProcessAsync(script, ["--plan", "Release", "--profile", "aws"], gitLab);
        var provision = await BuildScript.RunProcessAsync(script, ["--plan", "ProvisionInfra", "Release", "--profile", "aws"], gitLab);

        Assert.Equal(0, release.ExitCode);
        Assert.Contains("ProvisionInfra (skipped: OnlyWhenStatic(NotAGitLabJobOnAws || ProvisionInfraInvoked) was false)", release.Output, StringComparison.Ordinal);
        Assert.Contains("Mirror (runs)", release.Output, StringComparison.Ordinal);
        Assert.Contains("Release (runs)", release.Output, StringComparison.Ordinal);
        Assert.Equal(0, provision.ExitCode);
        Assert.Contains("ProvisionInfra (runs)", provision.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unknown target 'deploy-fargat'. Did you mean 'DeployFargate'?", "deploy-fargat")]
    [InlineData("Unknown option '--test-filterr'. Did you mean '--test-filter'?", "Test", "--test-filterr", "x")]
    [InlineData("'loud'", "Test", "--verbosity", "loud")]
    public async Task Bad_usage_fails_with_one_clear_line_and_exit_code_2(string expected, params string[] arguments)
    {
        var result = await BuildScript.RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines, l => !l.StartsWith("Compiling", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_target_says_why_in_one_line_without_leaking_its_secret()
    {
        const string password = "s3cr3t-git-password";

        // Mirror depends on ProvisionInfra, which needs the stack this test does not have: skip it, Mirror gets its URL given.
        var result = await BuildScript.RunAsync("Mirror", "--skip", "ProvisionInfra", "--cloud", "Aws", "--code-commit-url", "http://127.0.0.1:9/v1/repos/nowhere",
            "--git-username", "mirror-user", "--git-password", password);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"(?m)^Mirror\s+Failed", result.Output);
        Assert.Contains(result.ErrorLines, l => l.Contains("127.0.0.1:9", StringComparison.Ordinal));
        Assert.DoesNotContain(password, result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_skipped_target_shows_its_reason_in_the_plan()
    {
        var result = await BuildScript.RunAsync("--plan", "PushEcr", "--skip", "BuildImage");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"BuildImage.*skip", result.Output);
    }

    [Fact]
    public async Task A_warm_run_does_not_recompile_the_build()
    {
        await BuildScript.RunAsync("--help");

        var second = await BuildScript.RunAsync("--help");

        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotContain("Compiling the build project", second.Error, StringComparison.Ordinal);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BuildScriptGroup
{
    public const string Name = "build script";
}
