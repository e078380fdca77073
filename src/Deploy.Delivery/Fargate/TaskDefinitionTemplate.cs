using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deploy.Aws;
using Deploy.Aws.Ecs;

namespace Deploy.Delivery.Fargate;

/// <summary>A rendered, validated task definition: the request to register and its JSON.</summary>
public sealed record RenderedTaskDefinition(RegisterTaskDefinitionRequest Request, JsonObject Json);

/// <summary>
/// The task definition checked into the repository (<c>deploy/taskdef.json</c>): RegisterTaskDefinition's JSON with
/// <c>${NAME}</c> placeholders, and <c>${IMAGE:&lt;name&gt;}</c> for the images of further containers. Rendering fails on
/// any unknown placeholder (naming each with its file:line), on invalid JSON, and on anything the ECS model's rules
/// reject (<see cref="TaskDefinitionRules"/>), so nothing invalid reaches RegisterTaskDefinition.
/// </summary>
public sealed partial class TaskDefinitionTemplate
{
    /// <summary>The placeholder of the main image.</summary>
    public const string ImagePlaceholder = "IMAGE";

    private TaskDefinitionTemplate(string text, string source)
    {
        Text = text;
        Source = source;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>Where it came from, for messages (a path).</summary>
    public string Source { get; }

    /// <summary>Every placeholder name in order of appearance, without duplicates (<c>IMAGE</c>, <c>IMAGE:sidecar</c>, …).</summary>
    public IReadOnlyList<string> Placeholders => [.. Placeholder().Matches(Text).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>The container names of <c>${IMAGE:&lt;name&gt;}</c> placeholders.</summary>
    public IReadOnlyList<string> ContainerImageNames =>
        [.. Placeholders.Where(p => p.StartsWith(ImagePlaceholder + ":", StringComparison.Ordinal)).Select(p => p[(ImagePlaceholder.Length + 1)..])];

    public static TaskDefinitionTemplate Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new TaskDefinitionTemplateException($"The task definition template {path} does not exist.");
        }

        return new TaskDefinitionTemplate(File.ReadAllText(path), path);
    }

    public static TaskDefinitionTemplate Parse(string text, string source = "taskdef.json")
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TaskDefinitionTemplate(text, source);
    }

    /// <summary>Substitutes <paramref name="values"/> (JSON-escaped), parses and validates.</summary>
    /// <exception cref="TaskDefinitionTemplateException">Unknown placeholders, invalid JSON or rule violations, all named at once.</exception>
    public RenderedTaskDefinition Render(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var unknown = new List<string>();
        var lines = Text.Split('\n');
        var rendered = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            rendered.Append(Placeholder().Replace(line, m =>
            {
                var name = m.Groups["name"].Value;
                if (values.TryGetValue(name, out var value))
                {
                    var quoted = JsonSerializer.Serialize(value);
                    return quoted[1..^1];
                }

                unknown.Add($"{Source}:{i + 1}: unknown placeholder ${{{name}}}");
                return m.Value;
            }));
            if (i < lines.Length - 1)
            {
                rendered.Append('\n');
            }
        }

        if (unknown.Count > 0)
        {
            var known = string.Join(", ", values.Keys.Order(StringComparer.Ordinal).Select(k => $"${{{k}}}"));
            throw new TaskDefinitionTemplateException(
                $"The task definition template has {(unknown.Count == 1 ? "an unknown placeholder" : "unknown placeholders")}: {string.Join("; ", unknown)}. Known: {known}.");
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(rendered.ToString(), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new TaskDefinitionTemplateException($"{Source}: the template is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new TaskDefinitionTemplateException($"{Source}:{(e.LineNumber ?? 0) + 1}: invalid JSON: {e.Message}", e);
        }

        var violations = TaskDefinitionRules.Check(json);
        if (violations.Count > 0)
        {
            throw new TaskDefinitionTemplateException(
                $"{Source} breaks the ECS RegisterTaskDefinition rules:{string.Concat(violations.Select(v => "\n  - " + v))}");
        }

        try
        {
            var request = json.Deserialize<RegisterTaskDefinitionRequest>(AwsJson.Options)
                ?? throw new TaskDefinitionTemplateException($"{Source}: the template is empty.");
            return new RenderedTaskDefinition(request, json);
        }
        catch (JsonException e)
        {
            throw new TaskDefinitionTemplateException($"{Source}: {e.Path}: {e.Message}", e);
        }
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*(?::[^}\s]+)?)\}")]
    private static partial Regex Placeholder();
}
