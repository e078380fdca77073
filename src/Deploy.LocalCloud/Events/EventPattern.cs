using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Events;

/// <summary>
/// An EventBridge event pattern, validated when parsed (PutRule, TestEventPattern) and matched against events as AWS
/// documents: a field's array lists alternatives ("any of"), objects nest, an event array matches when any element does,
/// and every field of the pattern must match. Operators: <c>prefix</c>, <c>suffix</c>, <c>equals-ignore-case</c>,
/// <c>anything-but</c>, <c>numeric</c>, <c>exists</c>, <c>wildcard</c>, <c>cidr</c>, and <c>$or</c>.
/// </summary>
internal sealed class EventPattern
{
    private static readonly HashSet<string> NumericOperators = new(StringComparer.Ordinal) { "<", "<=", "=", ">", ">=" };

    private readonly JsonObject root;

    private EventPattern(JsonObject root) => this.root = root;

    /// <summary>Parses and validates; an invalid pattern is AWS's <c>InvalidEventPatternException</c> with the reason.</summary>
    public static EventPattern Parse(string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw Invalid("Filter is not an object");
        }

        if (node is not JsonObject pattern)
        {
            throw Invalid("Filter is not an object");
        }

        ValidateObject(pattern);
        return new EventPattern(pattern);
    }

    /// <summary>True when <paramref name="eventJson"/> (the whole event: source, detail-type, detail, …) matches.</summary>
    public bool Matches(JsonObject eventJson) => EventPatternMatcher.MatchesObject(root, eventJson);

    private static void ValidateObject(JsonObject pattern)
    {
        foreach (var (key, value) in pattern)
        {
            if (key == "$or")
            {
                if (value is not JsonArray { Count: >= 2 } alternatives || alternatives.Any(a => a is not JsonObject))
                {
                    throw Invalid("$or must be an array of at least two objects");
                }

                foreach (var alternative in alternatives)
                {
                    ValidateObject(alternative!.AsObject());
                }

                continue;
            }

            switch (value)
            {
                case JsonObject nested:
                    ValidateObject(nested);
                    break;
                case JsonArray { Count: 0 }:
                    throw Invalid("Empty arrays are not allowed");
                case JsonArray matchers:
                    foreach (var matcher in matchers)
                    {
                        ValidateMatcher(matcher);
                    }

                    break;
                default:
                    throw Invalid($"\"{key}\" must be an object or an array");
            }
        }
    }

    private static void ValidateMatcher(JsonNode? matcher)
    {
        if (matcher is null || matcher is JsonValue)
        {
            return;
        }

        if (matcher is not JsonObject { Count: 1 } expression)
        {
            throw Invalid(matcher is JsonObject ? "Only one key allowed in match expression" : "Match value must be String, number, true, false, or null");
        }

        var (name, value) = expression.First();
        switch (name)
        {
            case "prefix" or "suffix":
                RequireStringOrIgnoreCase(name, value);
                break;
            case "equals-ignore-case" or "wildcard":
                RequireString(name, value);
                break;
            case "cidr":
                if (!IsString(value) || !IPNetwork.TryParse(value!.GetValue<string>(), out _))
                {
                    throw Invalid("Malformed CIDR, one '/' required");
                }

                break;
            case "exists":
                if (value?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw Invalid("exists match pattern must be either true or false.");
                }

                break;
            case "numeric":
                ValidateNumeric(value);
                break;
            case "anything-but":
                ValidateAnythingBut(value);
                break;
            default:
                throw Invalid($"Unrecognized match type {name}");
        }
    }

    private static void ValidateNumeric(JsonNode? value)
    {
        if (value is not JsonArray { Count: 2 or 4 } parts)
        {
            throw Invalid("Value of numeric must be an array of one or two comparisons.");
        }

        for (var i = 0; i < parts.Count; i += 2)
        {
            var op = IsString(parts[i]) ? parts[i]!.GetValue<string>() : string.Empty;
            if (!NumericOperators.Contains(op))
            {
                throw Invalid($"Unrecognized numeric range operator: {parts[i]?.ToJsonString()}");
            }

            if (parts[i + 1]?.GetValueKind() != JsonValueKind.Number)
            {
                throw Invalid($"Value of {op} must be numeric");
            }
        }

        if (parts.Count == 4 && (parts[0]!.GetValue<string>() is "=" || parts[2]!.GetValue<string>() is "="))
        {
            throw Invalid("Bad numeric range: \"=\" cannot be combined with another comparison");
        }
    }

    private static void ValidateAnythingBut(JsonNode? value)
    {
        switch (value)
        {
            case JsonValue scalar when scalar.GetValueKind() is JsonValueKind.String or JsonValueKind.Number:
                return;
            case JsonArray { Count: > 0 } list when list.All(v => v?.GetValueKind() is JsonValueKind.String or JsonValueKind.Number):
                return;
            case JsonObject { Count: 1 } inner when inner.First().Key is "prefix" or "suffix" or "equals-ignore-case" or "wildcard":
                var (name, operand) = inner.First();
                if (!IsString(operand) && !(operand is JsonArray { Count: > 0 } many && many.All(IsString)))
                {
                    throw Invalid($"Value of {name} inside anything-but must be a string or an array of strings");
                }

                return;
            default:
                throw Invalid("Value of anything-but must be an array or single string/number value.");
        }
    }

    private static void RequireStringOrIgnoreCase(string name, JsonNode? value)
    {
        if (value is JsonObject { Count: 1 } inner && inner.First().Key == "equals-ignore-case" && IsString(inner.First().Value))
        {
            return;
        }

        RequireString(name, value);
    }

    private static void RequireString(string name, JsonNode? value)
    {
        if (!IsString(value))
        {
            throw Invalid($"{name} match pattern must be a string");
        }
    }

    internal static bool IsString(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String;

    internal static double Number(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static AwsServiceException Invalid(string reason) =>
        new("InvalidEventPatternException", string.Create(CultureInfo.InvariantCulture, $"Event pattern is not valid. Reason: {reason}"));
}
