using System.Globalization;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// Reads the driver's <c>events</c> file as it grows and turns each new line into a change of the build document:
/// <c>START &lt;PHASE&gt; &lt;ms&gt;</c>, <c>RUN &lt;command id&gt;</c>, <c>END &lt;PHASE&gt; &lt;SUCCEEDED|FAILED&gt; &lt;ms&gt; &lt;exit
/// status&gt; &lt;command id&gt;</c>, <c>DONE &lt;ms&gt; &lt;stopped&gt;</c>. Only whole lines count (the driver may be mid-write).
/// </summary>
internal sealed class DriverEvents(string path, Buildspec spec)
{
    private long offset;
    private string? runningId;

    public bool Done { get; private set; }

    /// <summary>BUILD started: UPLOAD_ARTIFACTS is attempted whatever BUILD and POST_BUILD did.</summary>
    public bool ReachedBuild { get; private set; }

    public string? RunningCommand => runningId is null ? null : BuildDriverScript.Command(spec, runningId);

    public IReadOnlyList<Action<JsonObject>> ReadNew()
    {
        if (!File.Exists(path))
        {
            return [];
        }

        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            stream.Position = offset;
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }

        var end = text.LastIndexOf('\n');
        if (end < 0)
        {
            return [];
        }

        offset += System.Text.Encoding.UTF8.GetByteCount(text[..(end + 1)]);
        var changes = new List<Action<JsonObject>>();
        foreach (var line in text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Apply(line.Split(' ')) is { } change)
            {
                changes.Add(change);
            }
        }

        return changes;
    }

    private Action<JsonObject>? Apply(string[] fields)
    {
        switch (fields)
        {
            case ["START", var phase, var ms]:
                ReachedBuild |= phase == "BUILD";
                runningId = null;
                return build => BuildPhases.Start(build, phase, Seconds(ms));
            case ["RUN", var id]:
                runningId = id;
                return null;
            case ["END", _, var state, var ms, var exitStatus, var id]:
                runningId = null;
                if (state != "FAILED")
                {
                    return build => BuildPhases.End(build, state, Seconds(ms));
                }

                var message = $"Error while executing command: {BuildDriverScript.Command(spec, id)}. Reason: exit status {exitStatus}";
                return build => BuildPhases.End(build, state, Seconds(ms), "COMMAND_EXECUTION_ERROR", message);
            case ["DONE", ..]:
                Done = true;
                return null;
            default:
                return null;
        }
    }

    private static double Seconds(string milliseconds) =>
        long.TryParse(milliseconds, CultureInfo.InvariantCulture, out var ms) ? ms / 1000.0 : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
