using System.Text.Json.Nodes;
using Deploy.LocalCloud.Docker;
using Deploy.LocalCloud.Tests.Support;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.LocalCloud.Tests.CodeBuild;

/// <summary>A build in progress when the local cloud stops never stays in progress: STOPPED on a clean shutdown, FAILED after a crash.</summary>
public sealed class BuildRestartTests
{
    private const string Sleeping = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 120\n";

    [Fact]
    public async Task A_clean_shutdown_stops_the_build_in_progress_with_the_reason_and_removes_its_container()
    {
        using var state = new TempDirectory();
        string id;
        await using (var first = await StartAsync(state.Path))
        {
            id = await StartSleepingBuildAsync(first);
        }

        await using var second = await StartAsync(state.Path);
        var build = (await second.Cli.JsonAsync("codebuild", "batch-get-builds", "--ids", id))["builds"]![0]!.AsObject();

        Assert.Equal("STOPPED", build["buildStatus"]!.GetValue<string>());
        Assert.True(build["buildComplete"]!.GetValue<bool>());
        var phase = CodeBuildFixture.Phase(build, "BUILD");
        Assert.Equal("STOPPED", phase["phaseStatus"]!.GetValue<string>());
        Assert.Equal("BUILD_INTERRUPTED", phase["contexts"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Contains("shut down", phase["contexts"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await ContainersAsync(id));
        second.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_build_left_in_progress_by_a_crash_ends_FAILED_with_the_reason_when_the_local_cloud_starts_again()
    {
        using var state = new TempDirectory();
        var stateFile = Path.Combine(state.Path, "codebuild.json");
        string id;
        string snapshot;
        await using (var first = await StartAsync(state.Path))
        {
            id = await StartSleepingBuildAsync(first);
            snapshot = await File.ReadAllTextAsync(stateFile);
        }

        // What a killed process leaves: the last state written while the build ran, and its build container still running.
        await File.WriteAllTextAsync(stateFile, snapshot);
        await LeftoverContainerAsync(state.Path, id);
        Assert.Single(await ContainersAsync(id));
        await using var second = await StartAsync(state.Path);
        var build = (await second.Cli.JsonAsync("codebuild", "batch-get-builds", "--ids", id))["builds"]![0]!.AsObject();

        Assert.Equal("FAILED", build["buildStatus"]!.GetValue<string>());
        Assert.Equal("COMPLETED", build["currentPhase"]!.GetValue<string>());
        var phase = CodeBuildFixture.Phase(build, "BUILD");
        Assert.Equal("FAILED", phase["phaseStatus"]!.GetValue<string>());
        Assert.Equal("BUILD_INTERRUPTED", phase["contexts"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Contains("phase BUILD", phase["contexts"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await ContainersAsync(id));
        second.AssertResponsesMatchBotocore();
    }

    private static Task<TestCloud> StartAsync(string state) =>
        TestCloud.StartAsync(state, builder => builder.WithCodeBuildMinute(TimeSpan.FromSeconds(1)));

    private static async Task<string> StartSleepingBuildAsync(TestCloud cloud)
    {
        var project = new JsonObject
        {
            ["name"] = "sleeper",
            ["source"] = new JsonObject { ["type"] = "NO_SOURCE", ["buildspec"] = Sleeping },
            ["artifacts"] = new JsonObject { ["type"] = "NO_ARTIFACTS" },
            ["environment"] = new JsonObject { ["type"] = "LINUX_CONTAINER", ["image"] = "aws/codebuild/standard:7.0", ["computeType"] = "BUILD_GENERAL1_SMALL" },
            ["serviceRole"] = CodeBuildFixture.Role,
        };
        await CodeBuildFixture.CreateServiceRoleAsync(cloud.Cli);
        await cloud.Cli.JsonAsync("codebuild", "create-project", "--cli-input-json", project.ToJsonString());
        var id = (await cloud.Cli.JsonAsync("codebuild", "start-build", "--project-name", "sleeper"))["build"]!["id"]!.GetValue<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var build = (await cloud.Cli.JsonAsync("codebuild", "batch-get-builds", "--ids", id))["builds"]![0]!;
            if (build["currentPhase"]!.GetValue<string>() == "BUILD")
            {
                return id;
            }

            Assert.True(DateTime.UtcNow < deadline, $"build never reached BUILD: {build}");
            await Task.Delay(200);
        }
    }

    private static async Task LeftoverContainerAsync(string stateDirectory, string buildId)
    {
        using var docker = new DockerClientConfiguration().CreateClient();
        var image = (await docker.Images.ListImagesAsync(new ImagesListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { ["deploy-local/codebuild-standard"] = true } } }))[0];
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image.ID,
            Cmd = ["sleep", "300"],
            Labels = new Dictionary<string, string> { [ContainerLabels.Owner] = ContainerLabels.OwnerValue(stateDirectory), [ContainerLabels.Build] = buildId },
        });
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
    }

    private static async Task<IList<ContainerListResponse>> ContainersAsync(string buildId)
    {
        using var docker = new DockerClientConfiguration().CreateClient();
        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Build}={buildId}"] = true } },
        });
    }
}
