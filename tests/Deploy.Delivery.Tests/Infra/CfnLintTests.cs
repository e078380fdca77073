using System.Diagnostics;
using System.Text.Json.Nodes;
using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>Renders both variants once and runs cfn-lint (an independent oracle, informational checks included) over them.</summary>
public sealed class CfnLintFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("platform-template-").FullName;

    public CfnLintFixture()
    {
        var files = new List<string>();
        foreach (var variant in Templates.VariantNames)
        {
            var path = Path.Combine(_directory, variant + ".json");
            PlatformTemplate.Write(Templates.Settings(variant), path);
            files.Add(path);
        }

        var start = new ProcessStartInfo("cfn-lint") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--format", "json", "--include-checks", "I", "--", .. files])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cfn-lint could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        // cfn-lint's exit code is a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 means it crashed.
        if ((process.ExitCode & 1) != 0 || output.Result.Trim().Length == 0)
        {
            throw new InvalidOperationException($"cfn-lint failed with exit code {process.ExitCode}: {error.Result}{output.Result}");
        }

        Matches = [.. JsonNode.Parse(output.Result)!.AsArray().Select(m => new CfnLintMatch(
            Path.GetFileNameWithoutExtension((string)m!["Filename"]!),
            (string)m["Level"]!,
            (string)m["Rule"]!["Id"]!,
            (string)m["Message"]!,
            string.Join('/', m["Location"]!["Path"]!.AsArray().Select(p => p!.ToString()))))];
    }

    public IReadOnlyList<CfnLintMatch> Matches { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

public sealed record CfnLintMatch(string Variant, string Level, string RuleId, string Message, string Path)
{
    public override string ToString() => $"{Variant}: {Level} {RuleId} at {Path}: {Message}";
}

public sealed class CfnLintTests(CfnLintFixture lint) : IClassFixture<CfnLintFixture>
{
    /// <summary>
    /// Warnings and informational findings we keep on purpose, each with its reason. Empty: every finding was fixed.
    /// </summary>
    private static readonly Dictionary<string, string> Justified = new(StringComparer.Ordinal)
    {
    };

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void Cfn_lint_finds_no_error_in_the_template(string variant)
    {
        var errors = lint.Matches.Where(m => m.Variant == variant && m.Level == "Error").ToList();

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Every_cfn_lint_warning_or_notice_is_fixed_or_justified_next_to_its_rule_id()
    {
        var unjustified = lint.Matches.Where(m => m.Level != "Error" && !Justified.ContainsKey(m.RuleId)).ToList();

        Assert.True(unjustified.Count == 0, string.Join(Environment.NewLine, unjustified));
    }
}
