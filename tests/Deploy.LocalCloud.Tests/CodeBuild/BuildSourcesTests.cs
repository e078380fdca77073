using System.IO.Compression;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.CodeBuild;
using Deploy.LocalCloud.Tests.CodeCommit;
using Deploy.LocalCloud.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests.CodeBuild;

/// <summary>Sources (CodeCommit, a pipeline's artifact zip), artifacts in S3, and bad input with its reason in the API's fields.</summary>
public sealed class BuildSourcesTests(CodeBuildFixture fixture) : IClassFixture<CodeBuildFixture>
{
    [Fact]
    public async Task A_CodeCommit_build_clones_with_git_at_the_commit_and_zips_its_artifacts_to_S3()
    {
        var repository = fixture.UniqueName("repo");
        var url = (await fixture.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", repository))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        using var git = new GitClient(fixture.Cloud.Instance);
        var work = git.Path("work");
        await git.GitAsync(git.Path("."), "init", "-q", work);
        await File.WriteAllTextAsync(Path.Combine(work, "buildspec.yml"), """
            version: 0.2
            phases:
              build:
                commands:
                  - test -d .git
                  - test "$(git rev-parse HEAD)" = "$CODEBUILD_RESOLVED_SOURCE_VERSION"
                  - mkdir -p out/deep && echo "[]" > out/deep/imagedefinitions.json && echo notes > out/notes.txt
            artifacts:
              base-directory: out
              discard-paths: yes
              files:
                - '**/*'
            """);
        await git.GitAsync(work, "add", ".");
        var commit = await git.CommitAsync(work, "first");
        await git.GitAsync(work, "push", "-q", url, "HEAD:main");
        var bucket = fixture.UniqueName("artifacts");
        await fixture.Cli.JsonAsync("s3api", "create-bucket", "--bucket", bucket);
        var project = await fixture.ProjectAsync("unused", new JsonObject
        {
            ["source"] = new JsonObject { ["type"] = "CODECOMMIT", ["location"] = url },
            ["artifacts"] = new JsonObject { ["type"] = "S3", ["location"] = bucket, ["packaging"] = "ZIP", ["name"] = "out.zip" },
        });

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project, "--source-version", "main"));

        Assert.True(build["buildStatus"]!.GetValue<string>() == "SUCCEEDED", await fixture.LogAsync(build));
        Assert.Equal(commit, build["resolvedSourceVersion"]!.GetValue<string>());
        Assert.Equal("main", build["sourceVersion"]!.GetValue<string>());
        Assert.Equal($"arn:aws:s3:::{bucket}/out.zip", build["artifacts"]!["location"]!.GetValue<string>());
        Assert.Equal(["imagedefinitions.json", "notes.txt"], await ZipEntriesAsync(bucket, "out.zip"));
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_pipeline_build_unpacks_its_input_artifact_and_zips_the_output_where_the_pipeline_said()
    {
        var bucket = fixture.UniqueName("pipeline");
        await fixture.Cli.JsonAsync("s3api", "create-bucket", "--bucket", bucket);
        using var temp = new TempDirectory();
        var zip = Path.Combine(temp.Path, "source.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            var entry = archive.CreateEntry("buildspec.yml");
            await using var writer = new StreamWriter(entry.Open());
            await writer.WriteAsync("""
                version: 0.2
                phases:
                  build:
                    commands:
                      - test ! -d .git
                      - echo "$CODEBUILD_RESOLVED_SOURCE_VERSION $STAGE" > built.txt
                artifacts:
                  files:
                    - built.txt
                """);
        }

        await fixture.Cli.JsonAsync("s3api", "put-object", "--bucket", bucket, "--key", "p/SourceArti/in.zip", "--body", zip);
        var project = await fixture.ProjectAsync("unused", new JsonObject
        {
            ["source"] = new JsonObject { ["type"] = "CODEPIPELINE" },
            ["artifacts"] = new JsonObject { ["type"] = "CODEPIPELINE" },
        });
        var runs = fixture.Cloud.Instance.Services.GetRequiredService<ICodeBuildRuns>();
        var input = new S3ObjectLocation(bucket, "p/SourceArti/in.zip");

        var id = runs.StartForPipeline(new PipelineBuildRequest(project, "platform-pipeline", [input], new S3ObjectLocation(bucket, "p/BuildArtif/out.zip"),
            "0123456789abcdef0123456789abcdef01234567", new Dictionary<string, string> { ["STAGE"] = "prod" }));
        var build = await fixture.CompletedAsync(id);

        Assert.True(build["buildStatus"]!.GetValue<string>() == "SUCCEEDED", await fixture.LogAsync(build));
        Assert.Equal("codepipeline/platform-pipeline", build["initiator"]!.GetValue<string>());
        Assert.Equal("CODEPIPELINE", build["source"]!["type"]!.GetValue<string>());
        Assert.Equal(input.Arn, build["sourceVersion"]!.GetValue<string>());
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", build["resolvedSourceVersion"]!.GetValue<string>());
        Assert.Equal(["built.txt"], await ZipEntriesAsync(bucket, "p/BuildArtif/out.zip"));
        Assert.Equal("SUCCEEDED", runs.Get(id)!["buildStatus"]!.GetValue<string>());
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_missing_artifact_file_fails_UPLOAD_ARTIFACTS_with_CodeBuilds_client_error()
    {
        var bucket = fixture.UniqueName("missing");
        await fixture.Cli.JsonAsync("s3api", "create-bucket", "--bucket", bucket);
        var project = await fixture.ProjectAsync("""
            version: 0.2
            phases:
              build:
                commands:
                  - echo nothing to see
            artifacts:
              files:
                - imagedefinitions.json
            """, new JsonObject { ["artifacts"] = new JsonObject { ["type"] = "S3", ["location"] = bucket } });

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project));

