using Deploy.Engine;

namespace Deploy.Engine.Tests;

/// <summary>Checking a command line against the graph, as Lint does for CI files, without running anything.</summary>
public sealed class InvocationCheckTests : IDisposable
{
    private readonly BuildFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Theory]
    [InlineData("PushEcr")]
    [InlineData("push-ecr", "--region", "$AWS_REGION", "--max-attempts", "$ATTEMPTS", "--skip", "BuildImage")]
    [InlineData("--target", "BuildImage", "PushEcr", "--verbosity", "verbose", "--dry-run")]
    [InlineData("--help")]
    public void A_command_line_the_graph_accepts_passes_whatever_its_values_hold(params string[] args) =>
        Assert.Null(InvocationCheck.Check<DeployBuild>(args, fixture.Root));

    [Theory]
    [InlineData("Unknown target 'PushEcrr'. Did you mean 'PushEcr'?", "PushEcrr")]
    [InlineData("Unknown option '--regoin'. Did you mean '--region'?", "PushEcr", "--regoin", "eu-west-1")]
    [InlineData("Unknown target 'Build'.", "PushEcr", "--skip", "Build")]
    [InlineData("Profile 'staging' not found: .nuke/parameters.staging.json does not exist.", "PushEcr", "--profile", "staging")]
    [InlineData("Option --verbosity:", "PushEcr", "--verbosity", "loud")]
    public void A_command_line_naming_what_the_graph_lacks_gets_the_line_the_build_would_print(string expected, params string[] args)
    {
        var error = InvocationCheck.Check<DeployBuild>(args, fixture.Root);

        Assert.NotNull(error);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_in_a_profile_file_and_a_cycle_are_found_too()
    {
        fixture.WriteParameters("parameters.ci.json", """{ "Regoin": "eu-west-1" }""");

        Assert.StartsWith("Unknown parameter 'Regoin' in .nuke/parameters.ci.json.", InvocationCheck.Check<DeployBuild>(["PushEcr", "--profile", "ci"], fixture.Root), StringComparison.Ordinal);
        Assert.Equal("Circular dependency: A -> B -> A", InvocationCheck.Check<CycleBuild>(["A"], fixture.Root));
    }

    [Fact]
    public void Nothing_runs_and_requirements_are_not_checked()
    {
        // ShowSecret would throw and PushEcr requires a region: neither matters when only checking names and the plan.
        Assert.Null(InvocationCheck.Check<DeployBuild>(["ShowSecret", "PushEcr"], fixture.Root));
        Assert.Null(InvocationCheck.Check<ConfiguredBuild>(["Work", "--broken"], fixture.Root));
    }
}
