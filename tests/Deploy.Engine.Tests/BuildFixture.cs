using Deploy.Engine;

namespace Deploy.Engine.Tests;

/// <summary>A console that records everything (out and error interleaved) in one writer.</summary>
internal sealed class RecordingConsole(bool isTerminal = false) : IBuildConsole, IDisposable
{
    private readonly StringWriter writer = new();

    public TextWriter Out => writer;
    public TextWriter Error => writer;
    public bool IsTerminal => isTerminal;
    public string Text => writer.ToString();

    public void Dispose() => writer.Dispose();
}

/// <summary>A temporary build root with <c>.nuke/</c> and a dictionary environment.</summary>
internal sealed class BuildFixture : IDisposable
{
    public BuildFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "engine-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, ".nuke"));
    }

    public string Root { get; }
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public void WriteParameters(string fileName, string json) =>
        File.WriteAllText(Path.Combine(Root, ".nuke", fileName), json);

    public async Task<RunResult> RunAsync<TBuild>(params string[] args)
        where TBuild : BuildBase, new() =>
        await RunAsync(new TBuild(), CancellationToken.None, args);

    public async Task<RunResult> RunAsync(BuildBase build, CancellationToken cancellationToken, params string[] args)
    {
        using var console = new RecordingConsole();
        var exitCode = await BuildRunner.RunAsync(build, args, Environment, console, Root, cancellationToken);
        return new RunResult(exitCode, console.Text);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}

internal sealed record RunResult(int ExitCode, string Output)
{
    /// <summary>The "ran X" lines the test builds log, in order.</summary>
    public IReadOnlyList<string> Ran => [.. Output.Split('\n').Where(l => l.StartsWith("ran ", StringComparison.Ordinal)).Select(l => l[4..].Trim())];

    /// <summary>The summary row of a target, e.g. "PushEcr   Succeeded   &lt; 1s   pushed".</summary>
    public string Row(string target) =>
        Output.Split('\n').Last(l => l.StartsWith(target + " ", StringComparison.Ordinal)).TrimEnd();
}
