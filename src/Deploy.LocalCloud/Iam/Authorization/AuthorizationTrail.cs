using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Policies;

namespace Deploy.LocalCloud.Iam.Authorization;

/// <summary>
/// One authorization decision for a role session, as the trail records it: who (the session's ARN and its role's),
/// the action, the resource, the request's condition keys, the decision and the policy and statement that decided it.
/// </summary>
internal sealed record TrailEntry(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("principal")] string Principal,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("resource")] string Resource,
    [property: JsonPropertyName("context")] IReadOnlyDictionary<string, IReadOnlyList<string>> Context,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("policy")] string? Policy,
    [property: JsonPropertyName("statement")] string? Statement)
{
    public bool IsAllowed => Decision == nameof(PolicyDecision.Allow);
}

/// <summary>
/// The record of authorization decisions, like CloudTrail's: every decision made for a role session (the administrator
/// key is never checked, so never recorded) appended as one JSON line to <c>&lt;state&gt;/iam-decisions.jsonl</c>. The
/// mutation analysis (<see cref="StatementNecessity"/>) reads it back. Appends take turns under a lock; one small line
/// per decision, written out by hand before taking it (reflection serialization cost three times as much), no
/// rewrite. The file stays open between appends (opening it per line had been the largest cost before that)
/// but nothing is buffered in the process: each line is one write to the file, so a reader (a test, a copy, the
/// analysis) sees every decision made so far, and a crash loses none. A trail file deleted meanwhile is started again.
/// </summary>
internal sealed class AuthorizationTrail(LocalCloudOptions options, TimeProvider clock) : IDisposable
{
    public const string FileName = "iam-decisions.jsonl";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly Lock gate = new();
    private FileStream? file;
    private bool disposed;

    public string FilePath { get; } = Path.Combine(options.StateDirectory, FileName);

    public void Record(string roleArn, AccessRequest request, AccessDecision decision)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decision);
        var entry = new TrailEntry(clock.GetUtcNow(), request.CallerArn, roleArn, request.Action, request.Resource, request.Context,
            decision.Decision.ToString(), decision.PolicyName, decision.StatementId);
        var line = Line(entry);
        lock (gate)
        {
            if (disposed)
            {
                // A late decision (e.g. a request finishing during shutdown) is still recorded.
                using var late = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                late.Write(line);
                return;
            }

            if (file is null || !File.Exists(FilePath))
            {
                file?.Dispose();
                file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            }

            file.Write(line);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            file?.Dispose();
            file = null;
        }
    }

    private static byte[] Line(TrailEntry entry)
    {
        var line = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(line))
        {
            WriteEntry(json, entry);
        }

        line.Write("\n"u8);
        return line.WrittenSpan.ToArray();
    }

    // By hand rather than by the serializer's reflection: a third of the cost, and the format is fixed here.
    private static void WriteEntry(Utf8JsonWriter json, TrailEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("time", entry.Time);
        json.WriteString("principal", entry.Principal);
        json.WriteString("role", entry.Role);
        json.WriteString("action", entry.Action);
        json.WriteString("resource", entry.Resource);
        json.WriteStartObject("context");
        foreach (var (key, values) in entry.Context)
        {
            json.WriteStartArray(key);
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteString("decision", entry.Decision);
        if (entry.Policy is not null)
        {
            json.WriteString("policy", entry.Policy);
        }

        if (entry.Statement is not null)
        {
            json.WriteString("statement", entry.Statement);
        }

        json.WriteEndObject();
    }

    /// <summary>The entries of a trail file (a line that is not an entry, e.g. one cut short by a crash, is skipped).</summary>
    public static IReadOnlyList<TrailEntry> Read(string path)
    {
        var entries = new List<TrailEntry>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            try
            {
                if (JsonSerializer.Deserialize<TrailEntry>(line, Json) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                // a torn last line
            }
        }

        return entries;
    }
}
