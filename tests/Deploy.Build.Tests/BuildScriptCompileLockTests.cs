using System.Diagnostics;

namespace Deploy.Build.Tests;

/// <summary>
/// build.sh compiles under a lock (one compile at a time). `dotnet build` may start the compiler server, which outlives
/// the script: it must not inherit the lock, or every later compile in that checkout waits for the server to exit (seen:
/// 20 minutes, with other checkouts keeping the shared server busy). A fake dotnet stands in for the SDK here: it
/// "compiles" by writing the dll and leaves a long-lived child behind, as the compiler server does.
/// </summary>
public sealed class BuildScriptCompileLockTests : IDisposable
{
    private const string FakeDotnet = """
        #!/usr/bin/env bash
        # A stand-in for the SDK: --version answers, build or publish (ReadyToRun) writes the output dll and leaves a
        # child running (like VBCSCompiler), running a dll prints what it was given.
        case "$1" in
          --version) echo 10.0.100 ;;
          build | publish)
            while [[ $# -gt 0 ]]; do [[ "$1" == -o ]] && out="$2"; shift; done
            mkdir -p "$out" && echo fake > "$out/_build.dll"
            (sleep 300 >/dev/null 2>&1 </dev/null &) ;;
          *) shift; echo "ran $*" ;;
        esac
        """;

    private readonly string root = Directory.CreateTempSubdirectory("deploy-lock-").FullName;
    private readonly List<int> leftovers = [];

    [Fact]
    public async Task A_compile_after_one_whose_compiler_server_lives_on_is_not_blocked_by_the_lock()
    {
        File.Copy(Path.Combine(BuildScript.Root, "build.sh"), Path.Combine(root, "build.sh"));
        Directory.CreateDirectory(Path.Combine(root, "build"));
        Directory.CreateDirectory(Path.Combine(root, "fake-sdk"));
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
            await File.WriteAllTextAsync(Path.Combine(root, file), "{}");
        await File.WriteAllTextAsync(Path.Combine(root, "build", "_build.csproj"), "<Project />");
        var dotnet = Path.Combine(root, "fake-sdk", "dotnet");
        await File.WriteAllTextAsync(dotnet, FakeDotnet.Replace("\r", "", StringComparison.Ordinal));
        const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dotnet, Executable);
            File.SetUnixFileMode(Path.Combine(root, "build.sh"), Executable);
        }

        var first = await RunAsync("--help");
        await File.WriteAllTextAsync(Path.Combine(root, "build", "Build.cs"), "// a change: the next run compiles again");
        var second = await RunAsync("--help");

        Assert.Equal((0, "ran --help"), (first.ExitCode, first.Output));
        Assert.Equal((0, "ran --help"), (second.ExitCode, second.Output));
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(root, ".nuke", "temp", "build-bin")).Length);
    }

    public void Dispose()
    {
        // The fake compiler servers: every process still holding a file under the root.
        foreach (var process in Process.GetProcessesByName("sleep"))
        {
            try
            {
                if (File.ReadAllText($"/proc/{process.Id}/environ").Contains(root, StringComparison.Ordinal))
                    process.Kill();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Gone already, or not ours.
            }
        }

        Directory.Delete(root, recursive: true);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string argument)
    {
        var start = new ProcessStartInfo(Path.Combine(root, "build.sh"), [argument])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = Path.Combine(root, "fake-sdk") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["FAKE_SDK_ROOT"] = root;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, "build.sh did not finish within 60 s (waiting for the compile lock?)");
        }

        return (process.ExitCode, (await output).Trim());
    }
}
