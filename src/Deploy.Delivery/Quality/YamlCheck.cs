using System.Globalization;
using System.Text.RegularExpressions;
using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>yamllint (with the repository's .yamllint) over the CI files, in parsable format.</summary>
public sealed partial class YamlCheck(IReadOnlyList<string> files) : ILintCheck
{
    public string Name => "yamllint";

    public async Task<IReadOnlyList<LintFinding>> RunAsync(LintContext context, CancellationToken cancellationToken)
    {
        var existing = files.Where(f => File.Exists(Path.Combine(context.RootDirectory, f))).ToList();
        if (existing.Count == 0)
        {
            return [];
        }

        var result = await context.Tools.RunAsync("yamllint", ["--strict", "-f", "parsable", .. existing],
            new ToolOptions { WorkingDirectory = context.RootDirectory, CaptureOutput = true, EchoOutput = false, ThrowOnFailure = false },
            cancellationToken);
        var findings = Parse(result.AllOutput(), context);
        return result.ExitCode != 0 && findings.Count == 0
            ? [new LintFinding(existing[0], 1, $"yamllint exited with code {result.ExitCode}: {string.Join(" ", result.AllOutput().Take(3))}")]
            : findings;
    }

    /// <summary>Parses <c>file:line:col: [level] message (rule)</c>.</summary>
    internal static IReadOnlyList<LintFinding> Parse(IEnumerable<string> output, LintContext context) =>
        output.Select(line => ParsableLine().Match(line))
            .Where(m => m.Success)
            .Select(m => new LintFinding(context.Relative(m.Groups["file"].Value), int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture),
                $"{m.Groups["level"].Value}: {m.Groups["message"].Value} (yamllint)"))
            .ToList();

    [GeneratedRegex(@"^(?<file>[^:]+):(?<line>\d+):\d+: \[(?<level>\w+)\] (?<message>.*)$")]
    private static partial Regex ParsableLine();
}
