using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Deploy.LocalCloud.Logs;

/// <summary>
/// Log events live outside <c>logs.json</c>, one JSON-lines file per stream under <c>&lt;state&gt;/logs/</c>, appended to:
/// a chatty container's next batch costs its own size on disk, not a rewrite of every event kept. A file is rewritten
/// whole only when events leave it (retention); deleting a stream or group deletes its file. Runs inside the logs state
/// lock (JsonStateFile), before <c>logs.json</c> is saved.
/// </summary>
internal sealed class LogEventFiles(string stateDirectory, Action<string>? report = null)
{
    private readonly string directory = Path.Combine(stateDirectory, "logs");
    private readonly Action<string> report = report ?? Console.Error.WriteLine;
    private HashSet<string> known = new(StringComparer.Ordinal);

    /// <summary>Fills every stream's events from its file (and takes over events an older logs.json still holds).</summary>
    public void Load(LogsState state)
    {
        Directory.CreateDirectory(directory);
        known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (groupName, group) in state.Groups)
        {
            foreach (var (streamName, stream) in group.Streams)
            {
                var path = PathOf(groupName, streamName);
                known.Add(path);
                var events = ReadLines(path).Concat(stream.LegacyEvents ?? [])
                    .DistinctBy(e => e.EventId)
                    .OrderBy(e => e.Timestamp).ThenBy(e => e.EventId)
                    .ToList();
                stream.Events = events;
                stream.Unsaved.Clear();
                if (stream.LegacyEvents is not null)
                {
                    stream.LegacyEvents = null;
                    Rewrite(path, events);
                }

                state.LastEventId = Math.Max(state.LastEventId, events.Count == 0 ? 0 : events.Max(e => e.EventId));
            }
        }
    }

    /// <summary>Writes what changed: new events appended, a stream that lost events rewritten, files of deleted streams removed.</summary>
    public void Save(LogsState state)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (groupName, group) in state.Groups)
        {
            foreach (var (streamName, stream) in group.Streams)
            {
                var path = PathOf(groupName, streamName);
                current.Add(path);
                if (stream.NeedsRewrite)
                {
                    Rewrite(path, stream.Events);
                }
                else if (stream.Unsaved.Count > 0)
                {
                    Append(path, stream.Unsaved);
                }

                stream.Unsaved.Clear();
                stream.NeedsRewrite = false;
            }
        }

        foreach (var gone in known.Except(current))
        {
            File.Delete(gone);
        }

        known = current;
    }

    /// <summary>The stream's file: a hash of group and stream names (both may hold characters a file name cannot).</summary>
    public string PathOf(string group, string stream) =>
        Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(group + "\n" + stream)))[..32] + ".jsonl");

    private IEnumerable<LogEventRecord> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        var damaged = 0;
        foreach (var line in File.ReadLines(path))
        {
            LogEventRecord? record = null;
            try
            {
                record = line.Length == 0 ? null : JsonSerializer.Deserialize<LogEventRecord>(line, Options);
            }
            catch (JsonException)
            {
                damaged++; // a line torn by a crash mid-append: the rest of the file is good
            }

            if (record is not null)
            {
                yield return record;
            }
        }

        if (damaged > 0)
        {
            report($"Log events file {path}: skipped {damaged} damaged line(s) (a write cut short); the other events are kept.");
        }
    }

    private static void Append(string path, IEnumerable<LogEventRecord> events)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write);
        stream.Write(Lines(events));
        stream.Flush(flushToDisk: true);
    }

    private static void Rewrite(string path, IEnumerable<LogEventRecord> events)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(Lines(events));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static byte[] Lines(IEnumerable<LogEventRecord> events)
    {
        var text = new StringBuilder();
        foreach (var record in events)
        {
            text.Append(JsonSerializer.Serialize(record, Options)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