        Assert.Equal("FAILED", build["buildStatus"]!.GetValue<string>());
        var upload = CodeBuildFixture.Phase(build, "UPLOAD_ARTIFACTS");
        Assert.Equal("FAILED", upload["phaseStatus"]!.GetValue<string>());
        Assert.Equal("CLIENT_ERROR", upload["contexts"]![0]!["statusCode"]!.GetValue<string>());
        Assert.StartsWith("no matching artifact paths found", upload["contexts"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Theory]
    [InlineData("version: 0.2\nphases:\n  build:\n    commands:\n      - echo [unclosed\n   bad: indent", "YAML_FILE_ERROR: at line")]
    [InlineData("version: 0.2\nfases:\n  build:\n    commands:\n      - echo hi", "unknown key 'fases' in buildspec")]
    [InlineData("version: 0.2\nenv:\n  parameter-store:\n    TOKEN: /app/token\nphases:\n  build:\n    commands:\n      - echo hi", "env/parameter-store (no Systems Manager Parameter Store) is not supported")]
    [InlineData("version: 0.2\nphases:\n  build:\n    on-failure: RETRY-2\n    commands:\n      - echo hi", "on-failure RETRY-2 is not supported")]
    public async Task A_buildspec_the_local_cloud_cannot_run_fails_DOWNLOAD_SOURCE_with_a_YAML_FILE_ERROR_that_says_why(string buildspec, string reason)
    {
        var project = await fixture.ProjectAsync(buildspec);

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project));

        var download = CodeBuildFixture.Phase(build, "DOWNLOAD_SOURCE");
        Assert.Equal("FAILED", download["phaseStatus"]!.GetValue<string>());
        Assert.Equal("YAML_FILE_ERROR", download["contexts"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Contains(reason, download["contexts"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("INSTALL", CodeBuildFixture.Phases(build));
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task StartBuild_refuses_what_it_cannot_run_with_AWS_error_codes_and_lists_builds_newest_first()
    {
        var project = await fixture.ProjectAsync("version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi");

        Assert.Equal("ResourceNotFoundException", await fixture.Cli.ErrorCodeAsync("codebuild", "start-build", "--project-name", "no-such-project"));
        Assert.Equal("InvalidInputException", await fixture.Cli.ErrorCodeAsync("codebuild", "start-build", "--project-name", project,
            "--environment-variables-override", "name=TOKEN,value=/app/token,type=PARAMETER_STORE"));
        var first = await fixture.StartAsync(project);
        var second = await fixture.StartAsync(project);
        await fixture.CompletedAsync(first);
        var latest = await fixture.CompletedAsync(second);

        Assert.Equal([second, first], (await fixture.Cli.JsonAsync("codebuild", "list-builds-for-project", "--project-name", project))["ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal([first, second], (await fixture.Cli.JsonAsync("codebuild", "list-builds-for-project", "--project-name", project, "--sort-order", "ASCENDING"))["ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal(second, (await fixture.Cli.JsonAsync("codebuild", "list-builds"))["ids"]![0]!.GetValue<string>());
        Assert.Equal(2, latest["buildNumber"]!.GetValue<long>());
        Assert.Equal(["no-such-build:1"], (await fixture.Cli.JsonAsync("codebuild", "batch-get-builds", "--ids", "no-such-build:1"))["buildsNotFound"]!.AsArray().Select(i => i!.GetValue<string>()));
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    private async Task<List<string>> ZipEntriesAsync(string bucket, string key)
    {
        using var temp = new TempDirectory();
        var file = Path.Combine(temp.Path, "artifact.zip");
        await fixture.Cli.JsonAsync("s3api", "get-object", "--bucket", bucket, "--key", key, file);
        using var archive = ZipFile.OpenRead(file);
        return [.. archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal)];
    }
}
