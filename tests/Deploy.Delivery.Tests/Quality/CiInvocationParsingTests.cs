using Deploy.Delivery.Quality;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Quality;

/// <summary>Reading build.sh commands out of CI YAML and shell lines, and checking them against a graph.</summary>
public sealed class CiInvocationParsingTests
{
    [Theory]
    [InlineData("./build.sh Test", "Test")]
    [InlineData("./build.sh BuildImage PushEcr --profile aws --stack-name \"$PLATFORM_STACK_NAME\"", "BuildImage|PushEcr|--profile|aws|--stack-name|$PLATFORM_STACK_NAME")]
    [InlineData("DOTNET_NOLOGO=1 bash ./build.sh 'Lint' --verbosity=quiet 2>&1 | tee lint.log", "Lint|--verbosity=quiet")]
    [InlineData("./build.sh Test || tests=$?", "Test")]
    [InlineData("cd app && \"$CI_PROJECT_DIR\"/build.sh Mirror > mirror.log; echo done", "Mirror")]
    [InlineData("exec ./build.sh Release --note \"a \\\"quoted\\\" word\" # why", "Release|--note|a \"quoted\" word")]
    [InlineData("./build.sh Test --test-filter \"$(cat filter.txt)\" &> out.txt", "Test|--test-filter|$(cat filter.txt)")]
    public void The_arguments_of_a_build_sh_command_are_the_words_the_shell_passes(string line, string expected)
    {
        var invocation = Assert.Single(BuildInvocations.Find(line));

        Assert.Equal(expected.Split('|'), invocation);
    }

    [Theory]
    [InlineData("echo ./build.sh Test")]
    [InlineData("cat build.sh.log")]
    [InlineData("# ./build.sh Test")]
    [InlineData("git add build.sh")]
    public void Lines_that_do_not_run_build_sh_have_no_invocation(string line) =>
        Assert.Empty(BuildInvocations.Find(line));

    [Fact]
    public void Script_lines_of_gitlab_jobs_and_buildspec_phases_keep_their_line_numbers()
    {
        const string yaml = """
            default:
              before_script:
                - ./build.sh Restore
            .shared: &shared
              - ./build.sh Shared
            test:
              script:
                - ./build.sh Test
                - |
                  echo start
                  ./build.sh Lint \
                    --verbosity quiet
              after_script: ./build.sh Report
              variables:
                script: ./build.sh NotAScript
            other:
              script: *shared
            refs:
              script:
                - !reference [test, script]
            phases:
              build:
                commands:
                  - ./build.sh BuildImage
                finally:
                  - ./build.sh Cleanup
            """;

        var lines = CiScripts.Read(yaml);

        Assert.Equal(
            [
                (3, "./build.sh Restore"), (5, "./build.sh Shared"), (8, "./build.sh Test"), (10, "echo start"),
                (11, "./build.sh Lint    --verbosity quiet"), (13, "./build.sh Report"), (24, "./build.sh BuildImage"), (26, "./build.sh Cleanup"),
            ],
            lines.Select(l => (l.Line, l.Command)));
    }

    [Fact]
    public void A_renamed_target_and_an_unknown_option_are_reported_at_their_lines()
    {
        var root = Directory.CreateTempSubdirectory("ci-invocations-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, ".nuke"));
            var check = new CiInvocationCheck([".gitlab-ci.yml"], arguments => InvocationCheck.Check<PipelineBuild>(arguments, root));
            const string yaml = """
                test:
                  script:
                    - ./build.sh Test --test-filter "$FILTER"
                    - ./build.sh UnitTest
                lint:
                  script:
                    - ./build.sh Lint --warnings-as-error
                """;

            var findings = check.Check(".gitlab-ci.yml", yaml);

            Assert.Equal(
                """
                .gitlab-ci.yml:4: ./build.sh UnitTest: Unknown target 'UnitTest'.
                .gitlab-ci.yml:7: ./build.sh Lint --warnings-as-error: Unknown option '--warnings-as-error'. Did you mean '--warnings-as-errors'?
                """,
                string.Join('\n', findings));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private sealed class PipelineBuild : BuildBase
    {
        [Parameter("Filter")]
        public string? TestFilter { get; set; }

        [Parameter("Strict")]
        public bool WarningsAsErrors { get; set; }

        private Target Test => _ => _.Executes(() => Log.Information($"{TestFilter}"));

        private Target Lint => _ => _.Executes(() => Log.Information($"{WarningsAsErrors}"));
    }
}
