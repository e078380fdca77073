using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>dockerfilelint (npm, pinned) over every Dockerfile in the repository.</summary>
public sealed partial class DockerfileCheck : ILintCheck
{
    public string Name => "dockerfilelint";

    public async Task<IReadOnlyList<LintFinding>> RunAsync(LintContext context, CancellationToken cancellationToken)
    {
        var findings = new List<LintFinding>();
        foreach (var dockerfile in FindDockerfiles(context.RootDirectory))
        {
            var result = await context.Tools.RunAsync(context.Installed.NpmBin("dockerfilelint"), ["-o", "json", dockerfile],
                new ToolOptions { WorkingDirectory = context.RootDirectory, CaptureOutput = true, EchoOutput = false, ThrowOnFailure = false },
                cancellationToken);
            var parsed = Parse(string.Join('\n', result.AllOutput()), context.Relative(dockerfile));
            findings.AddRange(result.ExitCode != 0 && parsed.Count == 0
                ? [new LintFinding(context.Relative(dockerfile), 1, $"dockerfilelint exited with code {result.ExitCode}: {string.Join(" ", result.AllOutput().Take(3))}")]
                : parsed);
        }

        return findings;
    }

    /// <summary><c>Dockerfile</c>, <c>Dockerfile.&lt;variant&gt;</c> and <c>&lt;name&gt;.Dockerfile</c> outside build output.</summary>
    internal static IEnumerable<string> FindDockerfiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => DockerfileName().IsMatch(Path.GetFileName(f)) && !RepositoryFiles.IsGenerated(root, f))
            .Order(StringComparer.Ordinal);

    [GeneratedRegex(@"^(Dockerfile(\.[\w-]+)?|[\w.-]+\.[Dd]ockerfile)$")]
    private static partial Regex DockerfileName();

    /// <summary>Parses dockerfilelint's JSON report.</summary>
    internal static IReadOnlyList<LintFinding> Parse(string json, string relativeFile)
    {
        var start = json.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        using var document = JsonDocument.Parse(json[start..]);
        return document.RootElement.GetProperty("files").EnumerateArray()
            .SelectMany(file => file.GetProperty("issues").EnumerateArray())
            .Select(issue => new LintFinding(relativeFile,
                int.Parse(issue.GetProperty("line").ToString(), CultureInfo.InvariantCulture),
                $"{issue.GetProperty("category").GetString()}: {issue.GetProperty("title").GetString()} (dockerfilelint)"))
            .ToList();
    }
}
