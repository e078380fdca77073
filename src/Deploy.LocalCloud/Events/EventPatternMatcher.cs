using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Events;

/// <summary>
/// Matching of a validated <see cref="EventPattern"/> against an event. A leaf field of the event yields its values (a
/// scalar, or the scalars of an array; an object or an empty array yields none, so it "does not exist" as a leaf, as
/// AWS's <c>exists</c> works on leaf nodes only); a matcher list matches when any matcher matches any value.
/// </summary>
internal static class EventPatternMatcher
{
    public static bool MatchesObject(JsonObject pattern, JsonObject? eventObject)
    {
        foreach (var (key, value) in pattern)
        {
            var matched = key == "$or"
                ? value!.AsArray().Any(alternative => MatchesObject(alternative!.AsObject(), eventObject))
                : value is JsonObject nested
                    ? MatchesNested(nested, eventObject?[key])
                    : MatchesLeaf(value!.AsArray(), Leaves(eventObject?[key], eventObject?.ContainsKey(key) == true));
            if (!matched)
            {
                return false;
            }
        }

        return true;
    }

    private static bool MatchesNested(JsonObject pattern, JsonNode? field) => field switch
    {
        JsonObject child => MatchesObject(pattern, child),
        JsonArray items => items.OfType<JsonObject>().Any(item => MatchesObject(pattern, item)) || (!items.OfType<JsonObject>().Any() && MatchesObject(pattern, null)),
        _ => MatchesObject(pattern, null),
    };

    /// <summary>The leaf values of a field: null (a JSON null) counts as a value; none when absent or not a leaf.</summary>
    private static List<JsonNode?> Leaves(JsonNode? field, bool present)
    {
        if (!present)
        {
            return [];
        }

        return field switch
        {
            JsonObject => [],
            JsonArray items => [.. items.Where(i => i is not JsonObject and not JsonArray)],
            _ => [field],
        };
    }

    private static bool MatchesLeaf(JsonArray matchers, List<JsonNode?> values) =>
        matchers.Any(matcher => matcher is JsonObject expression
            ? MatchesExpression(expression, values)
            : values.Any(value => EqualValues(matcher, value)));

    private static bool MatchesExpression(JsonObject expression, List<JsonNode?> values)
    {
        var (name, operand) = expression.First();
        if (name == "exists")
        {
            return operand!.GetValueKind() == JsonValueKind.True ? values.Count > 0 : values.Count == 0;
        }

        return values.Any(value => name switch
        {
            "prefix" => Affix(operand!, value, (text, affix, comparison) => text.StartsWith(affix, comparison)),
            "suffix" => Affix(operand!, value, (text, affix, comparison) => text.EndsWith(affix, comparison)),
            "equals-ignore-case" => Text(value) is { } text && string.Equals(text, operand!.GetValue<string>(), StringComparison.OrdinalIgnoreCase),
            "wildcard" => Text(value) is { } text && Wildcard(operand!.GetValue<string>(), text),
            "cidr" => Text(value) is { } text && IPAddress.TryParse(text, out var address) && IPNetwork.Parse(operand!.GetValue<string>()).Contains(address),
            "numeric" => value?.GetValueKind() == JsonValueKind.Number && Numeric(operand!.AsArray(), EventPattern.Number(value)),
            "anything-but" => AnythingBut(operand!, value),
            _ => false,
        });
    }

    private static bool Affix(JsonNode operand, JsonNode? value, Func<string, string, StringComparison, bool> test)
    {
        if (Text(value) is not { } text)
        {
            return false;
        }

        return operand is JsonObject ignoreCase
            ? test(text, ignoreCase["equals-ignore-case"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase)
            : test(text, operand.GetValue<string>(), StringComparison.Ordinal);
    }

    private static bool AnythingBut(JsonNode operand, JsonNode? value)
    {
        switch (operand)
        {
            case JsonObject inner:
                var (name, values) = inner.First();
                var candidates = values is JsonArray many ? many.Select(v => v!.GetValue<string>()).ToList() : [values!.GetValue<string>()];
                if (Text(value) is not { } text)
                {
                    return true;
                }

                return !candidates.Any(candidate => name switch
                {
                    "prefix" => text.StartsWith(candidate, StringComparison.Ordinal),
                    "suffix" => text.EndsWith(candidate, StringComparison.Ordinal),
                    "equals-ignore-case" => string.Equals(text, candidate, StringComparison.OrdinalIgnoreCase),
                    _ => Wildcard(candidate, text),
                });
            case JsonArray excluded:
                return !excluded.Any(e => EqualValues(e, value));
            default:
                return !EqualValues(operand, value);
        }
    }

    private static bool Numeric(JsonArray comparisons, double number)
    {
        for (var i = 0; i < comparisons.Count; i += 2)
        {
            var bound = EventPattern.Number(comparisons[i + 1]!);
            var holds = comparisons[i]!.GetValue<string>() switch
            {
                "<" => number < bound,
                "<=" => number <= bound,
                "=" => number == bound,
                ">" => number > bound,
                _ => number >= bound,
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Exact matching: strings by ordinal equality, numbers by value (5 matches 5.0), true/false/null by kind.</summary>
    private static bool EqualValues(JsonNode? expected, JsonNode? actual)
    {
        var expectedKind = expected?.GetValueKind() ?? JsonValueKind.Null;
        var actualKind = actual?.GetValueKind() ?? JsonValueKind.Null;
        if (expectedKind != actualKind)
        {
            return false;
        }

        return expectedKind switch
        {
            JsonValueKind.String => expected!.GetValue<string>() == actual!.GetValue<string>(),
            JsonValueKind.Number => EventPattern.Number(expected!) == EventPattern.Number(actual!),
            _ => true,
        };
    }

    private static string? Text(JsonNode? value) => EventPattern.IsString(value) ? value!.GetValue<string>() : null;

    /// <summary><c>*</c> matches any run of characters; <c>\*</c> and <c>\\</c> are a literal star and backslash.</summary>
    private static bool Wildcard(string pattern, string text)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length && pattern[i + 1] is '*' or '\\')
            {
                regex.Append(System.Text.RegularExpressions.Regex.Escape(pattern[++i].ToString()));
            }
            else
            {
                regex.Append(pattern[i] == '*' ? ".*" : System.Text.RegularExpressions.Regex.Escape(pattern[i].ToString()));
            }
        }

        return System.Text.RegularExpressions.Regex.IsMatch(text, regex.Append('$').ToString(), System.Text.RegularExpressions.RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }
}
