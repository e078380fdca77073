using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.Aws;
using Deploy.Aws.Ecs;

namespace Deploy.Delivery.Fargate;

/// <summary>
/// Compares task definitions by content: the registered one (as DescribeTaskDefinition returns it, read-only members
/// stripped) against a rendered one. ECS fills in defaults on registration (container <c>cpu: 0</c>, <c>essential: true</c>,
/// port protocol <c>tcp</c>, <c>hostPort</c> = <c>containerPort</c> with awsvpc, health check 30 s / 5 s / 3 retries, empty
/// lists), so both sides are brought to a canonical form first: defaults and empty members dropped, keys sorted,
/// environment sorted by name, sizes in units/MiB, tags left out. Images are compared as written, and they are pinned by
/// digest, so equal content means equal image digests.
/// </summary>
public static class TaskDefinitionDiff
{
    // Relaxed escaping: the text is compared and shown, never embedded in HTML; '&&' in a CMD-SHELL stays readable.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Whether both would run the same containers with the same settings.</summary>
    public static bool SameContent(RegisterTaskDefinitionRequest current, RegisterTaskDefinitionRequest rendered) =>
        JsonNode.DeepEquals(Canonical(current), Canonical(rendered));

    /// <summary>The canonical JSON, indented (what the diff compares line by line).</summary>
    public static string CanonicalText(RegisterTaskDefinitionRequest definition) =>
        Canonical(definition).ToJsonString(Indented).Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>
    /// A readable line diff of the canonical JSON: <c>-</c> lines only in <paramref name="current"/>, <c>+</c> lines only in
    /// <paramref name="rendered"/>, three lines of context, <c>…</c> between hunks. Everything is <c>+</c> when there is no
    /// current definition; empty when they are the same.
    /// </summary>
    public static IReadOnlyList<string> Lines(RegisterTaskDefinitionRequest? current, RegisterTaskDefinitionRequest rendered)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        var after = CanonicalText(rendered).Split('\n');
        if (current is null)
        {
            return [.. after.Select(l => "+ " + l)];
        }

        var before = CanonicalText(current).Split('\n');
        return WithContext(Diff(before, after), 3);
    }

    /// <summary>The canonical form: see the class remarks.</summary>
    public static JsonObject Canonical(RegisterTaskDefinitionRequest definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var json = JsonSerializer.SerializeToNode(definition with { Tags = null }, AwsJson.Options)!.AsObject();
        var awsvpc = json["networkMode"]?.GetValue<string>() == "awsvpc";
        if (json["cpu"]?.GetValue<string>() is { } cpu && TaskDefinitionRules.CpuUnits(cpu) is { } units)
        {
            json["cpu"] = units.ToString(CultureInfo.InvariantCulture);
        }

        if (json["memory"]?.GetValue<string>() is { } memory && TaskDefinitionRules.MemoryMiB(memory) is { } mib)
        {
            json["memory"] = mib.ToString(CultureInfo.InvariantCulture);
        }

        if (json["requiresCompatibilities"] is JsonArray compatibilities)
        {
            json["requiresCompatibilities"] = new JsonArray([.. compatibilities.Select(c => c!.GetValue<string>()).Order(StringComparer.Ordinal).Select(c => (JsonNode)c)]);
        }

        foreach (var container in (json["containerDefinitions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            DropIf(container, "cpu", n => n.GetValueKind() == JsonValueKind.Number && n.GetValue<int>() == 0);
            DropIf(container, "essential", n => n.GetValueKind() == JsonValueKind.True);
            DropIf(container, "versionConsistency", n => n.GetValueKind() == JsonValueKind.String && n.GetValue<string>() == "enabled");
            if (container["healthCheck"] is JsonObject health)
            {
                DropIf(health, "interval", n => n.GetValue<int>() == 30);
                DropIf(health, "timeout", n => n.GetValue<int>() == 5);
                DropIf(health, "retries", n => n.GetValue<int>() == 3);
            }

            foreach (var port in (container["portMappings"] as JsonArray ?? []).OfType<JsonObject>())
            {
                DropIf(port, "protocol", n => n.GetValue<string>() == "tcp");
                if (awsvpc && port["hostPort"] is { } host && port["containerPort"] is { } target && host.GetValue<int>() == target.GetValue<int>())
                {
                    port.Remove("hostPort");
                }
            }

            if (container["environment"] is JsonArray environment)
            {
                container["environment"] = new JsonArray([.. environment
                    .OfType<JsonObject>()
                    .OrderBy(e => e["name"]?.GetValue<string>(), StringComparer.Ordinal)
                    .Select(e => e.DeepClone())]);
            }
        }

        return (JsonObject)Sorted(json)!;
    }

    private static void DropIf(JsonObject owner, string member, Func<JsonNode, bool> isDefault)
    {
        if (owner[member] is { } node && isDefault(node))
        {
            owner.Remove(member);
        }
    }

    // Keys sorted, nulls and empty lists/objects dropped, recursively.
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => Empty(o) ? null : new JsonObject(o
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))
            .Where(p => p.Value is not null)),
        JsonArray a => a.Count == 0 ? null : new JsonArray([.. a.Select(Sorted).Where(e => e is not null)]),
        null => null,
        _ => node.DeepClone(),
    };

    private static bool Empty(JsonObject o) => o.All(p => Sorted(p.Value) is null);

    private static List<string> Diff(string[] before, string[] after)
    {
        // Longest common subsequence; task definitions are a few hundred lines at most.
        var lcs = new int[before.Length + 1, after.Length + 1];
        for (var i = before.Length - 1; i >= 0; i--)
        {
            for (var j = after.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = before[i] == after[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<string>();
        int x = 0, y = 0;
        while (x < before.Length || y < after.Length)
        {
            if (x < before.Length && y < after.Length && before[x] == after[y])
            {
                lines.Add("  " + before[x++]);
                y++;
            }
            else if (y < after.Length && (x == before.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                lines.Add("+ " + after[y++]);
            }
            else
            {
                lines.Add("- " + before[x++]);
            }
        }

        return lines;
    }

    private static List<string> WithContext(List<string> lines, int context)
    {
        var changed = lines.Select((l, i) => (l, i)).Where(p => p.l[0] != ' ').Select(p => p.i).ToList();
        if (changed.Count == 0)
        {
            return [];
        }

        var keep = new bool[lines.Count];
        foreach (var i in changed)
        {
            for (var k = Math.Max(0, i - context); k <= Math.Min(lines.Count - 1, i + context); k++)
            {
                keep[k] = true;
            }
        }

        var result = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (keep[i])
            {
                result.Add(lines[i]);
            }
            else if (i == 0 || keep[i - 1])
            {
                result.Add("  …");
            }
        }

        return result;
    }

    /// <summary>The diff as one block of text (for logs).</summary>
    public static string Text(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
