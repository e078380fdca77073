using Deploy.Engine;

namespace Deploy.Delivery.Tests.Images;

/// <summary>An IBuildLog that keeps each line with its level, so tests can tell what a quiet CI log would show.</summary>
internal sealed class LevelLog : IBuildLog
{
    private readonly List<(string Level, string Text)> lines = [];

    public IReadOnlyList<(string Level, string Text)> Lines
    {
        get
        {
            lock (lines)
                return [.. lines];
        }
    }

    public IEnumerable<string> Texts => Lines.Select(l => l.Text);

    public bool IsQuiet => false;

    public void Information(string message) => Add("information", message);

    public void Warning(string message) => Add("warning", message);

    public void Error(string message) => Add("error", message);

    public void Debug(string message) => Add("debug", message);

    public void Write(string text) => Add("write", text);

    private void Add(string level, string text)
    {
        lock (lines)
            lines.Add((level, text));
    }
}
