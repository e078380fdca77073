using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Without_arguments_the_documented_defaults_apply()
    {
        Assert.True(CommandLine.TryParse([], out var options, out _));

        Assert.Equal(4566, options.Port);
        Assert.Equal(".nuke/temp/local-cloud/state", options.StateDirectory);
        Assert.Equal("000000000000", options.AccountId);
        Assert.Equal("us-east-1", options.Region);
        Assert.Equal("local", options.AccessKeyId);
        Assert.Null(options.SecretAccessKey); // the state directory's own, made at start
        Assert.True(options.EnforceIam);
    }

    [Theory]
    [InlineData("on", true)]
    [InlineData("off", false)]
    public void Iam_enforcement_is_switched_on_or_off(string value, bool expected)
    {
        Assert.True(CommandLine.TryParse(["--iam-enforcement", value], out var options, out _));

        Assert.Equal(expected, options.EnforceIam);
    }

    [Fact]
    public void Every_option_can_be_overridden()
    {
        Assert.True(CommandLine.TryParse(
            ["--port", "0", "--state-dir", "/tmp/x", "--account-id", "123456789012", "--region", "eu-west-1", "--access-key", "k"],
            out var options, out _));

        Assert.Equal(new LocalCloudOptions { Port = 0, StateDirectory = "/tmp/x", AccountId = "123456789012", Region = "eu-west-1", AccessKeyId = "k" }, options);
    }

    [Fact]
    public void A_secret_is_not_taken_on_the_command_line_where_other_users_see_it()
    {
        Assert.False(CommandLine.TryParse(["--secret-key", "s"], out _, out var problem));

        Assert.Equal("Unknown option '--secret-key'.", problem);
    }

    [Fact]
    public void Slow_resources_names_the_types_CloudFormation_provisions_slowly_and_for_how_many_seconds()
    {
        Assert.True(CommandLine.TryParse(["--slow-resources", "AWS::Logs::LogGroup=5, AWS::ECS::Cluster=0.5"], out var options, out _));

        Assert.Equal(TimeSpan.FromSeconds(5), options.ProvisioningDelays["AWS::Logs::LogGroup"]);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ProvisioningDelays["AWS::ECS::Cluster"]);
        Assert.Empty(new LocalCloudOptions { StateDirectory = "/tmp/x" }.ProvisioningDelays);
    }

    [Theory]
    [InlineData("--slow-resources", "AWS::Logs::LogGroup")]
    [InlineData("--slow-resources", "AWS::Logs::LogGroup=soon")]
    [InlineData("--bogus", "1")]
    [InlineData("--port", "70000")]
    [InlineData("--port", "x")]
    [InlineData("--iam-enforcement", "yes")]
    public void Bad_arguments_are_reported(string name, string value)
    {
        Assert.False(CommandLine.TryParse([name, value], out _, out var problem));
        Assert.NotNull(problem);
    }
}
