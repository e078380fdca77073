using System.Globalization;
using System.Text.RegularExpressions;

namespace Deploy.Delivery.Quality;

/// <summary>Parses MSBuild-style diagnostics (<c>path(line,col): error ID: message [project]</c>) from dotnet build and dotnet format.</summary>
internal static partial class MsBuildDiagnostics
{
    public static IReadOnlyList<LintFinding> Parse(IEnumerable<string> output, LintContext context) =>
        output.Select(line => Diagnostic().Match(line.Trim()))
            .Where(m => m.Success)
            .Select(m => new LintFinding(context.Relative(m.Groups["file"].Value),
                int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture),
                $"{m.Groups["severity"].Value} {m.Groups["id"].Value}: {m.Groups["message"].Value.Trim()}"))
            .Distinct()
            .ToList();

    [GeneratedRegex(@"^(?<file>[^()]+)\((?<line>\d+),\d+\): (?<severity>error|warning) (?<id>[A-Za-z0-9_]+): (?<message>.*?)( \[[^\]]+\])?$")]
    private static partial Regex Diagnostic();
}
