using System.Diagnostics;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CodeBuild;

/// <summary>Buildspec 0.2 run in real containers: phases, transitions after failures, finally, on-failure, exported variables.</summary>
public sealed class BuildspecSemanticsTests(CodeBuildFixture fixture) : IClassFixture<CodeBuildFixture>
{
    private static readonly string[] AllPhases =
        ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED"];

    [Fact]
    public async Task A_trivial_build_succeeds_through_every_phase_with_cd_and_export_kept_between_phases_and_its_log_in_CloudWatch()
    {
        var project = await fixture.ProjectAsync("""
            version: 0.2
            phases:
              install:
                commands:
                  - cd /tmp && export GREETING=hello
              build:
                commands:
                  - test "$(pwd)" = /tmp
                  - echo "$GREETING from build $CODEBUILD_BUILD_NUMBER"
            """);
        var watch = Stopwatch.StartNew();

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project));
        var elapsed = watch.Elapsed;
        var log = await fixture.LogAsync(build);

        Assert.True(build["buildStatus"]!.GetValue<string>() == "SUCCEEDED", build.ToJsonString());
        Assert.Equal(AllPhases, CodeBuildFixture.Phases(build));
        Assert.All(build["phases"]!.AsArray().SkipLast(1), p => Assert.Equal("SUCCEEDED", p!["phaseStatus"]!.GetValue<string>()));
        Assert.Equal("COMPLETED", build["currentPhase"]!.GetValue<string>());
        Assert.Matches(@"\[Container\] \d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} Entering phase BUILD", log);
        Assert.Contains("Running command echo \"$GREETING from build $CODEBUILD_BUILD_NUMBER\"", log, StringComparison.Ordinal);
        Assert.Contains("hello from build 1", log, StringComparison.Ordinal);
        Assert.Contains("Phase complete: BUILD State: SUCCEEDED", log, StringComparison.Ordinal);
        Assert.Equal($"/aws/codebuild/{project}", build["logs"]!["groupName"]!.GetValue<string>());
        Assert.Equal(build["id"]!.GetValue<string>().Split(':')[1], build["logs"]!["streamName"]!.GetValue<string>());
        var containerToDone = build["endTime"]!.GetValue<double>() - CodeBuildFixture.Phase(build, "DOWNLOAD_SOURCE")["endTime"]!.GetValue<double>();
        Console.WriteLine($"[measure] trivial build: container start to SUCCEEDED {containerToDone:0.00} s; StartBuild to SUCCEEDED seen by the test {elapsed.TotalSeconds:0.0} s; " +
                          $"image: {fixture.ImageMade ?? "already present"} ({fixture.ImageTime.TotalSeconds:0.0} s)");
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_failing_build_command_skips_the_rest_runs_finally_then_post_build_and_upload_and_the_build_fails()
    {
        var project = await fixture.ProjectAsync("""
            version: 0.2
            phases:
              build:
                commands:
                  - echo first
                  - sh -c 'exit 3'
                  - echo never-runs
                finally:
                  - echo finally-ran
              post_build:
                commands:
                  - echo "post_build sees CODEBUILD_BUILD_SUCCEEDING=$CODEBUILD_BUILD_SUCCEEDING"
            """);

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project));
        var log = await fixture.LogAsync(build);

        Assert.Equal("FAILED", build["buildStatus"]!.GetValue<string>());
        Assert.Equal(AllPhases, CodeBuildFixture.Phases(build));
        var failed = CodeBuildFixture.Phase(build, "BUILD");
        Assert.Equal("FAILED", failed["phaseStatus"]!.GetValue<string>());
        Assert.Equal("COMMAND_EXECUTION_ERROR", failed["contexts"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Equal("Error while executing command: sh -c 'exit 3'. Reason: exit status 3", failed["contexts"]![0]!["message"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", CodeBuildFixture.Phase(build, "POST_BUILD")["phaseStatus"]!.GetValue<string>());
        Assert.Contains("finally-ran", log, StringComparison.Ordinal);
        Assert.DoesNotContain("\nnever-runs", log, StringComparison.Ordinal);
        Assert.Contains("post_build sees CODEBUILD_BUILD_SUCCEEDING=0", log, StringComparison.Ordinal);
        Assert.Contains("Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: sh -c 'exit 3'. Reason: exit status 3", log, StringComparison.Ordinal);
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Theory]
    [InlineData("install", "ABORT")]
    [InlineData("pre_build", "ABORT")]
    [InlineData("install", "CONTINUE")]
    public async Task An_install_or_pre_build_failure_ends_the_phases_unless_on_failure_is_CONTINUE(string phase, string onFailure)
    {
        var project = await fixture.ProjectAsync($"""
            version: 0.2
            phases:
              {phase}:
                on-failure: {onFailure}
                commands:
                  - "false"
              build:
                commands:
                  - echo build-ran
            """);

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project));
        var phases = CodeBuildFixture.Phases(build);

        Assert.Equal("FAILED", build["buildStatus"]!.GetValue<string>());
        Assert.Equal("FAILED", CodeBuildFixture.Phase(build, phase.ToUpperInvariant())["phaseStatus"]!.GetValue<string>());
        if (onFailure == "ABORT")
        {
            Assert.DoesNotContain("BUILD", phases);
            Assert.DoesNotContain("UPLOAD_ARTIFACTS", phases);
            Assert.Equal(["FINALIZING", "COMPLETED"], phases.TakeLast(2));
        }
        else
        {
            Assert.Equal(AllPhases, phases);
            Assert.Contains("build-ran", await fixture.LogAsync(build), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_failing_finally_command_fails_a_phase_whose_commands_succeeded()
    {
        var project = await fixture.ProjectAsync("""
            version: 0.2
            phases:
              pre_build:
                commands:
                  - echo fine
                finally:
                  - sh -c 'exit 4'
                  - echo finally-second
            """);

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project));

        var preBuild = CodeBuildFixture.Phase(build, "PRE_BUILD");
        Assert.Equal("FAILED", preBuild["phaseStatus"]!.GetValue<string>());
        Assert.Equal("Error while executing command: sh -c 'exit 4'. Reason: exit status 4", preBuild["contexts"]![0]!["message"]!.GetValue<string>());
        Assert.DoesNotContain("BUILD", CodeBuildFixture.Phases(build));
    }

    [Fact]
    public async Task Exported_variables_are_those_the_shell_holds_when_the_phases_end()
    {
        var project = await fixture.ProjectAsync("""
            version: 0.2
            env:
              variables:
                FROM_SPEC: spec-value
                OVERRIDDEN: from-buildspec
              exported-variables:
                - IMAGE_TAG
                - FROM_SPEC
                - OVERRIDDEN
                - NEVER_SET
            phases:
              build:
                commands:
                  - export IMAGE_TAG=first
              post_build:
                commands:
                  - IMAGE_TAG="$IMAGE_TAG-then-post"
            """, new()
        {
            ["environment"] = new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "LINUX_CONTAINER",
                ["image"] = "aws/codebuild/standard:7.0",
                ["computeType"] = "BUILD_GENERAL1_SMALL",
                ["environmentVariables"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["name"] = "OVERRIDDEN", ["value"] = "from-project" }),
            }
        });

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project));

        Assert.Equal("SUCCEEDED", build["buildStatus"]!.GetValue<string>());
        var exported = build["exportedEnvironmentVariables"]!.AsArray().ToDictionary(v => v!["name"]!.GetValue<string>(), v => v!["value"]!.GetValue<string>());
        Assert.Equal("first-then-post", exported["IMAGE_TAG"]);
        Assert.Equal("spec-value", exported["FROM_SPEC"]);
        Assert.Equal("from-project", exported["OVERRIDDEN"]);
        Assert.False(exported.ContainsKey("NEVER_SET"));
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task With_env_shell_sh_the_phases_run_in_one_sh_session_not_bash()
    {
        var project = await fixture.ProjectAsync("""
            version: 0.2
            env:
              shell: sh
            phases:
              install:
                commands:
                  - cd /tmp
                  - export SEEN=yes
              build:
                commands:
                  - test -z "$BASH_VERSION"
                  - test "$(pwd)" = /tmp && test "$SEEN" = yes
            """);

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project));

        Assert.True(build["buildStatus"]!.GetValue<string>() == "SUCCEEDED", await fixture.LogAsync(build));
    }

    [Fact]
    public async Task A_build_past_its_timeout_is_TIMED_OUT_in_the_phase_it_was_in()
    {
        var project = await fixture.ProjectAsync("""
            version: 0.2
            phases:
              build:
                commands:
                  - sleep 120
            """);

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project, "--timeout-in-minutes-override", "5"));

        Assert.Equal("TIMED_OUT", build["buildStatus"]!.GetValue<string>());
        Assert.Equal("TIMED_OUT", CodeBuildFixture.Phase(build, "BUILD")["phaseStatus"]!.GetValue<string>());
        Assert.Equal(["FINALIZING", "COMPLETED"], CodeBuildFixture.Phases(build).TakeLast(2));
        Assert.True(build["endTime"]!.GetValue<double>() - build["startTime"]!.GetValue<double>() < 60, "a 5 s timeout (tests' minute) must end the build long before sleep 120");
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_LOCAL_CUSTOM_CACHE_keeps_the_buildspecs_cache_directories_between_builds_until_the_project_drops_it()
    {
        const string Buildspec = """
            version: 0.2
            phases:
              build:
                commands:
                  - echo "relative:$(cat kept/last 2>/dev/null || echo none) absolute:$(ls /root/kept-abs | tr '\n' ,)"
                  - mkdir -p kept /root/kept-abs && echo "$CODEBUILD_BUILD_NUMBER" > kept/last && touch "/root/kept-abs/$CODEBUILD_BUILD_NUMBER"
            cache:
              paths:
                - 'kept/**/*'
                - '/root/kept-abs/*'
                - 'kept-*.txt'
            """;
        var local = new JsonObject { ["type"] = "LOCAL", ["modes"] = new JsonArray("LOCAL_CUSTOM_CACHE") };
        var project = await fixture.ProjectAsync(Buildspec, new JsonObject { ["cache"] = local });

        var first = await fixture.CompletedAsync(await fixture.StartAsync(project));
        var second = await fixture.CompletedAsync(await fixture.StartAsync(project));
        await fixture.Cli.JsonAsync("codebuild", "update-project", "--name", project, "--cache", "type=NO_CACHE");
        var third = await fixture.CompletedAsync(await fixture.StartAsync(project));

        var logs = new[] { await fixture.LogAsync(first), await fixture.LogAsync(second), await fixture.LogAsync(third) };
        Assert.All(new[] { first, second, third }, b => Assert.True(b["buildStatus"]!.GetValue<string>() == "SUCCEEDED", b.ToJsonString()));
        Assert.Contains("relative:none absolute:\n", logs[0] + "\n", StringComparison.Ordinal);
        Assert.Contains("relative:1 absolute:1,\n", logs[1] + "\n", StringComparison.Ordinal);
        Assert.Contains("relative:none absolute:\n", logs[2] + "\n", StringComparison.Ordinal);
        Assert.Contains("Linking local cache for kept", logs[0], StringComparison.Ordinal);
        Assert.Contains("cache path 'kept-*.txt' is not a directory: only directories can be cached locally", logs[0], StringComparison.Ordinal);
        Assert.Equal(local.ToJsonString(), second["cache"]!.ToJsonString());
        Assert.Equal("NO_CACHE", third["cache"]!["type"]!.GetValue<string>());
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Theory]
    [InlineData("kept/**/*", "kept")]
    [InlineData("./kept/*", "kept")]
    [InlineData("/root/.nuget/packages/**/*", "/root/.nuget/packages")]
    [InlineData(".nuke/temp/", ".nuke/temp")]
    [InlineData("*.txt", null)]
    [InlineData("a/*/b", null)]
    public void A_cache_path_names_the_directory_before_its_wildcards(string path, string? directory) =>
        Assert.Equal(directory, Deploy.LocalCloud.CodeBuild.BuildCache.DirectoryOf(path));
}
