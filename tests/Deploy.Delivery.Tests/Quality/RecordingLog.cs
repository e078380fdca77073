using Deploy.Engine;

namespace Deploy.Delivery.Tests.Quality;

/// <summary>An IBuildLog that keeps every line, for assertions.</summary>
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

    private void Add(string line)
    {
        lock (lines)
        {
            lines.Add(line);
        }
    }
}
