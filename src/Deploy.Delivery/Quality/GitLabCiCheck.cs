using System.Globalization;
using System.Text.RegularExpressions;
using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>
/// Validates .gitlab-ci.yml against GitLab's own schema and job rules with gitlab-ci-local --list
/// (the independent oracle: it is GitLab's schema, not ours).
/// </summary>
public sealed partial class GitLabCiCheck : ILintCheck
{
    public const string FileName = ".gitlab-ci.yml";

    public string Name => "gitlab-ci-local";

    public async Task<IReadOnlyList<LintFinding>> RunAsync(LintContext context, CancellationToken cancellationToken)
    {
        var path = Path.Combine(context.RootDirectory, FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        var result = await context.Tools.RunAsync(context.Installed.NpmBin("gitlab-ci-local"), ["--list"],
            new ToolOptions { WorkingDirectory = context.RootDirectory, CaptureOutput = true, EchoOutput = false, ThrowOnFailure = false },
            cancellationToken);
        return result.ExitCode == 0 ? [] : Parse(result.AllOutput(), File.ReadAllLines(path));
    }

    /// <summary>Turns gitlab-ci-local's complaints into findings, locating the job a schema error names.</summary>
    internal static IReadOnlyList<LintFinding> Parse(IReadOnlyList<string> output, IReadOnlyList<string> ciFile)
    {
        var findings = new List<LintFinding>();
        foreach (var raw in output)
        {
            var line = raw.Trim();
            var yaml = YamlError().Match(line);
            if (yaml.Success)
            {
                findings.Add(new LintFinding(FileName, int.Parse(yaml.Groups["line"].Value, CultureInfo.InvariantCulture), $"{yaml.Groups["message"].Value.Trim()} (gitlab-ci-local)"));
            }
            else if (line.StartsWith('•') && !line.Contains("pipeline editor", StringComparison.Ordinal) && !line.Contains("--json-schema-validation", StringComparison.Ordinal))
            {
                var message = line.TrimStart('•', ' ');
                var job = SchemaError().Match(message);
                var lineNumber = job.Success ? LineOfJob(ciFile, job.Groups["job"].Value) : 1;
                findings.Add(new LintFinding(FileName, lineNumber, $"{message} (gitlab-ci-local)"));
            }
        }

        if (findings.Count == 0)
        {
            var last = output.Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && !IsNoise(l)) ?? "gitlab-ci-local --list failed";
            var job = JobRuleError().Match(last);
            findings.Add(new LintFinding(FileName, job.Success ? LineOfJob(ciFile, job.Groups["job"].Value) : 1, $"{last} (gitlab-ci-local)"));
        }

        return findings;
    }

    private static bool IsNoise(string line) =>
        line.StartsWith("at ", StringComparison.Ordinal)
        || line.StartsWith("Unable to retrieve default remote branch", StringComparison.Ordinal)
        || line.StartsWith("The default remote branch", StringComparison.Ordinal)
        || line.StartsWith("Using fallback git remote data", StringComparison.Ordinal)
        || line.StartsWith("parsing and downloads finished", StringComparison.Ordinal);

    private static int LineOfJob(IReadOnlyList<string> ciFile, string job)
    {
        for (var i = 0; i < ciFile.Count; i++)
        {
            if (ciFile[i].StartsWith(job + ":", StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        return 1;
    }

    [GeneratedRegex(@"^YAMLException: (?<message>.*)\((?<line>\d+):\d+\)")]
    private static partial Regex YamlError();

    [GeneratedRegex(@" at (?<job>[^ .]+)")]
    private static partial Regex SchemaError();

    [GeneratedRegex(@"^(?<job>[\w-]+) must ")]
    private static partial Regex JobRuleError();
}
