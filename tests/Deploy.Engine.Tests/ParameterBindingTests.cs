using Deploy.Engine;

namespace Deploy.Engine.Tests;

public sealed class ParameterBindingTests : IDisposable
{
    private readonly BuildFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private async Task<(RunResult Result, DeployBuild Build)> RunAsync(params string[] args)
    {
        var build = new DeployBuild();
        var result = await fixture.RunAsync(build, CancellationToken.None, [.. args, "BuildImage"]);
        return (result, build);
    }

    [Fact]
    public void Parameters_are_discovered_in_declaration_order_fields_before_properties() =>
        Assert.Equal(
            ["Region", "MaxAttempts", "Timeout", "GitPassword", "DryRun", "Tags", "Stage", "Ratio", "AwsAccount", "Label"],
            ParameterMember.Discover(typeof(DeployBuild)).Select(p => p.Name));

    [Fact]
    public async Task Initializers_are_the_defaults()
    {
        var (result, build) = await RunAsync();
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, build.MaxAttemptsValue);
        Assert.Equal(TimeSpan.FromMinutes(15), build.TimeoutValue);
        Assert.Null(build.RegionValue);
    }

    [Fact]
    public async Task Command_line_values_of_every_type_are_converted()
    {
        var (result, build) = await RunAsync(
            "--region", "eu-west-1", "--max-attempts", "5", "--timeout", "1h30m", "--dry-run", "--tags", "a", "b,c",
            "--stage", "pre-prod", "--ratio", "0.5", "--aws-account", "123456789012", "--label=x y");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("eu-west-1", build.RegionValue);
        Assert.Equal(5, build.MaxAttemptsValue);
        Assert.Equal(TimeSpan.FromMinutes(90), build.TimeoutValue);
        Assert.True(build.DryRunValue);
        Assert.Equal(["a", "b", "c"], build.TagsValue);
        Assert.Equal(Stage.PreProd, build.StageValue);
        Assert.Equal(0.5, build.RatioValue);
        Assert.Equal(123456789012, build.Account);
        Assert.Equal("x y", build.Label);
    }

    [Fact]
    public async Task A_bool_flag_followed_by_a_target_does_not_swallow_it()
    {
        var build = new DeployBuild();
        var result = await fixture.RunAsync(build, CancellationToken.None, "--dry-run", "BuildImage");
        Assert.True(build.DryRunValue);
        Assert.Equal(["BuildImage"], result.Ran);
    }

    [Fact]
    public async Task Environment_variables_match_case_and_underscore_insensitively()
    {
        fixture.Environment["MAX_ATTEMPTS"] = "7";
        fixture.Environment["region"] = "us-east-1";
        fixture.Environment["AWSACCOUNT"] = "42";
        var (_, build) = await RunAsync();
        Assert.Equal(7, build.MaxAttemptsValue);
        Assert.Equal("us-east-1", build.RegionValue);
        Assert.Equal(42, build.Account);
    }

    [Fact]
    public async Task The_command_line_wins_over_the_environment_which_wins_over_json()
    {
        fixture.WriteParameters("parameters.json", """{ "$schema": "./build.schema.json", "MaxAttempts": 4, "Region": "json", "Timeout": "90s" }""");
        fixture.Environment["MAX_ATTEMPTS"] = "5";
        var (_, build) = await RunAsync("--max-attempts", "6");
        Assert.Equal(6, build.MaxAttemptsValue);
        Assert.Equal("json", build.RegionValue);
        Assert.Equal(TimeSpan.FromSeconds(90), build.TimeoutValue);
    }

    [Fact]
    public async Task Later_profiles_win_over_earlier_ones_and_over_the_default_file()
    {
        fixture.WriteParameters("parameters.json", """{ "region": "default", "max-attempts": 1, "Tags": ["x"] }""");
        fixture.WriteParameters("parameters.dev.json", """{ "region": "dev", "MaxAttempts": 2 }""");
        fixture.WriteParameters("parameters.ci.json", """{ "Region": "ci" }""");
        var (_, build) = await RunAsync("--profile", "dev", "--profile", "ci");
        Assert.Equal("ci", build.RegionValue);
        Assert.Equal(2, build.MaxAttemptsValue);
        Assert.Equal(["x"], build.TagsValue);
        Assert.Equal(["dev", "ci"], build.Profiles);
    }

    [Fact]
    public async Task A_bad_value_fails_with_one_line_naming_the_source()
    {
        fixture.Environment["MAX_ATTEMPTS"] = "abc";
        var (result, _) = await RunAsync();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(
            "Parameter --max-attempts: 'abc' is not an integer (from environment variable MAX_ATTEMPTS).",
            result.Output,
            StringComparison.Ordinal);
        Assert.Empty(result.Ran);
    }

    [Fact]
    public async Task An_unknown_option_fails_with_a_suggestion()
    {
        var (result, _) = await RunAsync("--regoin", "x");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown option '--regoin'. Did you mean '--region'?", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_json_key_fails_with_a_suggestion()
    {
        fixture.WriteParameters("parameters.json", """{ "MaxAtempts": 4 }""");
        var (result, _) = await RunAsync();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown parameter 'MaxAtempts' in .nuke/parameters.json. Did you mean 'MaxAttempts'?", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_profile_fails()
    {
        var (result, _) = await RunAsync("--profile", "nope");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Profile 'nope' not found", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_can_name_the_targets_to_run()
    {
        fixture.WriteParameters("parameters.json", """{ "Target": ["BuildImage"] }""");
        var result = await fixture.RunAsync<DeployBuild>();
        Assert.Equal(["BuildImage"], result.Ran);
    }

    [Fact]
    public async Task Get_only_auto_properties_are_settable()
    {
        var (_, build) = await RunAsync("--aws-account", "9");
        Assert.Equal(9, build.Account);
    }
}
