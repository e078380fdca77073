using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Events;

/// <summary>
/// What a rule target receives, as EventBridge documents it ("Transforming target input"): the whole event by default,
/// the constant <c>Input</c>, the part of the event <c>InputPath</c> selects, or <c>InputTransformer</c>'s template with
/// its <c>&lt;name&gt;</c> placeholders filled. The same for every target kind.
/// </summary>
internal static class TargetInput
{
    public const string RuleArnVariable = "aws.events.rule-arn";
    public const string RuleNameVariable = "aws.events.rule-name";
    public const string IngestionTimeVariable = "aws.events.event.ingestion-time";
    public const string EventVariable = "aws.events.event";
    public const string EventJsonVariable = "aws.events.event.json";

    private const int MaxVariables = 100;
    private const int MaxTemplateLength = 8192;

    private static readonly string[] InputMembers = ["Input", "InputPath", "InputTransformer"];
    private static readonly JsonSerializerOptions Minified = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The text delivered to the target for <paramref name="envelope"/>.</summary>
    /// <exception cref="InvalidOperationException">A JSON template did not produce JSON (EventBridge drops such a delivery).</exception>
    public static string Render(JsonObject target, JsonObject envelope, string ruleArn, DateTimeOffset ingestedAt)
    {
        if (target["Input"] is JsonValue input && input.TryGetValue<string>(out var constant))
        {
            return constant;
        }

        if (target["InputPath"] is JsonValue pathValue && pathValue.TryGetValue<string>(out var pathText))
        {
            var selected = EventJsonPath.TryParse(pathText)?.Select(envelope);
            return selected is null ? "null" : selected.ToJsonString(Minified);
        }

        if (target["InputTransformer"] is JsonObject transformer)
        {
            return Transform(transformer, envelope, ruleArn, ingestedAt);
        }

        return envelope.ToJsonString(Minified);
    }

    /// <summary>Checks a target's input settings as PutTargets does; throws <c>ValidationException</c> naming the target.</summary>
    public static void Validate(JsonObject target)
    {
        var id = target["Id"]?.ToString() ?? string.Empty;
        var given = InputMembers.Where(member => target[member] is not null).ToList();
        if (given.Count > 1)
        {
            throw Invalid(id, $"only one of Input, InputPath and InputTransformer may be set, not {string.Join(" and ", given)}");
        }

        if (target["Input"] is { } input)
        {
            if (!(input is JsonValue value && value.TryGetValue<string>(out var text)) || !IsJson(text))
            {
                throw Invalid(id, "Input must be valid JSON text");
            }
        }

        if (target["InputPath"] is { } path && (!(path is JsonValue pathValue && pathValue.TryGetValue<string>(out var pathText)) || EventJsonPath.TryParse(pathText) is null))
        {
            throw Invalid(id, $"InputPath {path.ToJsonString()} is not a JSON path such as $.detail");
        }

        if (target["InputTransformer"] is { } transformerNode)
        {
            ValidateTransformer(id, transformerNode as JsonObject ?? throw Invalid(id, "InputTransformer must be an object"));
        }
    }

    private static void ValidateTransformer(string id, JsonObject transformer)
    {
        var template = transformer["InputTemplate"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (template is null || template.Length is 0 or > MaxTemplateLength)
        {
            throw Invalid(id, $"InputTransformer.InputTemplate is required, 1 to {MaxTemplateLength} characters");
        }

        var paths = transformer["InputPathsMap"] as JsonObject ?? [];
        if (paths.Count > MaxVariables)
        {
            throw Invalid(id, $"InputTransformer.InputPathsMap has {paths.Count} entries; at most {MaxVariables}");
        }

        foreach (var (name, path) in paths)
        {
            if (name.StartsWith("aws.", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid(id, $"InputPathsMap key {name} is reserved (keys may not start with aws.)");
            }

            if (!(path is JsonValue pathValue && pathValue.TryGetValue<string>(out var pathText)) || EventJsonPath.TryParse(pathText) is null)
            {
                throw Invalid(id, $"InputPathsMap value for {name} is not a JSON path such as $.detail.state");
            }
        }
    }

    private static string Transform(JsonObject transformer, JsonObject envelope, string ruleArn, DateTimeOffset ingestedAt)
    {
        var template = transformer["InputTemplate"]?.GetValue<string>() ?? string.Empty;
        var variables = Variables(transformer, envelope, ruleArn, ingestedAt);
        var output = Substitute(template, variables);
        var trimmed = output.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            // A JSON template must give JSON: EventBridge passes it on minified, and fails the delivery otherwise.
            try
            {
                return JsonNode.Parse(output)!.ToJsonString(Minified);
            }
            catch (JsonException failure)
            {
                throw new InvalidOperationException($"The input template did not produce valid JSON: {failure.Message}", failure);
            }
        }

        return output;
    }

    /// <summary>Every variable the template may use: the map's paths (null when a path matches nothing), and the predefined ones.</summary>
    private static Dictionary<string, JsonNode?> Variables(JsonObject transformer, JsonObject envelope, string ruleArn, DateTimeOffset ingestedAt)
    {
        var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, path) in transformer["InputPathsMap"] as JsonObject ?? [])
        {
            variables[name] = path?.GetValue<string>() is { } text ? EventJsonPath.TryParse(text)?.Select(envelope) : null;
        }

        var withoutDetail = (JsonObject)envelope.DeepClone();
        withoutDetail.Remove("detail");
        variables[RuleArnVariable] = ruleArn;
        variables[RuleNameVariable] = ruleArn[(ruleArn.LastIndexOf('/') + 1)..];
        variables[IngestionTimeVariable] = ingestedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        variables[EventVariable] = withoutDetail;
        variables[EventJsonVariable] = envelope.DeepClone();
        return variables;
    }

    /// <summary>
    /// Fills placeholders, tracking whether each one stands inside a JSON string of the template: there a string value goes
    /// in as its bare text (not escaped, as EventBridge documents), anywhere else as JSON (a string with its quotes). A
    /// placeholder that names no variable stays as written; one whose path matched nothing becomes empty.
    /// </summary>
    private static string Substitute(string template, Dictionary<string, JsonNode?> variables)
    {
        var output = new StringBuilder(template.Length);
        var inString = false;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '\\' && inString && i + 1 < template.Length)
            {
                output.Append(c).Append(template[++i]);
                continue;
            }

            if (c == '"')
            {
                inString = !inString;
                output.Append(c);
                continue;
            }

            var close = c == '<' ? template.IndexOf('>', i + 1) : -1;
            if (close > i + 1 && IsVariableName(template.AsSpan(i + 1, close - i - 1)))
            {
                var name = template[(i + 1)..close];
                if (variables.TryGetValue(name, out var value))
                {
                    output.Append(Text(value, inString));
                    i = close;
                    continue;
                }
            }

            output.Append(c);
        }

        return output.ToString();
    }

    private static bool IsVariableName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Text(JsonNode? value, bool inString) => value switch
    {
        null => string.Empty,
        JsonValue text when inString && text.TryGetValue<string>(out var raw) => raw,
        _ => value.ToJsonString(Minified),
    };

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static AwsServiceException Invalid(string id, string reason) =>
        new("ValidationException", $"Target {id}: {reason}.");
}
