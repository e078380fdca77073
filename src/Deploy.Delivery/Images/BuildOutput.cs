using System.Text;
using System.Text.RegularExpressions;
using Deploy.Engine;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Images;

/// <summary>
/// Turns the engine's build messages into log lines: <c>Step N/M</c> lines always, the steps' output unless
/// quiet; remembers the current step and its last lines so a failure can name both.
/// </summary>
internal sealed partial class BuildOutput(IBuildLog log, bool stepLinesOnly) : IProgress<JSONMessage>
{
    private const int TailLines = 15;

    private readonly StringBuilder partial = new();
    private readonly Queue<string> stepTail = new();
    private string? step;

    /// <summary>The image id from the engine's aux message or its "Successfully built" line.</summary>
    public string? ImageId { get; private set; }

    /// <summary>The failure message: the step, the engine's error and the step's last output lines.</summary>
    public string? Failure { get; private set; }

    public void Report(JSONMessage value)
    {
        if (value.Stream is { Length: > 0 } text)
            Append(text);
        // Pull status ("Pulling from ...", "Status: Downloaded newer image ..."), without the per-layer progress.
        if (value.Status is { Length: > 0 } status && value.Progress is null && !stepLinesOnly)
            log.Information(string.IsNullOrEmpty(value.ID) ? status : $"{value.ID}: {status}");
        if (value.Aux?.ExtensionData?.TryGetValue("ID", out var id) == true && id?.ToString() is { Length: > 0 } auxId)
            ImageId = auxId;
        if ((value.Error?.Message ?? value.ErrorMessage) is { Length: > 0 } error)
            Fail(error);
    }

    /// <summary>Emits a last line that did not end with a newline.</summary>
    public void Flush()
    {
        if (partial.Length > 0)
        {
            Line(partial.ToString());
            partial.Clear();
        }
    }

    private void Append(string text)
    {
        foreach (var c in text)
        {
            if (c == '\n')
                Flush();
            else if (c != '\r')
                partial.Append(c);
        }
    }

    private void Line(string text)
    {
        // The engine colours a step's standard error; logs and exception messages want plain text.
        var line = Ansi().Replace(text, "");
        if (string.IsNullOrWhiteSpace(line))
            return;
        if (Step().IsMatch(line))
        {
            step = line;
            stepTail.Clear();
            log.Write(line);
            return;
        }

        if (Built().Match(line) is { Success: true } built)
            ImageId ??= built.Groups[1].Value;
        stepTail.Enqueue(line);
        if (stepTail.Count > TailLines)
            stepTail.Dequeue();
        if (!stepLinesOnly)
            log.Information(line);
    }

    private void Fail(string error)
    {
        Flush();
        var where = step is null ? "Image build failed" : $"Image build failed at {step}";
        var tail = stepTail.Where(l => !EngineChatter().IsMatch(l)).Select(l => "\n  " + l);
        Failure = $"{where}: {error.Trim()}{string.Concat(tail)}";
    }

    [GeneratedRegex(@"^Step \d+/\d+ : ")]
    private static partial Regex Step();

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();

    // The builder's own bookkeeping between a step's output lines.
    [GeneratedRegex(@"^( ---> |Removing intermediate container )")]
    private static partial Regex EngineChatter();

    [GeneratedRegex(@"^Successfully built ([0-9a-f]+)$")]
    private static partial Regex Built();
}
