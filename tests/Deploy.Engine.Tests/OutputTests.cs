using Deploy.Engine;

namespace Deploy.Engine.Tests;

public sealed class OutputTests : IDisposable
{
    private readonly BuildFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public async Task Help_lists_targets_with_dependencies_then_parameters_with_defaults_and_sources()
    {
        fixture.Environment["MAX_ATTEMPTS"] = "5";
        fixture.WriteParameters("parameters.json", """{ "Region": "eu-west-1" }""");
        var result = await fixture.RunAsync<DeployBuild>("--help", "--timeout", "20m");
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Ran);
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"\n  BuildImage\s+Builds the image\n", result.Output);
        Assert.Matches(@"\n  PushEcr\s+Pushes \(depends on: BuildImage\)\n", result.Output);
        Assert.DoesNotContain("ShowSecret", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"--region <string>\s+AWS region \[value: eu-west-1; default: \(none\); source: \.nuke/parameters\.json\]", result.Output);
        Assert.Matches(@"--max-attempts <integer>\s+Retry attempts \[value: 5; default: 3; source: env MAX_ATTEMPTS\]", result.Output);
        Assert.Matches(@"--timeout <duration>\s+Deploy timeout \[value: 20m; default: 15m; source: --timeout\]", result.Output);
        Assert.Matches(@"--stage <dev\|pre-prod\|prod>", result.Output);
        Assert.True(result.Output.IndexOf("Targets:", StringComparison.Ordinal) < result.Output.IndexOf("Parameters:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Help_shows_secrets_as_stars()
    {
        fixture.Environment["GIT_PASSWORD"] = "hunter2-secret";
        var result = await fixture.RunAsync<DeployBuild>("-h");
        Assert.DoesNotContain("hunter2-secret", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"--git-password <string>\s+\(secret\)\s+\[value: \*\*\*; default: \(none\); source: env GIT_PASSWORD\]", result.Output);
    }

    [Fact]
    public async Task Without_a_target_or_default_the_help_is_printed()
    {
        var result = await fixture.RunAsync<HelpOnlyBuild>();
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Says hello", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Ran);
    }

    [Fact]
    public async Task Plan_prints_the_order_with_skip_reasons_writes_a_mermaid_graph_and_runs_nothing()
    {
        var result = await fixture.RunAsync<LinkBuild>("Publish", "Cleanup", "--skip", "Test", "--plan");
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Ran);
        Assert.Contains("  1. Compile (runs)", result.Output, StringComparison.Ordinal);
        Assert.Contains("  2. Test (skipped: --skip)", result.Output, StringComparison.Ordinal);
        var graphPath = Path.Combine(fixture.Root, ".nuke", "temp", "plan.mmd");
        Assert.Contains(graphPath, result.Output, StringComparison.Ordinal);
        var graph = await File.ReadAllTextAsync(graphPath);
        Assert.StartsWith("graph TD\n", graph, StringComparison.Ordinal);
        Assert.Contains("Compile -->|depends on| Test", graph, StringComparison.Ordinal);
        Assert.Contains("Publish ==>|triggers| Notify", graph, StringComparison.Ordinal);
        Assert.Contains("Publish -.->|after| Cleanup", graph, StringComparison.Ordinal);
        Assert.Contains("class Test skipped", graph, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schema_lists_parameters_and_targets_and_is_rewritten_only_when_changed()
    {
        await fixture.RunAsync<DeployBuild>("-h");
        var path = Path.Combine(fixture.Root, ".nuke", "build.schema.json");
        var schema = await File.ReadAllTextAsync(path);
        Assert.Contains("\"MaxAttempts\": {", schema, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"integer\"", schema, StringComparison.Ordinal);
        Assert.Contains("\"PreProd\"", schema, StringComparison.Ordinal);
        Assert.Contains("\"PushEcr\"", schema, StringComparison.Ordinal);
        Assert.Contains("\"Skip\": {", schema, StringComparison.Ordinal);

        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddHours(-1));
        await fixture.RunAsync<DeployBuild>("-h");
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(path));
        Assert.Equal(schema, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_schema_file_changed_or_deleted_since_the_last_run_is_written_again()
    {
        await fixture.RunAsync<DeployBuild>("-h");
        var path = Path.Combine(fixture.Root, ".nuke", "build.schema.json");
        var schema = await File.ReadAllTextAsync(path);

        await File.WriteAllTextAsync(path, "{}");
        await fixture.RunAsync<DeployBuild>("-h");
        Assert.Equal(schema, await File.ReadAllTextAsync(path));

        File.Delete(path);
        await fixture.RunAsync<DeployBuild>("-h");
        Assert.Equal(schema, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Schema_accepts_the_json_keys_it_describes()
    {
        await fixture.RunAsync<DeployBuild>("-h");
        fixture.WriteParameters("parameters.json", """{ "$schema": "./build.schema.json", "Skip": [], "Target": ["BuildImage"] }""");
        var result = await fixture.RunAsync<DeployBuild>();
        Assert.Equal(["BuildImage"], result.Ran);
    }
}

public sealed class SecretMaskingTests : IDisposable
{
    private const string Password = "hunter2-secret";
    private readonly BuildFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public async Task Secret_parameters_are_masked_in_logs_errors_and_the_summary()
    {
        var result = await fixture.RunAsync<DeployBuild>("ShowSecret", "--git-password", Password);
        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain(Password, result.Output, StringComparison.Ordinal);
        Assert.Contains("password is ***", result.Output, StringComparison.Ordinal);
        Assert.Contains("Target ShowSecret failed: bad password ***", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"ShowSecret\s+Failed\s+.+\s+bad password \*\*\*", result.Row("ShowSecret"));
    }

    [Fact]
    public async Task Runtime_secrets_are_masked_in_all_later_output()
    {
        var build = new RuntimeSecretBuild();
        var result = await fixture.RunAsync(build, CancellationToken.None, "Login");
        Assert.DoesNotContain("ecr-token-123", result.Output, StringComparison.Ordinal);
        Assert.Contains("token ***", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"Login\s+Succeeded\s+.+\s+got \*\*\*", result.Row("Login"));
    }

    [Fact]
    public void The_masker_replaces_longer_secrets_first_and_ignores_tiny_values()
    {
        var masker = new SecretMasker();
        masker.Add("abc");
        masker.Add("abcdef");
        masker.Add("x");
        Assert.Equal("*** and *** x", masker.Mask("abcdef and abc x"));
    }

    [Fact]
    public async Task A_secret_passed_as_an_argument_gets_one_warning_and_one_from_the_environment_none()
    {
        var argument = await fixture.RunAsync<DeployBuild>("Compile", "--git-password", Password);
        fixture.Environment["GIT_PASSWORD"] = Password;
        var environment = await fixture.RunAsync<DeployBuild>("Compile");

        var warning = Assert.Single(argument.Output.Split('\n'), l => l.Contains("process list", StringComparison.Ordinal));
        Assert.Contains("--git-password on the command line", warning, StringComparison.Ordinal);
        Assert.Contains("set GIT_PASSWORD in the environment", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("process list", environment.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, argument.Output + environment.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_note_with_a_list_on_following_lines_shows_its_first_line_in_the_summary_row()
    {
        var result = await fixture.RunAsync(new ListNoteBuild(), CancellationToken.None, "Prune");

        Assert.Matches(@"^Prune\s+Succeeded\s+\S.*\s+removed 2 images$", result.Row("Prune"));
        Assert.DoesNotContain(result.Output.Split('\n'), l => l.StartsWith("  old:1", StringComparison.Ordinal) && l.Contains("Succeeded", StringComparison.Ordinal));
    }

    private sealed class ListNoteBuild : BuildBase
    {
        private Target Prune => _ => _.Executes(() => Note("removed 2 images:\n  old:1\n  old:2"));
    }

    private sealed class RuntimeSecretBuild : BuildBase
    {
        private Target Login => _ => _.Executes(() =>
        {
            RegisterSecret("ecr-token-123");
            Log.Information("token ecr-token-123");
            Note("got ecr-token-123");
        });
    }
}
