using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Deploy.Testing.Botocore;

/// <summary>A member of a structure shape: its model name, wire name and target shape.</summary>
internal sealed record ShapeMember(string Name, string WireName, string ShapeName, JsonElement Definition);

/// <summary>Reading facts from botocore shape definitions, shared by the validator and the sample generator.</summary>
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
    public static void CheckConstraints(this JsonElement shape, string path, object value, List<string> violations) =>
        shape.CheckConstraints(path, value, MessageDirection.Request, violations);

    /// <summary>
    /// Checks length/range/enum/pattern constraints of a scalar or collection; adds violations. In a response the
    /// minimum size of a list or map is not checked: AWS itself answers empty lists where the model asks for at least
    /// one entry (botocore applies its constraints to requests only).
    /// </summary>
    public static void CheckConstraints(this JsonElement shape, string path, object value, MessageDirection direction, List<string> violations)
    {
        var min = value is int && direction == MessageDirection.Response ? null : shape.Number("min");
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

    /// <summary>
    /// Checks a scalar written as text (an XML element's content or a query form value) against its shape: the text
    /// must parse as the shape's type, then meet its constraints. Timestamps follow the shape's
    /// <c>timestampFormat</c>, ISO 8601 by default as in the XML and query protocols.
    /// </summary>
    public static void CheckText(this JsonElement shape, string path, string text, List<string> violations)
    {
        var type = shape.Type();
        switch (type)
        {
            case "string":
                shape.CheckConstraints(path, text, violations);
                break;

            case "integer" or "long":
                // An integer is 32 bits wide, a long 64.
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                    && (type == "long" || whole is >= int.MinValue and <= int.MaxValue))
                {
                    shape.CheckConstraints(path, (double)whole, violations);
                }
                else
                {
                    violations.Add($"{path}: expected {type}, got '{Shorten(text)}'");
                }

                break;

            case "float" or "double":
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    shape.CheckConstraints(path, d, violations);
                }
                else if (text is not ("NaN" or "Infinity" or "-Infinity"))
                {
                    violations.Add($"{path}: expected {type}, got '{Shorten(text)}'");
                }

                break;

            case "boolean":
                if (text is not ("true" or "false"))
                {
                    violations.Add($"{path}: expected boolean (true|false), got '{Shorten(text)}'");
                }

                break;

            case "timestamp":
                shape.CheckTimestampText(path, text, "iso8601", violations);
                break;

            case "blob":
                if (!IsBase64(text))
                {
                    violations.Add($"{path}: expected blob (base64), got a value that is not base64");
                }

                break;

            default:
                violations.Add($"{path}: shape type {type} is not supported by the validator");
                break;
        }
    }

    /// <summary>Checks a timestamp written as a string, in the shape's <c>timestampFormat</c> or else <paramref name="defaultFormat"/>.</summary>
    public static void CheckTimestampText(this JsonElement shape, string path, string text, string defaultFormat, List<string> violations)
    {
        var format = shape.Text("timestampFormat") ?? defaultFormat;
        var valid = format switch
        {
            "iso8601" => IsIso8601(text),
            "rfc822" => DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        };
        if (!valid)
        {
            var expected = format switch
            {
                "iso8601" => "ISO 8601",
                "rfc822" => "RFC 822",
                _ => "epoch seconds",
            };
            violations.Add($"{path}: expected timestamp ({expected}), got '{Shorten(text)}'");
        }
    }

    /// <summary>A full ISO 8601 date and time with a zone (<c>Z</c> or an offset), as AWS writes and reads them.</summary>
    public static bool IsIso8601(string text) =>
        text.Length >= 20 && text[10] == 'T' &&
        (text.EndsWith('Z') || text[^6] is '+' or '-') &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

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

    public static string Join(string path, string name, char separator = '.') => path.Length == 0 ? name : path + separator + name;

    /// <summary>"unknown member", with a hint when only the letter case is wrong (the commonest slip).</summary>
    public static string UnknownMember(string path, string name, IEnumerable<string> known)
    {
        var near = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        return near is null ? $"{path}: unknown member" : $"{path}: unknown member (did you mean {near}?)";
    }

    /// <summary>Adds a violation for each required member of <paramref name="structure"/> whose wire name is not present.</summary>
    public static void CheckRequired(
        this JsonElement structure,
        IReadOnlyDictionary<string, ShapeMember> membersByWireName,
        Func<string, bool> isPresent,
        string path,
        List<string> violations,
        char separator = '.')
    {
        foreach (var required in structure.Required())
        {
            var wire = membersByWireName.FirstOrDefault(m => m.Value.Name == required).Key ?? required;
            if (!isPresent(wire))
            {
                violations.Add($"{Join(path, wire, separator)}: required member is missing");
            }
        }
    }

    public static string Utf8Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
