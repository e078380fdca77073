using System.Diagnostics.CodeAnalysis;

namespace Deploy.Engine;

/// <summary>Where the build writes; tests pass <see cref="StringWriter"/>s.</summary>
public interface IBuildConsole
{
    /// <summary>Standard output.</summary>
    TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    [SuppressMessage("Naming", "CA1716", Justification = "The name mirrors TextWriter/Console conventions; the build API is C#-only.")]
    TextWriter Error { get; }

    /// <summary>Whether output goes to an interactive terminal (not redirected).</summary>
    bool IsTerminal { get; }
}

/// <summary>The process console.</summary>
public sealed class SystemConsole : IBuildConsole
{
    /// <inheritdoc />
    public TextWriter Out => Console.Out;

    /// <inheritdoc />
    public TextWriter Error => Console.Error;

    /// <inheritdoc />
    public bool IsTerminal => !Console.IsOutputRedirected;
}
