using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Deploy.Aws.Tests.Support;

/// <summary>A member of a structure shape: its model name, wire name and target shape.</summary>
internal sealed record ShapeMember(string Name, string WireName, string ShapeName, JsonElement Definition);

/// <summary>Reading facts from botocore shape definitions, shared by the validators and the sample generator.</summary>
internal static class ShapeFacts
{
    private static readonly ConcurrentDictionary<string, Regex?> Patterns = new(StringComparer.Ordinal);

    public static string Type(this JsonElement shape) => shape.GetProperty("type").GetString()!;

    public static bool Flag(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static string? Text(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static double? Number(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    public static IReadOnlyList<ShapeMember> Members(this JsonElement structure)
    {
        if (!structure.TryGetProperty("members", out var members))
        {
            return [];
        }

        return members.EnumerateObject()
            .Select(m => new ShapeMember(
                m.Name,
                m.Value.Text("locationName") ?? m.Name,
                m.Value.GetProperty("shape").GetString()!,
                m.Value))
            .ToList();
    }

    /// <summary>Members carried in the body (not bound to headers, URI, query string or status code).</summary>
    public static IReadOnlyList<ShapeMember> BodyMembers(this JsonElement structure) =>
        structure.Members().Where(m => m.Definition.Text("location") is null).ToList();

    public static IReadOnlyList<string> Required(this JsonElement structure) =>
        structure.TryGetProperty("required", out var required)
            ? required.EnumerateArray().Select(r => r.GetString()!).ToList()
            : [];

    public static IReadOnlyList<string>? Enum(this JsonElement shape) =>
        shape.TryGetProperty("enum", out var values) ? values.EnumerateArray().Select(v => v.GetString()!).ToList() : null;

    /// <summary>The list member reference (<c>member</c>) of a list shape.</summary>
    public static JsonElement ListMember(this JsonElement list) => list.GetProperty("member");

    public static bool IsFlattened(this JsonElement shape) => shape.Flag("flattened");

    /// <summary>The compiled pattern (full match, as AWS services apply it), or null if .NET cannot compile it.</summary>
    public static Regex? Pattern(this JsonElement shape)
    {
        var pattern = shape.Text("pattern");
        if (pattern is null)
        {
            return null;
        }

        return Patterns.GetOrAdd(pattern, p =>
        {
            try
            {
                return new Regex("^(?:" + p + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                return null;
            }
        });
    }

    /// <summary>Checks length/range/enum/pattern constraints of a scalar or collection; adds violations.</summary>
    public static void CheckConstraints(this JsonElement shape, string path, object value, List<string> violations)
    {
        var min = shape.Number("min");
        var max = shape.Number("max");
        switch (value)
        {
            case string text:
                {
                    var length = text.EnumerateRunes().Count();
                    if (min is { } lo && length < lo)
                    {
                        violations.Add($"{path}: length {length} is below the minimum {lo}");
                    }

                    if (max is { } hi && length > hi)
                    {
                        violations.Add($"{path}: length {length} is above the maximum {hi}");
                    }

                    var values = shape.Enum();
                    if (values is not null && !values.Contains(text, StringComparer.Ordinal))
                    {
                        violations.Add($"{path}: '{Shorten(text)}' is not one of {string.Join("|", values)}");
                    }
                    else if (shape.Pattern() is { } regex && !regex.IsMatch(text))
                    {
                        violations.Add($"{path}: '{Shorten(text)}' does not match the pattern {shape.Text("pattern")}");
                    }

                    break;
                }

            case double number:
                if (min is { } low && number < low)
                {
                    violations.Add($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is below the minimum {low}");
                }

                if (max is { } high && number > high)
                {
                    violations.Add($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is above the maximum {high}");
                }

                break;

            case int count:
                if (min is { } least && count < least)
                {
                    violations.Add($"{path}: {count} entries, below the minimum {least}");
                }

                if (max is { } most && count > most)
                {
                    violations.Add($"{path}: {count} entries, above the maximum {most}");
                }

                break;

            default:
                break;
        }
    }

    public static bool IsBase64(string text)
    {
        if (text.Length % 4 != 0)
        {
            return false;
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    public static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    public static string Utf8Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
