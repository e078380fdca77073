using System.Diagnostics.CodeAnalysis;

namespace Deploy.Engine;

/// <summary>How much the build prints.</summary>
public enum Verbosity
{
    /// <summary>Warnings, errors and the summary only.</summary>
    Quiet,

    /// <summary>Also information lines and target headers.</summary>
    Normal,

    /// <summary>Also debug lines and stack traces.</summary>
    Verbose,
}

/// <summary>The build's output; every line is masked for secrets.</summary>
public interface IBuildLog
{
    /// <summary>Whether information lines are suppressed.</summary>
    bool IsQuiet { get; }

    /// <summary>A normal line (hidden when quiet).</summary>
    void Information(string message);

    /// <summary>A warning line (always shown).</summary>
    void Warning(string message);

    /// <summary>An error line on standard error (always shown).</summary>
    [SuppressMessage("Naming", "CA1716", Justification = "The name mirrors TextWriter/Console conventions; the build API is C#-only.")]
    void Error(string message);

    /// <summary>A line shown only with verbose output.</summary>
    void Debug(string message);

    /// <summary>A raw line (tool output), always shown.</summary>
    void Write(string text);
}

/// <summary>Writes masked lines to an <see cref="IBuildConsole"/>.</summary>
internal sealed class ConsoleBuildLog(IBuildConsole console, SecretMasker masker) : IBuildLog
{
    // Tool output arrives on thread-pool threads; writers like StringWriter are not thread-safe.
    private readonly Lock gate = new();

    public Verbosity Verbosity { get; set; } = Verbosity.Normal;
    public bool IsQuiet => Verbosity == Verbosity.Quiet;

    public void Information(string message)
    {
        if (!IsQuiet)
            WriteLine(console.Out, message);
    }

    public void Warning(string message) => WriteLine(console.Out, "Warning: " + message);
    public void Error(string message) => WriteLine(console.Error, "Error: " + message);

    public void Debug(string message)
    {
        if (Verbosity == Verbosity.Verbose)
            WriteLine(console.Out, message);
    }

    public void Write(string text) => WriteLine(console.Out, text);

    private void WriteLine(TextWriter writer, string text)
    {
        var masked = masker.Mask(text);
        lock (gate)
        {
            writer.WriteLine(masked);
            writer.Flush();
        }
    }
}
