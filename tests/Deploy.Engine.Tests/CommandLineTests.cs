using Deploy.Engine;

namespace Deploy.Engine.Tests;

public sealed class CommandLineTests
{
    private static CommandLine Parse(params string[] args) =>
        CommandLine.Parse(args, name => NameMatcher.Matches(name, "DryRun") ? OptionArity.OptionalBool : NameMatcher.Matches(name, "Region") ? OptionArity.One : null);

    [Fact]
    public void Positional_names_and_target_options_are_both_targets()
    {
        var commandLine = Parse("a", "--target", "b", "c", "--plan");
        Assert.Equal(["a", "b", "c"], commandLine.Targets);
        Assert.True(commandLine.Plan);
    }

    [Fact]
    public void Skip_without_values_means_skip_everything_not_invoked()
    {
        Assert.Equal([], Parse("a", "--skip").Skip);
        Assert.Null(Parse("a").Skip);
        Assert.Equal(["b", "c"], Parse("--skip", "b,c", "--target", "a").Skip);
    }

    [Fact]
    public void Built_in_switches_are_parsed()
    {
        var commandLine = Parse("--verbosity", "verbose", "--root", "/tmp", "--profile", "ci", "-h");
        Assert.Equal(Verbosity.Verbose, commandLine.Verbosity);
        Assert.Equal("/tmp", commandLine.Root);
        Assert.Equal(["ci"], commandLine.Profiles);
        Assert.True(commandLine.Help);
    }

    [Fact]
    public void A_one_value_parameter_leaves_later_arguments_as_targets()
    {
        var commandLine = Parse("--region", "eu-west-1", "Deploy");
        Assert.Equal(["Deploy"], commandLine.Targets);
        Assert.Equal(["eu-west-1"], commandLine.Options.Single().Values);
    }

    [Fact]
    public void A_bool_takes_the_next_argument_only_when_it_is_a_boolean()
    {
        Assert.Equal(["false"], Parse("--dry-run", "false").Options.Single().Values);
        var commandLine = Parse("--dry-run", "Deploy");
        Assert.Empty(commandLine.Options.Single().Values);
        Assert.Equal(["Deploy"], commandLine.Targets);
    }

    [Fact]
    public void An_invalid_verbosity_is_a_usage_error()
    {
        var error = Assert.Throws<BuildConfigurationException>(() => Parse("--verbosity", "loud"));
        Assert.Equal("Option --verbosity: 'loud' is not one of quiet, normal, verbose.", error.Message);
    }
}
