using Deploy.Delivery.Quality;
using Deploy.Engine;

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

    private static int LineOf(string text, string part) =>
        text.Split('\n').Select((line, index) => (line, index)).Single(l => l.line.Contains(part, StringComparison.Ordinal)).index + 1;
}
