using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Deploy.Engine;

namespace Deploy.Delivery.Mirror;

/// <summary>
/// Starts the mirror's git processes and reads their pipes with blocking reads on dedicated threads. Asynchronous pipe
/// reads (what <see cref="ToolRunner"/> and <c>Process.BeginOutputReadLine</c> use) set up .NET's socket event engine and
/// compile its state machines on first use, tens of milliseconds that sat between starting one git and the next in every
/// mirror; a mirror reads a few short outputs, for which a thread each is cheaper. Never blocking the thread pool.
/// </summary>
internal static class GitProcess
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Echoes and starts <c>git arguments</c> in <paramref name="directory"/> with redirected output (and input).</summary>
    /// <param name="directory">The working directory.</param>
    /// <param name="arguments">git's arguments.</param>
    /// <param name="environment">The child's complete environment (the build's); this process's when null.</param>
    /// <param name="extra">Set on top (null removes a variable).</param>
    /// <param name="redirectInput">Whether the caller writes to standard input.</param>
    /// <param name="log">Gets the command line (the log masks secrets).</param>
    public static Process Start(
        string directory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment,
        IReadOnlyDictionary<string, string?> extra, bool redirectInput, IBuildLog log)
    {
        log.Information("> " + ToolRunner.CommandText("git", arguments));
        var startInfo = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
            WorkingDirectory = directory,
        };
        if (redirectInput)
            startInfo.StandardInputEncoding = Utf8;
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        ToolRunner.SetEnvironment(startInfo, environment, extra);

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new ToolFailedException($"git could not be started: {e.Message}", e);
        }

        return process;
    }

    /// <summary>Runs a git command whose output is parsed, not shown; cancellation kills it.</summary>
    public static async Task<ToolResult> RunAsync(
        string directory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment,
        IReadOnlyDictionary<string, string?> extra, IBuildLog log, CancellationToken cancellationToken)
    {
        using var process = Start(directory, arguments, environment, extra, redirectInput: false, log);
        var errors = ReadLinesAsync(process.StandardError, isLast: null, onLine: null);
        var output = ReadLinesAsync(process.StandardOutput, isLast: null, onLine: null);
        using (cancellationToken.Register(() => Kill(process)))
        {
            var lines = await output;
            var errorLines = await errors;
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            return new ToolResult(process.ExitCode, lines ?? []) { ErrorOutput = errorLines ?? [] };
        }
    }

    /// <summary>
    /// Reads <paramref name="reader"/> on a thread of its own: lines up to the one <paramref name="isLast"/> accepts (not
    /// included), or to the end when it is null. Null when the stream ends before such a line.
    /// </summary>
    public static Task<List<string>?> ReadLinesAsync(TextReader reader, Func<string, bool>? isLast, Action<string>? onLine)
    {
        var done = new TaskCompletionSource<List<string>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        StartThread(
            () =>
            {
                var lines = new List<string>();
                while (reader.ReadLine() is { } line)
                {
                    if (isLast?.Invoke(line) == true)
                    {
                        done.TrySetResult(lines);
                        return;
                    }

                    lines.Add(line);
                    onLine?.Invoke(line);
                }

                done.TrySetResult(isLast is null ? lines : null);
            },
            done.TrySetException);
        return done.Task;
    }

    private static void StartThread(Action read, Func<Exception, bool> fail)
    {
        var thread = new Thread(() =>
        {
            try
            {
                read();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                fail(e);
            }
        })
        {
            IsBackground = true,
            Name = "git output",
        };
        thread.Start();
    }

    /// <summary>One line of <paramref name="reader"/>, read on a thread of its own; null at the end of the stream.</summary>
    public static Task<string?> ReadLineAsync(TextReader reader)
    {
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        StartThread(() => done.TrySetResult(reader.ReadLine()), done.TrySetException);
        return done.Task;
    }

    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Not running.
        }
    }
}
