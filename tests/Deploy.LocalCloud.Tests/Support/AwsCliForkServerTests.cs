using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>
/// The tests' aws calls run forked from a process that imported the CLI once (<see cref="AwsCliForkServer"/>): each call
/// must print, exit and read its environment and working directory exactly as <c>aws</c> started on its own does.
/// </summary>
public sealed class AwsCliForkServerTests
{
    [Theory]
    [InlineData("--version")]
    [InlineData("no-such-command")]
    [InlineData("configure get region")]
    [InlineData("sts get-caller-identity --output json")]
    public async Task A_forked_call_prints_and_exits_as_the_aws_command_does(string command)
    {
        var arguments = command.Split(' ');
        var directory = Directory.CreateTempSubdirectory("aws-fork-").FullName;
        try
        {
            // A relative AWS_CONFIG_FILE is read from the working directory; a closed port makes the call fail the same way.
            await File.WriteAllTextAsync(Path.Combine(directory, "config"), "[default]\nregion = eu-west-3\n");
            var environment = new Dictionary<string, string>
            {
                ["AWS_CONFIG_FILE"] = "config",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
                ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
                ["AWS_SECRET_ACCESS_KEY"] = "not-a-secret",
                ["AWS_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["AWS_MAX_ATTEMPTS"] = "1",
            };

            var forked = await AwsCliForkServer.TryRunAsync(arguments, environment, inheritEnvironment: true, directory, TimeSpan.FromMinutes(1));
            var spawned = await ProcessRunner.RunAsync("/usr/bin/env", ["aws", .. arguments], environment, workingDirectory: directory);

            Assert.NotNull(forked);
            Assert.Equal(spawned.ExitCode, forked.ExitCode);
            Assert.Equal(spawned.Stdout, forked.Stdout);
            Assert.Equal(spawned.Stderr, forked.Stderr);
            Assert.True(forked.Stdout.Length + forked.Stderr.Length > 0, "every call here prints something");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
