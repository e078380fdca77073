using System.Text.RegularExpressions;
using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>
/// shellcheck over the repository's shell scripts, in gcc format so every finding has a line. With no explicit
/// list it finds them: every <c>*.sh</c>, and extension-less files with a shell shebang (such as <c>.ci/run</c>).
/// </summary>
public sealed partial class ShellScriptCheck(IReadOnlyList<string>? scripts = null) : ILintCheck
{
    public string Name => "shellcheck";

    public async Task<IReadOnlyList<LintFinding>> RunAsync(LintContext context, CancellationToken cancellationToken)
    {
        var existing = (scripts ?? Discover(context.RootDirectory).Select(context.Relative).ToList())
            .Where(s => File.Exists(Path.Combine(context.RootDirectory, s))).ToList();
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

    internal static IEnumerable<string> Discover(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !RepositoryFiles.IsGenerated(root, f) && !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => f.EndsWith(".sh", StringComparison.Ordinal) || (Path.GetExtension(f).Length == 0 && HasShellShebang(f)))
            .Order(StringComparer.Ordinal);

    private static bool HasShellShebang(string path)
    {
        using var reader = new StreamReader(path);
        var first = reader.ReadLine() ?? "";
        return first.StartsWith("#!", StringComparison.Ordinal) && ShellShebang().IsMatch(first);
    }

    [GeneratedRegex(@"\b(ba|da|k)?sh\b")]
    private static partial Regex ShellShebang();

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
