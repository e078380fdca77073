using System.Text.RegularExpressions;
using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>shellcheck over the repository's shell scripts, in gcc format so every finding has a line.</summary>
public sealed partial class ShellScriptCheck(IReadOnlyList<string> scripts) : ILintCheck
{
    public string Name => "shellcheck";

    public async Task<IReadOnlyList<LintFinding>> RunAsync(LintContext context, CancellationToken cancellationToken)
    {
        var existing = scripts.Where(s => File.Exists(Path.Combine(context.RootDirectory, s))).ToList();
        if (existing.Count == 0)
        {
            return [];
        }

        var result = await context.Tools.RunAsync("shellcheck", ["-f", "gcc", .. existing],
            new ToolOptions { WorkingDirectory = context.RootDirectory, CaptureOutput = true, EchoOutput = false, ThrowOnFailure = false },
            cancellationToken);
        var findings = Parse(result.AllOutput(), context);
        return result.ExitCode != 0 && findings.Count == 0
            ? [new LintFinding(existing[0], 1, $"shellcheck exited with code {result.ExitCode}: {string.Join(" ", result.AllOutput().Take(3))}")]
            : findings;
    }

    /// <summary>Parses <c>file:line:col: severity: message [SCnnnn]</c>.</summary>
    internal static IReadOnlyList<LintFinding> Parse(IEnumerable<string> output, LintContext context) =>
        output.Select(line => GccLine().Match(line))
            .Where(m => m.Success)
            .Select(m => new LintFinding(context.Relative(m.Groups["file"].Value), int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                $"{m.Groups["severity"].Value}: {m.Groups["message"].Value} (shellcheck)"))
            .ToList();

    [GeneratedRegex(@"^(?<file>[^:]+):(?<line>\d+):\d+: (?<severity>\w+): (?<message>.*)$")]
    private static partial Regex GccLine();
}
