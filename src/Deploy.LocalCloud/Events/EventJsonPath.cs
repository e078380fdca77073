using System.Globalization;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Events;

/// <summary>
/// The JSON path subset EventBridge evaluates in <c>InputPath</c> and <c>InputPathsMap</c>: <c>$</c>, dot notation
/// (names with letters, digits, dashes, underscores, slashes), array indices <c>[0]</c> and wildcards (<c>.*</c>,
/// <c>[*]</c>). A path with a wildcard selects every match, as an array.
/// </summary>
internal sealed class EventJsonPath
{
    private readonly List<Step> steps;

    private EventJsonPath(string text, List<Step> steps)
    {
        Text = text;
        this.steps = steps;
    }

    public string Text { get; }

    private bool HasWildcard => steps.Any(s => s.Kind == StepKind.Wildcard);

    /// <summary>Parses <paramref name="text"/>; null when it is not a path EventBridge accepts.</summary>
    public static EventJsonPath? TryParse(string text)
    {
        if (string.IsNullOrEmpty(text) || text[0] != '$')
        {
            return null;
        }

        var steps = new List<Step>();
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var start = ++i;
                while (i < text.Length && text[i] is not ('.' or '['))
                {
                    i++;
                }

                var name = text[start..i];
                if (name == "*")
                {
                    steps.Add(new Step(StepKind.Wildcard, null, 0));
                }
                else if (name.Length == 0 || !name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '/' or '@' or ':'))
                {
                    return null;
                }
                else
                {
                    steps.Add(new Step(StepKind.Member, name, 0));
                }
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                if (end < 0)
                {
                    return null;
                }

                var inside = text[(i + 1)..end];
                if (inside == "*")
                {
                    steps.Add(new Step(StepKind.Wildcard, null, 0));
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add(new Step(StepKind.Index, null, index));
                }
                else
                {
                    return null;
                }

                i = end + 1;
            }
            else
            {
                return null;
            }
        }

        return new EventJsonPath(text, steps);
    }

    /// <summary>The selected value (null when nothing matches); with a wildcard, an array of every match.</summary>
    public JsonNode? Select(JsonNode root)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (var step in steps)
        {
            current = current.SelectMany(node => Apply(step, node)).ToList();
        }

        var matches = current.Where(n => n is not null).ToList();
        if (HasWildcard)
        {
            return matches.Count == 0 ? null : new JsonArray([.. matches.Select(m => m!.DeepClone())]);
        }

        return matches.Count == 0 ? null : matches[0]!.DeepClone();
    }

    private static IEnumerable<JsonNode?> Apply(Step step, JsonNode? node) => (step.Kind, node) switch
    {
        (StepKind.Member, JsonObject obj) when obj.TryGetPropertyValue(step.Name!, out var value) => [value],
        (StepKind.Index, JsonArray array) when step.Index < array.Count => [array[step.Index]],
        (StepKind.Wildcard, JsonObject obj) => obj.Select(p => p.Value),
        (StepKind.Wildcard, JsonArray array) => array,
        _ => [],
    };

    private enum StepKind
    {
        Member,
        Index,
        Wildcard,
    }

    private sealed record Step(StepKind Kind, string? Name, int Index);
}
