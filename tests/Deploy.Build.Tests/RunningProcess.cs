using System.Diagnostics;
using System.Text;

namespace Deploy.Build.Tests;

/// <summary>A child process whose output is collected while it runs; it can be waited for, signalled, and is killed on dispose.</summary>
internal sealed class RunningProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();
    private readonly Lock gate = new();

    public RunningProcess(ProcessStartInfo start)
    {
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public string Output
    {
        get
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Waits until standard output contains <paramref name="text"/>; fails if the process ends first or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                lock (gate)
                {
                    Assert.Fail($"'{text}' did not appear (exited: {process.HasExited}).\n{output}\n{error}");
                }
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sends a real signal with kill(1), as a CI runner would.</summary>
    public async Task SignalAsync(string signal)
    {
        var kill = await BuildScript.RunProcessAsync("kill", ["-s", signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(kill.ExitCode == 0, kill.Error);
    }

    public async Task<BuildScript.Result> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancellation.Token);
        process.WaitForExit(); // drains the output handlers
        lock (gate)
        {
            return new BuildScript.Result(process.ExitCode, output.ToString(), error.ToString());
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            target.Append(line).Append('\n');
        }
    }
}
