using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Deploy.Delivery.Quality;

/// <summary>One line of shell in a CI file and where it starts.</summary>
public sealed record CiScriptLine(int Line, string Command);

/// <summary>
/// The shell lines of a CI file: GitLab's <c>script</c>, <c>before_script</c> and <c>after_script</c> lists (in jobs,
/// hidden jobs and <c>default</c>), and a buildspec's <c>commands</c> and <c>finally</c> lists. Block scalars
/// (<c>- |</c>) count line by line; a line ending in <c>\</c> continues on the next. <c>variables</c> hold data, not shell.
/// </summary>
public static class CiScripts
{
    private static readonly HashSet<string> ScriptKeys = new(StringComparer.Ordinal) { "script", "before_script", "after_script", "commands", "finally" };

    /// <exception cref="YamlException">The file is not valid YAML (yamllint reports it in detail).</exception>
    public static IReadOnlyList<CiScriptLine> Read(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var lines = new List<CiScriptLine>();
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        foreach (var document in stream.Documents)
        {
            Visit(document.RootNode, inScript: false, lines, seen);
        }

        return [.. lines.Distinct().OrderBy(l => l.Line)];
    }

    private static void Visit(YamlNode node, bool inScript, List<CiScriptLine> lines, HashSet<YamlNode> seen)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = (key as YamlScalarNode)?.Value;
                    if (name != "variables")
                    {
                        Visit(value, name is not null && ScriptKeys.Contains(name), lines, seen);
                    }
                }

                break;
            case YamlSequenceNode sequence when !IsReference(sequence):
                foreach (var item in sequence.Children)
                {
                    Visit(item, inScript, lines, seen);
                }

                break;
            // An anchored script reused through aliases is one script, reported where it is written.
            case YamlScalarNode { Value: { } text } scalar when inScript && seen.Add(scalar):
                lines.AddRange(Split(scalar, text));
                break;
        }
    }

    /// <summary>GitLab's <c>!reference [job, script]</c> names other lines; they are read where they are written.</summary>
    private static bool IsReference(YamlNode node) => !node.Tag.IsEmpty && node.Tag.Value == "!reference";

    private static IEnumerable<CiScriptLine> Split(YamlScalarNode scalar, string text)
    {
        // A block scalar's text starts on the line after its indicator; a flow scalar is one command where it starts.
        var block = scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded;
        var first = (int)scalar.Start.Line + (block ? 1 : 0);
        var physical = block ? text.Split('\n') : [text];
        var pending = "";
        var start = first;
        for (var i = 0; i < physical.Length; i++)
        {
            if (pending.Length == 0)
            {
                start = first + i;
            }

            var line = physical[i];
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var command = (pending + line).Trim();
            pending = "";
            if (command.Length > 0)
            {
                yield return new CiScriptLine(start, command);
            }
        }

        if (pending.Trim().Length > 0)
        {
            yield return new CiScriptLine(start, pending.Trim());
        }
    }
}
