using System.Diagnostics;

namespace Deploy.Testing;

/// <summary>How a process run by <see cref="ProcessRunner"/> ended, with everything it printed.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs an external tool (aws, docker, git, python3, ...) to its end and captures its output.</summary>
public static class ProcessRunner
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <paramref name="fileName"/> and waits for it. <paramref name="environment"/> is added to the inherited
    /// environment, or is the whole environment when <paramref name="inheritEnvironment"/> is false (a child that must
    /// not see the machine's HOME, git or AWS settings). <paramref name="stdin"/>, when given, is written and closed.
    /// After <paramref name="timeout"/> (2 minutes by default) the process tree is killed and a
    /// <see cref="TimeoutException"/> thrown, so a hanging tool fails its test instead of the whole run.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? stdin = null,
        TimeSpan? timeout = null,
        string? workingDirectory = null,
        bool inheritEnvironment = true)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var argumentList = arguments.ToList();
        if (fileName == "aws" && stdin is null
            && await AwsCliForkServer.TryRunAsync(argumentList, environment, inheritEnvironment, workingDirectory, timeout ?? DefaultTimeout).ConfigureAwait(false) is { } forked)
        {
            return forked;
        }

        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in argumentList)
        {
            info.ArgumentList.Add(argument);
        }

        if (!inheritEnvironment)
        {
            info.Environment.Clear();
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        // ConfigureAwait(false) throughout: the botocore loader waits for this synchronously, once, from any test thread.
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', argumentList)} timed out");
        }

        return new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
