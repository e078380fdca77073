using System.Globalization;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.State;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.State;

public sealed class StateDirectoryLockTests
{
    [Fact]
    public async Task A_second_local_cloud_on_the_same_state_directory_is_refused_naming_the_directory_and_the_holder()
    {
        using var state = new TempDirectory();
        await using var first = await new LocalCloudBuilder().WithStateDirectory(state.Path).BuildAsync();

        var error = await Assert.ThrowsAsync<StateDirectoryInUseException>(() => new LocalCloudBuilder().WithStateDirectory(state.Path).BuildAsync());

        Assert.Contains(Path.GetFullPath(state.Path), error.Message, StringComparison.Ordinal);
        Assert.Contains($"pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        // The lock is on the directory, so every file in it stays readable (.NET readers take a shared flock on files).
        // An atomic write's temporary file may be renamed away between listing and reading: gone is not locked.
        var read = 0;
        foreach (var file in Directory.EnumerateFiles(state.Path, "*", SearchOption.AllDirectories))
        {
            try
            {
                _ = await File.ReadAllBytesAsync(file);
                read++;
            }
            catch (FileNotFoundException) when (file.EndsWith(".tmp", StringComparison.Ordinal))
            {
            }
        }

        Assert.True(read > 0, "the running local cloud keeps files in its state directory");
    }

    [Fact]
    public async Task Another_process_gets_one_line_and_a_failing_exit_code_and_the_directory_is_free_again_once_the_holder_stops()
    {
        using var state = new TempDirectory();
        var first = await new LocalCloudBuilder().WithStateDirectory(state.Path).BuildAsync();

        var second = await ProcessRunner.RunAsync("dotnet", [typeof(LocalCloudInstance).Assembly.Location, "--port", "0", "--state-dir", state.Path],
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(1, second.ExitCode);
        var line = Assert.Single(second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"The state directory {Path.GetFullPath(state.Path)} is in use by another local cloud (pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)})", line, StringComparison.Ordinal);
        await first.DisposeAsync();
        await using var third = await new LocalCloudBuilder().WithStateDirectory(state.Path).BuildAsync();
        Assert.NotNull(third.Endpoint);
    }
}
