using Deploy.Delivery.Quality;

namespace Deploy.Delivery.Tests.Quality;

[Collection(LintToolsGroup.Name)]
public sealed class LintChecksTests(LintToolsFixture fixture)
{
    [Fact]
    public async Task A_planted_shellcheck_error_is_reported_with_its_file_and_line()
    {
        using var repo = new TempRepository().Write("scripts/run.sh", "#!/usr/bin/env bash\necho ok\ncd somewhere\n");

        var findings = await new ShellScriptCheck(["scripts/run.sh"]).RunAsync(fixture.ContextFor(repo.Root), CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal("scripts/run.sh", finding.File);
        Assert.Equal(3, finding.Line);
        Assert.StartsWith("scripts/run.sh:3: warning: Use 'cd ... || exit'", finding.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_shell_script_has_no_findings()
    {
        using var repo = new TempRepository().Write("ok.sh", "#!/usr/bin/env bash\nset -euo pipefail\necho \"$1\"\n");

        var findings = await new ShellScriptCheck(["ok.sh"]).RunAsync(fixture.ContextFor(repo.Root), CancellationToken.None);

        Assert.Empty(findings);
    }

    [Fact]
    public async Task A_duplicate_yaml_key_is_reported_with_its_line()
    {
        using var repo = new TempRepository().Write("buildspec.yml", "---\nversion: 0.2\nphases: {}\nversion: 0.3\n");

        var findings = await new YamlCheck(["buildspec.yml"]).RunAsync(fixture.ContextFor(repo.Root), CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal("buildspec.yml:4: error: duplication of key \"version\" in mapping (key-duplicates) (yamllint)", finding.ToString());
    }

    [Fact]
    public async Task A_dockerfile_problem_is_reported_with_its_line()
    {
        using var repo = new TempRepository().Write("svc/Dockerfile", "FROM debian:12\nEXPOSE 80a\n");

        var findings = await new DockerfileCheck().RunAsync(fixture.ContextFor(repo.Root), CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal("svc/Dockerfile:2: Possible Bug: Invalid Port Exposed (dockerfilelint)", finding.ToString());
    }

    [Fact]
    public async Task A_gitlab_ci_key_that_gitlab_does_not_know_is_reported_at_its_job()
    {
        using var repo = new TempRepository().Write(".gitlab-ci.yml", "---\nstages: [test]\n\nunit:\n  stage: test\n  script: [./build.sh Test]\n  whenn: always\n");
        await GitInitAsync(repo.Root);

        var findings = await new GitLabCiCheck().RunAsync(fixture.ContextFor(repo.Root), CancellationToken.None);

        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(".gitlab-ci.yml", f.File));
        Assert.Contains(findings, f => f.Line == 4 && f.Message.Contains("'whenn' property is not expected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_valid_gitlab_ci_file_has_no_findings()
    {
        using var repo = new TempRepository().Write(".gitlab-ci.yml", "---\nunit:\n  script: [./build.sh Test]\n");
        await GitInitAsync(repo.Root);

        var findings = await new GitLabCiCheck().RunAsync(fixture.ContextFor(repo.Root), CancellationToken.None);

        Assert.Empty(findings);
    }

    [Fact]
    public async Task A_planted_formatting_error_in_csharp_is_reported_with_its_file_and_line()
    {
        using var repo = new TempRepository()
            .Write("lib/lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n")
            .Write("lib/Greeter.cs", "namespace Lib;\n\npublic static class Greeter\n{\n    public static string Hello()   =>  \"hello\";\n}\n");

        var findings = await new DotnetCheck("lib/lib.csproj").RunAsync(fixture.ContextFor(repo.Root), CancellationToken.None);

        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal("lib/Greeter.cs", f.File));
        Assert.Contains(findings, f => f.Line == 5 && f.Message.Contains("WHITESPACE", StringComparison.Ordinal));
    }

    private async Task GitInitAsync(string root)
    {
        var options = new Deploy.Engine.ToolOptions { WorkingDirectory = root, CaptureOutput = true, EchoOutput = false };
        await fixture.Tools.RunAsync("git", ["init", "-q", "-b", "main"], options);
        await fixture.Tools.RunAsync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "init"], options);
    }
}
