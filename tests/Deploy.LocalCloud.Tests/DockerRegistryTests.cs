using System.Text.RegularExpressions;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests;

/// <summary>The real Docker CLI against the local registry: login with the ECR password, push, pull.</summary>
public sealed partial class DockerRegistryTests
{
    [Fact]
    public async Task Docker_logs_in_with_the_ecr_password_pushes_and_pulls_back_the_image_ecr_describes()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var docker = new DockerCli();
        var repository = await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "sample/web");
        var uri = repository["repository"]!["repositoryUri"]!.GetValue<string>();
        var source = await docker.ImportTinyImageAsync($"localcloud-test/tiny:{Guid.NewGuid():N}", "round trip");
        await LoginAsync(cloud, docker);

        await docker.MustRunAsync(["tag", source, $"{uri}:v1"]);
        var push = await docker.MustRunAsync(["push", $"{uri}:v1"]);
        var pushedDigest = PushedDigest().Match(push.Stdout).Groups[1].Value;
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "sample/copy");
        await docker.MustRunAsync(["tag", source, $"{cloud.Instance.RegistryHost}/sample/copy:v1"]);
        var copy = await docker.MustRunAsync(["push", $"{cloud.Instance.RegistryHost}/sample/copy:v1"]);
        await docker.MustRunAsync(["rmi", $"{uri}:v1", $"{cloud.Instance.RegistryHost}/sample/copy:v1", source]);
        var pull = await docker.MustRunAsync(["pull", $"{uri}:v1"]);
        var run = await docker.MustRunAsync(["run", "--rm", $"{uri}:v1"]);
        var images = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "sample/web");

        Assert.StartsWith("sha256:", pushedDigest, StringComparison.Ordinal);
        Assert.Contains(pushedDigest, pull.Stdout, StringComparison.Ordinal);
        Assert.Equal("round trip", run.Stdout.Trim());
        // The blob store is shared, so the second repository already has the layer (or Docker mounts it).
        Assert.Matches("Layer already exists|Mounted from sample/web", copy.Stdout);
        Assert.DoesNotContain(": Pushed", copy.Stdout, StringComparison.Ordinal);
        var image = EcrCliTests.ImageByDigest(images, pushedDigest);
        Assert.NotNull(image);
        Assert.Equal("[\"v1\"]", image["imageTags"]!.ToJsonString());
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", image["imageManifestMediaType"]!.GetValue<string>());
        Assert.NotNull(image["lastRecordedPullTime"]);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Docker_cannot_move_an_immutable_tag_to_a_different_image()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var docker = new DockerCli();
        var repository = await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "frozen", "--image-tag-mutability", "IMMUTABLE");
        var uri = repository["repository"]!["repositoryUri"]!.GetValue<string>();
        var first = await docker.ImportTinyImageAsync($"localcloud-test/first:{Guid.NewGuid():N}", "first");
        var second = await docker.ImportTinyImageAsync($"localcloud-test/second:{Guid.NewGuid():N}", "second");
        await LoginAsync(cloud, docker);

        await docker.MustRunAsync(["tag", first, $"{uri}:release"]);
        await docker.MustRunAsync(["push", $"{uri}:release"]);
        await docker.MustRunAsync(["tag", second, $"{uri}:release"]);
        var refused = await docker.RunAsync(["push", $"{uri}:release"]);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("tag invalid", refused.Stderr + refused.Stdout, StringComparison.OrdinalIgnoreCase);
        var images = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "frozen");
        Assert.Single(images["imageDetails"]!.AsArray());
        cloud.AssertResponsesMatchBotocore();
    }

    private static async Task LoginAsync(TestCloud cloud, DockerCli docker)
    {
        var password = await cloud.Cli.RunAsync("ecr", "get-login-password");
        Assert.True(password.ExitCode == 0, password.ToString());
        await docker.MustRunAsync(["login", "--username", "AWS", "--password-stdin", cloud.Instance.RegistryHost], stdin: password.Stdout);
    }

    [GeneratedRegex(@"digest: (sha256:[a-f0-9]{64})")]
    private static partial Regex PushedDigest();
}
