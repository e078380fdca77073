namespace Deploy.Engine;

/// <summary>How <see cref="ToolRunner"/> runs one command.</summary>
public sealed record ToolOptions
{
    /// <summary>The working directory; the runner's default (the build root for <c>BuildBase.Tools</c>) when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables to set on top of the runner's environment; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>Collect standard output lines into <see cref="ToolResult.Output"/>.</summary>
    public bool CaptureOutput { get; init; }

    /// <summary>Echo output lines to the log (masked). Turn off when the output itself is a secret.</summary>
    public bool EchoOutput { get; init; } = true;

    /// <summary>Throw <see cref="ToolFailedException"/> on a non-zero exit code.</summary>
    public bool ThrowOnFailure { get; init; } = true;

    /// <summary>Text written to standard input (e.g. a password for <c>--password-stdin</c>).</summary>
    public string? StandardInput { get; init; }
}

/// <summary>The exit code and, when captured, the standard output lines (unmasked, for the caller).</summary>
public sealed record ToolResult(int ExitCode, IReadOnlyList<string> Output)
{
    /// <summary>The standard error lines, when output is captured.</summary>
    public IReadOnlyList<string> ErrorOutput { get; init; } = [];
}

/// <summary>An external tool exited with a non-zero code. The message holds the last output lines, masked.</summary>
public sealed class ToolFailedException : Exception
{
    /// <summary>Creates the exception; <paramref name="lastOutput"/> must already be masked.</summary>
    public ToolFailedException(string tool, int exitCode, IReadOnlyList<string> lastOutput)
        : base($"{tool} exited with code {exitCode}" + string.Concat(lastOutput.Select(line => "\n  " + line)))
    {
        Tool = tool;
        ExitCode = exitCode;
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public ToolFailedException(string message)
        : base(message)
    {
        Tool = "";
    }

    /// <summary>Creates the exception with a custom message and cause.</summary>
    public ToolFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Tool = "";
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ToolFailedException()
        : this("A tool failed.")
    {
    }

    /// <summary>The tool's file name.</summary>
    public string Tool { get; }

    /// <summary>The exit code, or -1 when it could not be started.</summary>
    public int ExitCode { get; } = -1;
}
