using Deploy.Delivery.Quality;

namespace Deploy.Delivery.Tests.Quality;

public sealed class LintParsersTests
{
    [Fact]
    public void Msbuild_diagnostics_become_relative_file_line_findings()
    {
        var context = new LintContext("/repo", null!, null!);
        string[] output =
        [
            "/repo/src/A.cs(12,5): error WHITESPACE: Fix whitespace formatting. Delete 2 characters. [/repo/src/A.csproj]",
            "/repo/src/B.cs(3,1): warning CA1822: Member 'X' does not access instance data [/repo/src/B.csproj]",
            "Build FAILED.",
        ];

        var findings = MsBuildDiagnostics.Parse(output, context);

        Assert.Equal(
            ["src/A.cs:12: error WHITESPACE: Fix whitespace formatting. Delete 2 characters.", "src/B.cs:3: warning CA1822: Member 'X' does not access instance data"],
            findings.Select(f => f.ToString()));
    }

    [Fact]
    public void A_gitlab_yaml_syntax_error_keeps_its_line()
    {
        var findings = GitLabCiCheck.Parse(["Using fallback git remote data", "YAMLException: unexpected end of the stream within a flow collection (2:1)"], ["bad: ["]);

        Assert.Equal(".gitlab-ci.yml:2: unexpected end of the stream within a flow collection (gitlab-ci-local)", Assert.Single(findings).ToString());
    }

    [Fact]
    public void A_gitlab_job_rule_error_points_at_the_job()
    {
        var findings = GitLabCiCheck.Parse(["Using fallback git remote data", "lint must have script specified"], ["---", "lint:", "  stage: test"]);

        Assert.Equal(".gitlab-ci.yml:2: lint must have script specified (gitlab-ci-local)", Assert.Single(findings).ToString());
    }

    [Fact]
    public void Junit_reports_are_summed_into_passed_failed_and_skipped()
    {
        using var repo = new TempRepository()
            .Write("a.xml", "<testsuites><testsuite name=\"a\" tests=\"10\" failures=\"1\" errors=\"0\" skipped=\"2\" /></testsuites>")
            .Write("b.xml", "<testsuites><testsuite name=\"b\" tests=\"5\" failures=\"0\" errors=\"1\" skipped=\"0\" /></testsuites>");

        var counts = TestRunner.CountReports(repo.Root);

        Assert.Equal(new TestCounts(11, 2, 2), counts);
        Assert.Equal("11 passed, 2 failed, 2 skipped", counts.ToString());
    }

    [Fact]
    public void Only_dockerfiles_are_linted_as_dockerfiles_not_sources_named_after_them()
    {
        using var repo = new TempRepository()
            .Write("svc/Dockerfile", "FROM x\n")
            .Write("svc/Dockerfile.dev", "FROM x\n")
            .Write("svc/api.Dockerfile", "FROM x\n")
            .Write("src/DockerfileCheck.cs", "class C { }\n")
            .Write("svc/bin/Release/publish/Dockerfile", "FROM x\n");

        var found = DockerfileCheck.FindDockerfiles(repo.Root).Select(f => Path.GetRelativePath(repo.Root, f).Replace('\\', '/'));

        Assert.Equal(["svc/Dockerfile", "svc/Dockerfile.dev", "svc/api.Dockerfile"], found);
    }

    [Fact]
    public void Shell_scripts_are_found_by_extension_or_shebang()
    {
        using var repo = new TempRepository()
            .Write("build.sh", "echo\n")
            .Write(".ci/run", "#!/usr/bin/env bash\necho\n")
            .Write(".ci/notes", "plain text\n")
            .Write("tool.py", "#!/usr/bin/env python3\n")
            .Write("node_modules/x/install.sh", "echo\n");

        var found = ShellScriptCheck.Discover(repo.Root).Select(f => Path.GetRelativePath(repo.Root, f).Replace('\\', '/'));

        Assert.Equal([".ci/run", "build.sh"], found);
    }
}
