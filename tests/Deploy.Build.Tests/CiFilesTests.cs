using System.Text.RegularExpressions;
using Deploy.Delivery.Quality;
using Deploy.Engine;
using YamlDotNet.RepresentationModel;

namespace Deploy.Build.Tests;

/// <summary>The repository's CI files against the real target graph, as the Lint target checks them.</summary>
public sealed class CiFilesTests
{
    private static readonly string[] CiFiles = [".gitlab-ci.yml", "buildspec.yml"];

    private static CiInvocationCheck Check() =>
        new(CiFiles, arguments => InvocationCheck.Check<Deploy.Build.Build>(arguments, BuildScript.Root));

    [Theory]
    [InlineData(".gitlab-ci.yml")]
    [InlineData("buildspec.yml")]
    public void Every_build_sh_command_in_the_CI_files_names_targets_and_parameters_the_graph_has(string file)
    {
        var yaml = File.ReadAllText(Path.Combine(BuildScript.Root, file));

        Assert.Contains(CiScripts.Read(yaml), l => BuildInvocations.Find(l.Command).Count > 0);
        Assert.Empty(Check().Check(file, yaml));
    }

    [Fact]
    public void A_renamed_target_and_an_unknown_option_in_the_real_CI_files_are_found_at_their_lines()
    {
        var gitlab = File.ReadAllText(Path.Combine(BuildScript.Root, ".gitlab-ci.yml"))
            .Replace("./build.sh Mirror", "./build.sh MirrorRepository", StringComparison.Ordinal);
        var buildspec = File.ReadAllText(Path.Combine(BuildScript.Root, "buildspec.yml"))
            .Replace("--stack-name", "--stack-nmae", StringComparison.Ordinal);

        var renamed = Assert.Single(Check().Check(".gitlab-ci.yml", gitlab));
        var misspelt = Assert.Single(Check().Check("buildspec.yml", buildspec));

        Assert.Equal(LineOf(gitlab, "./build.sh MirrorRepository"), renamed.Line);
        Assert.EndsWith("Unknown target 'MirrorRepository'.", renamed.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(buildspec, "--stack-nmae"), misspelt.Line);
        Assert.EndsWith("Unknown option '--stack-nmae'. Did you mean '--stack-name'?", misspelt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GitLab_reads_the_coverage_line_the_Test_target_prints_and_finds_the_report_where_it_writes_it()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(BuildScript.Root, ".gitlab-ci.yml"))));
        var test = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["test"];
        var pattern = ((YamlScalarNode)test["coverage"]).Value!;
        var report = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)test["artifacts"])["reports"])["coverage_report"];
        var line = new CoverageSummary(1359, 18446).ToString();

        // GitLab's coverage: is a /regex/ run over the job log; the percentage is the number in what it matches.
        Assert.Matches(@"^/.+/$", pattern);
        var match = Regex.Match($"Test     Succeeded\n{line}\n114 passed, 0 failed, 0 skipped", pattern[1..^1]);
        Assert.True(match.Success, $"{pattern} does not match '{line}'");
        Assert.Equal("7.37", Regex.Match(match.Value, @"\d+(\.\d+)?").Value);
        Assert.Equal("cobertura", ((YamlScalarNode)report["coverage_format"]).Value);
        Assert.Equal(new Deploy.Build.Build().CoverageReport, ((YamlScalarNode)report["path"]).Value);
    }

    private static int LineOf(string text, string part) =>
        text.Split('\n').Select((line, index) => (line, index)).Single(l => l.line.Contains(part, StringComparison.Ordinal)).index + 1;
}
