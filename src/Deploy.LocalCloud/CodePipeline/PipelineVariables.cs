using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>
/// Variables in action configurations: <c>#{namespace.name}</c> from the output variables of earlier actions that
/// declared that namespace, and <c>#{variables.name}</c> from the pipeline's variables (V2 pipelines).
/// </summary>
internal static partial class PipelineVariables
{
    /// <summary>The pipeline-level variables: declared defaults, overridden by those given to StartPipelineExecution.</summary>
    public static Dictionary<string, string> Defaults(JsonObject declaration, IReadOnlyDictionary<string, string>? overrides)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in (declaration["variables"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (variable["name"]?.GetValue<string>() is { } name)
            {
                values[name] = variable["defaultValue"]?.GetValue<string>() ?? string.Empty;
            }
        }

        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        return values;
    }

    /// <summary>A copy of the configuration with every known variable replaced; <paramref name="unresolved"/> names the first unknown one.</summary>
    public static JsonObject Resolve(JsonObject configuration, Dictionary<string, Dictionary<string, string>> variables, out string? unresolved)
    {
        string? missing = null;
        var resolved = new JsonObject();
        foreach (var (key, value) in configuration)
        {
            if (value is JsonValue text && text.TryGetValue<string>(out var literal))
            {
                resolved[key] = Reference().Replace(literal, match =>
                {
                    if (variables.TryGetValue(match.Groups["namespace"].Value, out var names) && names.TryGetValue(match.Groups["name"].Value, out var found))
                    {
                        return found;
                    }

                    missing ??= match.Value;
                    return match.Value;
                });
            }
            else
            {
                resolved[key] = value?.DeepClone();
            }
        }

        unresolved = missing;
        return resolved;
    }

    [GeneratedRegex(@"#\{(?<namespace>[A-Za-z0-9@\-_]+)\.(?<name>[A-Za-z0-9@\-_.]+)\}")]
    private static partial Regex Reference();
}
