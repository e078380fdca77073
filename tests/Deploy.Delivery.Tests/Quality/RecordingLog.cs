using Deploy.Engine;

namespace Deploy.Delivery.Tests.Quality;

/// <summary>An IBuildLog that keeps every line as written (unmasked, thread-safe), for assertions.</summary>
internal sealed class RecordingLog : IBuildLog
{
    private readonly List<string> lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }

    public bool IsQuiet => false;

    public void Information(string message) => Add(message);

    public void Warning(string message) => Add(message);

    public void Error(string message) => Add(message);

    public void Debug(string message) => Add(message);

    public void Write(string text) => Add(text);

    /// <summary>Forgets the lines so far, so a test can look at what a second run logs.</summary>
    public void Clear()
    {
        lock (lines)
        {
            lines.Clear();
        }
    }

    private void Add(string line)
    {
        lock (lines)
        {
            lines.Add(line);
        }
    }
}
