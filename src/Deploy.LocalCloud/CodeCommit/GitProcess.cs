using System.Diagnostics;
using System.Text;

namespace Deploy.LocalCloud.CodeCommit;

/// <summary>The outcome of one git command: exit code and its output, both decoded as UTF-8.</summary>
internal sealed record GitResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs plain <c>git</c> processes for the CodeCommit emulation (plumbing reads, <c>init</c>, <c>http-backend</c>), isolated
/// from whatever git configuration the machine or the caller's environment carries.
/// </summary>
internal static class GitProcess
{
    /// <summary>A start info for <c>git &lt;arguments&gt;</c> in <paramref name="directory"/>: no <c>GIT_*</c> variables
    /// inherited, no system or global config, no prompts, C locale (messages are parsed only in tests).</summary>
    public static ProcessStartInfo StartInfo(string directory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GIT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["LC_ALL"] = "C";
        return start;
    }

    /// <summary>Runs git to completion (plumbing commands are quick; API handlers are synchronous).</summary>
    public static GitResult Run(string directory, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(directory, arguments))
                            ?? throw new InvalidOperationException("git could not be started");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new GitResult(process.ExitCode, output, error.GetAwaiter().GetResult());
    }

    /// <summary>Runs git and returns its output; a failure is an exception naming the command.</summary>
    public static string Required(string directory, params string[] arguments)
    {
        var result = Run(directory, arguments);
        return result.Succeeded
            ? result.Output
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed with exit code {result.ExitCode}: {result.Error.Trim()}");
    }
}
