using System.ComponentModel;
using System.Diagnostics;

namespace Deploy.Engine;

/// <summary>
/// Runs external tools: echoes the command line with secrets replaced by <c>***</c>, streams or
/// captures output (echo is off when the log is quiet), and throws <see cref="ToolFailedException"/> with the exit code and last lines.
/// </summary>
/// <param name="log">Where the command line and output are echoed.</param>
/// <param name="masker">Masks the exception message; the log masks echoed lines itself.</param>
/// <param name="environment">The child's complete environment; the process environment when null.</param>
/// <param name="workingDirectory">The default working directory; the process one when null.</param>
public sealed class ToolRunner(
    IBuildLog log, ISecretMasker? masker = null, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
{
    private const int TailLines = 10;

    /// <summary>The children's complete environment; null: this process's.</summary>
    public IReadOnlyDictionary<string, string>? Environment => environment;

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>; cancellation kills the process tree.</summary>
    public async Task<ToolResult> RunAsync(
        string fileName, IEnumerable<string> arguments, ToolOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ToolOptions();
        var argumentList = arguments.ToList();
        var tool = Path.GetFileName(fileName);
        log.Information(Mask("> " + CommandText(fileName, argumentList)));

        using var process = new Process { StartInfo = StartInfo(fileName, argumentList, options) };
        var output = new List<string>();
        var errorOutput = new List<string>();
        var tail = new Queue<string>();
        var gate = new Lock();
        void OnLine(string? line, bool isStandardOutput)
        {
            if (line is null)
                return;
            lock (gate)
            {
                if (options.CaptureOutput)
                    (isStandardOutput ? output : errorOutput).Add(line);
                tail.Enqueue(line);
                if (tail.Count > TailLines)
                    tail.Dequeue();
            }

            if (options.EchoOutput && !log.IsQuiet)
                log.Write(line);
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data, true);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, false);
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            throw new ToolFailedException($"{tool} could not be started: {exception.Message}", exception);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (options.StandardInput is not null)
            await process.StandardInput.WriteAsync(options.StandardInput);
        if (process.StartInfo.RedirectStandardInput)
            process.StandardInput.Close();

        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.WaitForExit(); // drains the asynchronous output handlers
        if (process.ExitCode != 0 && options.ThrowOnFailure)
        {
            string[] lastLines;
            lock (gate)
                lastLines = [.. tail.Select(Mask)];
            throw new ToolFailedException(tool, process.ExitCode, lastLines);
        }

        return new ToolResult(process.ExitCode, output) { ErrorOutput = errorOutput };
    }

    /// <summary>The command line as echoed: arguments with spaces or quotes are quoted.</summary>
    public static string CommandText(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(fileName).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'')
            ? argument
            : "\"" + argument.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private string Mask(string text) => masker?.Mask(text) ?? text;

    private ProcessStartInfo StartInfo(string fileName, List<string> arguments, ToolOptions options)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = options.StandardInput is not null,
            WorkingDirectory = options.WorkingDirectory ?? workingDirectory ?? "",
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        SetEnvironment(startInfo, environment, options.Environment);
        return startInfo;
    }

    /// <summary>
    /// Gives a child <paramref name="environment"/> (the build's complete environment; this process's when null) with
    /// <paramref name="extra"/> set on top, a null value removing the variable.
    /// </summary>
    public static void SetEnvironment(
        ProcessStartInfo startInfo, IReadOnlyDictionary<string, string>? environment, IReadOnlyDictionary<string, string?>? extra)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        if (environment is not null)
        {
            startInfo.Environment.Clear();
            foreach (var (name, value) in environment)
                startInfo.Environment[name] = value;
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            if (value is null)
                startInfo.Environment.Remove(name);
            else
                startInfo.Environment[name] = value;
        }
    }
}
