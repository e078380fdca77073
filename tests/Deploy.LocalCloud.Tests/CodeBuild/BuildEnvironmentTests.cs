using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Deploy.LocalCloud.Docker;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests.CodeBuild;

/// <summary>What a build container gets: its environment and mounts, the role's credentials (through the endpoint only), Docker with PrivilegedMode.</summary>
public sealed class BuildEnvironmentTests(CodeBuildFixture fixture) : IClassFixture<CodeBuildFixture>
{
    private const string Waiting = """
        version: 0.2
        phases:
          build:
            commands:
              - sleep 60
        """;

    [Fact]
    public async Task The_role_credentials_come_only_from_the_endpoint_and_the_aws_cli_and_AWSSDK_resolve_them_to_the_assumed_role()
    {
        var project = await fixture.ProjectAsync(Waiting);
        var id = await fixture.StartAsync(project);
        using var docker = new DockerClientConfiguration().CreateClient();
        var container = await RunningContainerAsync(docker, id);
        var environment = container.Config.Env.Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e[1]);
        var sessionName = "AWSCodeBuild-" + id.Split(':')[1];

        // botocore's container provider (the aws CLI) with exactly the build's credential variables, no keys.
        var cli = await ProcessRunner.RunAsync("aws", ["sts", "get-caller-identity", "--output", "json"], new Dictionary<string, string>
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"],
            ["AWS_ENDPOINT_URL"] = environment["AWS_ENDPOINT_URL"],
            ["AWS_DEFAULT_REGION"] = environment["AWS_DEFAULT_REGION"],
            ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
        }, inheritEnvironment: false);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal($"arn:aws:sts::000000000000:assumed-role/codebuild-tests/{sessionName}", JsonNode.Parse(cli.Stdout)!["Arn"]!.GetValue<string>());

        // AWSSDK.Core's own container credentials provider.
        var credentials = await ContainerCredentialsAsync(environment);
        using var sts = new AmazonSecurityTokenServiceClient(new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token), new AmazonSecurityTokenServiceConfig { ServiceURL = environment["AWS_ENDPOINT_URL"], AuthenticationRegion = "us-east-1" });
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal($"arn:aws:sts::000000000000:assumed-role/codebuild-tests/{sessionName}", identity.Arn);
        Assert.StartsWith("ASIA", credentials.AccessKey, StringComparison.Ordinal);

        // No key, secret or token in the container's environment, the build record or the log.
        Assert.DoesNotContain(environment.Keys, k => k is "AWS_ACCESS_KEY_ID" or "AWS_SECRET_ACCESS_KEY" or "AWS_SESSION_TOKEN");
        var inspected = string.Join('\n', container.Config.Env);
        await fixture.Cli.JsonAsync("codebuild", "stop-build", "--id", id);
        var build = await fixture.CompletedAsync(id);
        var record = build.ToJsonString() + await fixture.LogAsync(build);
        foreach (var secret in new[] { credentials.SecretKey, credentials.Token })
        {
            Assert.DoesNotContain(secret, inspected, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, record, StringComparison.Ordinal);
        }

        Assert.Equal("STOPPED", build["buildStatus"]!.GetValue<string>());
        fixture.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task The_container_gets_CodeBuilds_variables_the_host_sdk_read_only_and_no_docker_socket_without_privileged_mode()
    {
        var project = await fixture.ProjectAsync(Waiting, new JsonObject
        {
            ["environment"] = new JsonObject
            {
                ["type"] = "LINUX_CONTAINER",
                ["image"] = "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
                ["computeType"] = "BUILD_GENERAL1_SMALL",
                ["environmentVariables"] = new JsonArray(new JsonObject { ["name"] = "STACK", ["value"] = "platform" }),
            },
        });
        var id = await fixture.StartAsync(project, "--source-version", "v1");
        using var docker = new DockerClientConfiguration().CreateClient();
        var container = await RunningContainerAsync(docker, id);
        var environment = container.Config.Env.Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e[1]);
        var logWhileRunning = await LogOnceItShowsAsync(id, "Running command sleep 60");
        Assert.Equal("IN_PROGRESS", fixture.Cloud.Instance.Services.GetRequiredService<Deploy.LocalCloud.CodeBuild.ICodeBuildRuns>().Get(id)!["buildStatus"]!.GetValue<string>());
        await fixture.Cli.JsonAsync("codebuild", "stop-build", "--id", id);

        Assert.Contains("Entering phase BUILD", logWhileRunning, StringComparison.Ordinal);

        Assert.Equal(id, environment["CODEBUILD_BUILD_ID"]);
        Assert.Equal($"arn:aws:codebuild:us-east-1:000000000000:build/{id}", environment["CODEBUILD_BUILD_ARN"]);
        Assert.Equal("1", environment["CODEBUILD_BUILD_NUMBER"]);
        Assert.Equal("local", environment["CODEBUILD_INITIATOR"]);
        Assert.StartsWith("/codebuild/output/src", environment["CODEBUILD_SRC_DIR"], StringComparison.Ordinal);
        Assert.Equal("v1", environment["CODEBUILD_SOURCE_VERSION"]);
        Assert.Equal("1", environment["CODEBUILD_BUILD_SUCCEEDING"]);
        Assert.Equal("aws/codebuild/amazonlinux2-x86_64-standard:5.0", environment["CODEBUILD_BUILD_IMAGE"]);
        Assert.Matches("^[0-9]{13}$", environment["CODEBUILD_START_TIME"]);
        Assert.Equal("us-east-1", environment["AWS_REGION"]);
        Assert.Equal("us-east-1", environment["AWS_DEFAULT_REGION"]);
        Assert.Equal(fixture.Cloud.Instance.Endpoint.ToString().TrimEnd('/'), environment["AWS_ENDPOINT_URL"]);
        Assert.Equal("platform", environment["STACK"]);
        Assert.Equal("host", container.HostConfig.NetworkMode);
        Assert.Contains(container.HostConfig.Binds, b => b.EndsWith(":/usr/share/dotnet:ro", StringComparison.Ordinal));
        Assert.DoesNotContain(container.HostConfig.Binds, b => b.Contains("docker.sock", StringComparison.Ordinal));
        Assert.Equal(ContainerLabels.OwnerValue(fixture.Cloud.Instance.Options.StateDirectory), container.Config.Labels[ContainerLabels.Owner]);
        Assert.StartsWith("deploy-local/codebuild-standard:", container.Config.Image, StringComparison.Ordinal);
        await fixture.CompletedAsync(id);
    }

    [Theory]
    [InlineData(true, "SUCCEEDED")]
    [InlineData(false, "FAILED")]
    public async Task A_build_that_calls_docker_works_only_in_privileged_mode(bool privileged, string expected)
    {
        var project = await fixture.ProjectAsync("""
            version: 0.2
            phases:
              build:
                commands:
                  - docker version --format '{{.Server.APIVersion}}'
            """);

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project, privileged ? "--privileged-mode-override" : "--no-privileged-mode-override"));

        Assert.Equal(expected, build["buildStatus"]!.GetValue<string>());
        Assert.Equal(privileged, build["environment"]!["privilegedMode"]!.GetValue<bool>());
        if (!privileged)
        {
            Assert.Contains("Cannot connect to the Docker daemon", await fixture.LogAsync(build), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_sdk_that_global_json_names_runs_in_the_build_and_dpkg_knows_the_images_packages()
    {
        var project = await fixture.ProjectAsync("""
            version: 0.2
            env:
              exported-variables:
                - SDK
            phases:
              build:
                commands:
                  - export SDK="$(dotnet --list-sdks | cut -d' ' -f1 | tr '\n' ' ')"
                  - git --version && curl --version | head -1 && bash --version | head -1
                  # dpkg's database of the image: BuildImage makes the service's offline runtime base from it.
                  - dpkg-query -W libc6 libssl3 ca-certificates tzdata
                  - test -f /var/lib/dpkg/info/ca-certificates.list
            """);

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project));

        Assert.True(build["buildStatus"]!.GetValue<string>() == "SUCCEEDED", await fixture.LogAsync(build));
        var globalJson = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "global.json")))!["sdk"]!["version"]!.GetValue<string>();
        Assert.Contains(globalJson, build["exportedEnvironmentVariables"]![0]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_finds_the_hosts_packages_in_the_read_only_fallback_folder_without_any_feed()
    {
        var project = await fixture.ProjectAsync("""
            version: 0.2
            phases:
              build:
                commands:
                  - mkdir -p /tmp/app /tmp/empty-feed && cd /tmp/app
                  - printf '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include="Newtonsoft.Json" Version="13.0.3" /></ItemGroup></Project>' > app.csproj
                  - dotnet restore --source /tmp/empty-feed
                  - test ! -d /root/.nuget/packages/newtonsoft.json
            """);

        var build = await fixture.CompletedAsync(await fixture.StartAsync(project), TimeSpan.FromMinutes(3));

        Assert.True(build["buildStatus"]!.GetValue<string>() == "SUCCEEDED", await fixture.LogAsync(build));
    }

    /// <summary>The build's CloudWatch log as the aws CLI reads it, once it contains <paramref name="text"/> (the build still running).</summary>
    private async Task<string> LogOnceItShowsAsync(string buildId, string text)
    {
        var logs = (await fixture.Cli.JsonAsync("codebuild", "batch-get-builds", "--ids", buildId))["builds"]![0]!["logs"]!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (true)
        {
            // The group appears with the first batch of lines (appends are batched once a second).
            var read = await fixture.Cli.RunAsync("logs", "get-log-events", "--log-group-name", logs["groupName"]!.GetValue<string>(),
                "--log-stream-name", logs["streamName"]!.GetValue<string>(), "--start-from-head");
            var log = read.ExitCode == 0 ? string.Join('\n', JsonNode.Parse(read.Stdout)!["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>())) : string.Empty;
            if (log.Contains(text, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                return log;
            }

            await Task.Delay(500);
        }
    }

    private static async Task<ContainerInspectResponse> RunningContainerAsync(DockerClient docker, string buildId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            var found = await docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Build}={buildId}"] = true } },
            });
            if (found.Count > 0)
            {
                return await docker.Containers.InspectContainerAsync(found[0].ID);
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"no running container for {buildId}");
    }

    /// <summary>AWSSDK.Core's GenericContainerCredentials reads the variables from the process environment, as in a build.</summary>
    private static async Task<ImmutableCredentials> ContainerCredentialsAsync(Dictionary<string, string> environment)
    {
        Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI", environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]);
        Environment.SetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN", environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]);
        try
        {
            return await new GenericContainerCredentials().GetCredentialsAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI", null);
            Environment.SetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN", null);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "global.json")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("global.json not found above the test assembly");
    }
}
