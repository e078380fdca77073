using System.Text;
using System.Text.RegularExpressions;

namespace Deploy.Delivery.Images;

/// <summary>
/// Image labels as one <c>LABEL</c> instruction at the end of the Dockerfile. The engine's classic builder turns the
/// build API's <c>labels</c> into one LABEL step per label, each a container created and committed; one instruction
/// is one step, with the same result: the labels land on the last stage's image, as with <c>--label</c>.
/// </summary>
public static partial class DockerfileLabels
{
    /// <summary>
    /// The Dockerfile with the labels appended as one LABEL instruction, or null when that would not be the same as
    /// <c>--label</c>: a value with control characters, a parser directive that changes the escape character, or a
    /// last line that continues onto the next.
    /// </summary>
    public static string? Append(string dockerfile, IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count == 0)
            return dockerfile;
        if (EscapeDirective().IsMatch(dockerfile)
            || labels.Any(l => l.Key.Length == 0 || l.Key.Any(char.IsControl) || l.Value.Any(char.IsControl)))
            return null;

        var last = dockerfile.Split('\n').Select(l => l.TrimEnd('\r', ' ', '\t')).LastOrDefault(l => l.Length > 0 && !l.TrimStart().StartsWith('#'));
        if (last is not null && last.EndsWith('\\'))
            return null;

        var text = new StringBuilder(dockerfile);
        if (dockerfile.Length > 0 && !dockerfile.EndsWith('\n'))
            text.Append('\n');
        text.Append("LABEL");
        foreach (var (key, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            text.Append(' ').Append(Quoted(key)).Append('=').Append(Quoted(value));
        return text.Append('\n').ToString();
    }

    // Inside double quotes the builder's word processing takes \ before ", $ and \ literally; $ would expand.
    private static string Quoted(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("$", "\\$", StringComparison.Ordinal) + "\"";

    // Parser directives come first; "# escape=`" makes the backquote the escape character.
    [GeneratedRegex(@"\A(\s*#\s*[a-zA-Z]+\s*=[^\n]*\n)*\s*#\s*escape\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EscapeDirective();
}
