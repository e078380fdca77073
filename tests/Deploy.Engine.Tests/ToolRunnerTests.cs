using Deploy.Engine;

namespace Deploy.Engine.Tests;

public sealed class ToolRunnerTests : IDisposable
{
    private readonly RecordingConsole console = new();
    private readonly SecretMasker masker = new();
    private readonly ToolRunner runner;

    public ToolRunnerTests()
    {
        var log = new ConsoleBuildLog(console, masker);
        runner = new ToolRunner(log, masker, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["GREETING"] = "hi" });
    }

    public void Dispose() => console.Dispose();

    [Fact]
    public async Task The_command_line_is_echoed_with_secrets_masked()
    {
        masker.Add("s3cr3t-value");
        await runner.RunAsync("sh", ["-c", "echo ok", "s3cr3t-value"]);
        Assert.Contains("> sh -c \"echo ok\" ***", console.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", console.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_is_captured_and_streamed()
    {
        var result = await runner.RunAsync("sh", ["-c", "echo one; echo two; echo oops >&2"], new ToolOptions { CaptureOutput = true });
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["one", "two"], result.Output);
        Assert.Equal(["oops"], result.ErrorOutput);
        Assert.Contains("one\n", console.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_child_gets_the_given_environment_plus_overrides()
    {
        var result = await runner.RunAsync(
            "sh",
            ["-c", "echo $GREETING-$EXTRA-${HOME:-none}"],
            new ToolOptions { CaptureOutput = true, EchoOutput = false, Environment = new Dictionary<string, string?> { ["EXTRA"] = "x" } });
        Assert.Equal(["hi-x-none"], result.Output);
    }

    [Fact]
    public async Task A_failure_throws_with_the_exit_code_and_last_lines_masked()
    {
        masker.Add("leaked-token");
        var error = await Assert.ThrowsAsync<ToolFailedException>(() =>
            runner.RunAsync("sh", ["-c", "echo denied leaked-token >&2; exit 3"]));
        Assert.Equal(3, error.ExitCode);
        Assert.Equal("sh", error.Tool);
        Assert.Equal("sh exited with code 3\n  denied ***", error.Message);
    }

    [Fact]
    public async Task Tools_run_in_the_default_working_directory_unless_told_otherwise()
    {
        var directory = Path.GetTempPath().TrimEnd('/');
        var tools = new ToolRunner(new ConsoleBuildLog(console, masker), masker, null, directory);
        var result = await tools.RunAsync("pwd", [], new ToolOptions { CaptureOutput = true });
        Assert.Equal([directory], result.Output);
        var root = await tools.RunAsync("pwd", [], new ToolOptions { CaptureOutput = true, WorkingDirectory = "/" });
        Assert.Equal(["/"], root.Output);
    }

    [Fact]
    public async Task ThrowOnFailure_false_returns_the_exit_code()
    {
        var result = await runner.RunAsync("sh", ["-c", "exit 4"], new ToolOptions { ThrowOnFailure = false });
        Assert.Equal(4, result.ExitCode);
    }

    [Fact]
    public async Task Standard_input_is_passed_to_the_tool()
    {
        var result = await runner.RunAsync("sh", ["-c", "read line; echo got $line"], new ToolOptions { CaptureOutput = true, StandardInput = "pw\n" });
        Assert.Equal(["got pw"], result.Output);
    }

    [Fact]
    public async Task A_missing_tool_fails_with_one_line()
    {
        var error = await Assert.ThrowsAsync<ToolFailedException>(() => runner.RunAsync("no-such-tool-xyz", []));
        Assert.StartsWith("no-such-tool-xyz could not be started", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_kills_the_tool()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync("sh", ["-c", "sleep 30"], cancellationToken: cancellation.Token));
    }
}
