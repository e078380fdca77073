using Deploy.Engine;

namespace Deploy.Engine.Tests;

public sealed class ExecutionTests : IDisposable
{
    private readonly BuildFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public async Task Targets_run_in_dependency_order_and_the_summary_shows_notes()
    {
        var result = await fixture.RunAsync<DeployBuild>("push-ecr", "--region", "eu-west-1");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["BuildImage", "PushEcr"], result.Ran);
        Assert.Matches(@"^PushEcr\s+Succeeded\s+\S.*\s+pushed$", result.Row("PushEcr"));
        Assert.Contains("Target", result.Output, StringComparison.Ordinal);
        Assert.Contains("Build succeeded.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_parameter_fails_before_anything_runs()
    {
        var result = await fixture.RunAsync<DeployBuild>("PushEcr");
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Ran);
        Assert.Contains("Target PushEcr requires parameter Region (--region or environment REGION).", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requirements_of_skipped_targets_are_not_checked()
    {
        var result = await fixture.RunAsync<DeployBuild>("PushEcr", "--skip", "PushEcr");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["BuildImage"], result.Ran);
        Assert.Matches(@"^PushEcr\s+Skipped\s+-\s+--skip$", result.Row("PushEcr"));
    }

    [Fact]
    public async Task A_failure_stops_later_targets_and_dependants_are_not_run()
    {
        var result = await fixture.RunAsync<LinkBuild>("Fail", "Test");
        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Ran);
        Assert.Contains("Target Fail failed: InvalidOperationException: boom", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"^Fail\s+Failed", result.Row("Fail"));
        Assert.Matches(@"^Test\s+NotRun", result.Row("Test"));
        Assert.Contains("Build failed.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProceedAfterFailure_keeps_running_targets_that_do_not_depend_on_the_failed_one()
    {
        var result = await fixture.RunAsync<LinkBuild>("Lint", "Test");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["Compile", "Test"], result.Ran);
        Assert.Matches(@"^Lint\s+Failed\s+.+\s+lint errors$", result.Row("Lint"));
    }

    [Fact]
    public async Task AssuredAfterFailure_targets_run_after_a_failure()
    {
        var result = await fixture.RunAsync<LinkBuild>("Fail", "Cleanup", "Test");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Cleanup", result.Ran);
        Assert.Matches(@"^Cleanup\s+Succeeded", result.Row("Cleanup"));
    }

    [Fact]
    public async Task Cancellation_aborts_the_running_target_and_assured_targets_still_run()
    {
        using var cancellation = new CancellationTokenSource();
        var build = new LinkBuild();
        var run = fixture.RunAsync(build, cancellation.Token, "Slow", "Compile", "Cleanup");
        await build.SlowStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();
        var result = await run;
        Assert.Equal(130, result.ExitCode);
        Assert.Matches(@"^Slow\s+Aborted", result.Row("Slow"));
        Assert.Matches(@"^Cleanup\s+Succeeded", result.Row("Cleanup"));
        Assert.Contains("Build aborted.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancellation_before_any_target_ran_is_reported_as_aborted_not_failed()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var result = await fixture.RunAsync(new LinkBuild(), cancellation.Token, "Test", "Cleanup");

        Assert.Equal(130, result.ExitCode);
        Assert.Matches(@"^Compile\s+NotRun", result.Row("Compile"));
        Assert.Matches(@"^Cleanup\s+Succeeded", result.Row("Cleanup"));
        Assert.Contains("Build aborted.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configuration_the_build_rejects_stops_with_one_line_and_exit_code_2_before_any_target()
    {
        var rejected = await fixture.RunAsync<ConfiguredBuild>("Work", "--broken");
        var accepted = await fixture.RunAsync<ConfiguredBuild>("Work");
        var plan = await fixture.RunAsync<ConfiguredBuild>("Work", "--broken", "--plan");

        Assert.Equal(2, rejected.ExitCode);
        Assert.Empty(rejected.Ran);
        Assert.Equal("Error: Set BROKEN to false: this build cannot run broken.", rejected.Output.Trim());
        Assert.Equal(0, accepted.ExitCode);
        Assert.Equal(["Work"], accepted.Ran);
        Assert.Equal(0, plan.ExitCode);
    }

    [Fact]
    public async Task A_false_dynamic_condition_skips_the_target_and_what_only_it_triggers()
    {
        var result = await fixture.RunAsync(new LinkBuild { RunDeploy = false }, CancellationToken.None, "Publish");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Compile", "Test"], result.Ran);
        Assert.Matches(@"^Publish\s+Skipped\s+-\s+OnlyWhenDynamic\(RunDeploy\) was false$", result.Row("Publish"));
        Assert.Matches(@"^Notify\s+Skipped\s+-\s+triggered by skipped Publish$", result.Row("Notify"));
    }

    [Fact]
    public async Task Triggered_targets_run_afterwards()
    {
        var result = await fixture.RunAsync<LinkBuild>("Publish");
        Assert.Equal(["Compile", "Test", "Publish", "Notify"], result.Ran);
    }

    [Fact]
    public async Task A_target_without_actions_is_collective()
    {
        var result = await fixture.RunAsync<LinkBuild>("All");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^All\s+Collective", result.Row("All"));
    }

    [Fact]
    public async Task A_false_static_condition_with_WhenSkipped_skip_skips_its_dependencies()
    {
        var result = await fixture.RunAsync<DefaultBuild>();
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Ran);
        Assert.Matches(@"^Deploy\s+Skipped\s+-\s+OnlyWhenStatic\(IsServerBuild\) was false$", result.Row("Deploy"));
        Assert.Matches(@"^Setup\s+Skipped\s+-\s+needed only by skipped Deploy$", result.Row("Setup"));
    }

    [Fact]
    public async Task The_default_target_runs_when_no_target_is_given()
    {
        fixture.Environment["GITLAB_CI"] = "true";
        var result = await fixture.RunAsync<DefaultBuild>();
        Assert.Equal(["Setup", "Deploy"], result.Ran);
    }

    [Fact]
    public async Task Stack_traces_are_printed_only_when_verbose()
    {
        var normal = await fixture.RunAsync<LinkBuild>("Fail");
        var verbose = await fixture.RunAsync<LinkBuild>("Fail", "--verbosity", "verbose");
        Assert.DoesNotContain("   at ", normal.Output, StringComparison.Ordinal);
        Assert.Contains("   at ", verbose.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quiet_hides_information_and_headers_but_keeps_errors_and_the_summary()
    {
        var result = await fixture.RunAsync<LinkBuild>("Fail", "Compile", "--verbosity", "quiet");
        Assert.Empty(result.Ran);
        Assert.DoesNotContain("=== Compile ===", result.Output, StringComparison.Ordinal);
        Assert.Contains("Target Fail failed", result.Output, StringComparison.Ordinal);
        Assert.Contains("Build failed.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitLab_gets_an_expanded_section_per_target_and_the_error_repeated_after_it()
    {
        fixture.Environment["GITLAB_CI"] = "true";
        var result = await fixture.RunAsync<LinkBuild>("Fail");
        Assert.Matches("\u001b\\[0Ksection_start:\\d+:target_0_fail\r\u001b\\[0K=== Fail ===", result.Output);
        Assert.DoesNotContain("collapsed", result.Output, StringComparison.Ordinal);
        var sectionEnd = result.Output.IndexOf("section_end:", StringComparison.Ordinal);
        Assert.True(sectionEnd > 0);
        Assert.Contains("Target Fail failed", result.Output[sectionEnd..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_target_names_fail_the_run()
    {
        var result = await fixture.RunAsync<DuplicateBuild>("PushEcr");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Duplicate target names: 'PushEcr' and 'Push_Ecr'", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dependency_cycle_fails_the_run_naming_the_path()
    {
        var result = await fixture.RunAsync<CycleBuild>("A");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Circular dependency: A -> B -> A", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_target_fails_with_a_suggestion()
    {
        var result = await fixture.RunAsync<DeployBuild>("pushecr2");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown target 'pushecr2'. Did you mean 'PushEcr'?", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_build_sees_invoked_targets_root_and_environment()
    {
        var build = new DeployBuild();
        fixture.Environment["REGION"] = "eu-west-1";
        await fixture.RunAsync(build, CancellationToken.None, "--target", "push_ecr");
        Assert.Equal(["PushEcr"], build.InvokedTargets);
        Assert.Equal(fixture.Root, build.RootDirectory);
        Assert.Equal("eu-west-1", build.Environment["REGION"]);
        Assert.True(build.IsLocalBuild);
        Assert.Equal(Path.Combine(fixture.Root, ".nuke", "temp"), build.TemporaryDirectory);
    }

    [Fact]
    public async Task A_required_condition_that_does_not_hold_fails_before_anything_runs()
    {
        var result = await fixture.RunAsync(new LinkBuild { RunDeploy = false }, CancellationToken.None, "Compile", "Guarded");
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Ran);
        Assert.Contains("Target Guarded requires condition RunDeploy.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_requirement_that_throws_fails_with_its_text_and_the_message()
    {
        var result = await fixture.RunAsync(new GuardedBuild(), CancellationToken.None, "Publish");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Target Publish requires condition Ready(), which threw: no token file.", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_condition_is_printed_as_written()
    {
        var result = await fixture.RunAsync(new GuardedBuild(), CancellationToken.None, "Announce");
        Assert.Matches(@"^Announce\s+Skipped\s+-\s+OnlyWhenStatic\(Level == Verbosity.Quiet && Ready\(\)\) was false$", result.Row("Announce"));
    }

    private sealed class GuardedBuild : BuildBase
    {
        private Verbosity Level { get; } = Verbosity.Normal;

        private Target Publish => _ => _.Requires(() => Ready()).Executes(() => { });

        private Target Announce => _ => _.OnlyWhenStatic(() => Level == Verbosity.Quiet &&
            Ready()).Executes(() => { });

        private bool Ready() => Level == Verbosity.Verbose ? true : throw new FileNotFoundException("no token file.");
    }

    [Fact]
    public async Task Static_conditions_can_read_the_invoked_targets()
    {
        var result = await fixture.RunAsync<LinkBuild>("only-invoked");
        Assert.Equal(["OnlyInvoked"], result.Ran);
    }

    [Fact]
    public async Task An_unknown_skip_name_fails_with_a_suggestion()
    {
        var result = await fixture.RunAsync<LinkBuild>("Test", "--skip", "Compil");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown target 'Compil'. Did you mean 'Compile'?", result.Output, StringComparison.Ordinal);
    }
}
