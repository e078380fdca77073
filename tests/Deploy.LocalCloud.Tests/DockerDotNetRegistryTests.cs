using Deploy.LocalCloud.Tests.Support;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.LocalCloud.Tests;

/// <summary>Docker.DotNet (what the BuildImage/PushEcr targets use) against the local registry through the Engine API.</summary>
public sealed class DockerDotNetRegistryTests
{
    [Fact]
    public async Task Docker_dotnet_pushes_with_the_ecr_credentials_and_pulls_back_by_digest()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var dockerCli = new DockerCli();
        using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
        var repository = await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "dotnet/app");
        var uri = repository["repository"]!["repositoryUri"]!.GetValue<string>();
        var password = (await cloud.Cli.RunAsync("ecr", "get-login-password")).Stdout.Trim();
        var auth = new AuthConfig { Username = "AWS", Password = password, ServerAddress = cloud.Instance.RegistryHost };
        var source = await dockerCli.ImportTinyImageAsync($"localcloud-test/dotnet:{Guid.NewGuid():N}", "docker.dotnet");
        var messages = new List<JSONMessage>();
        var progress = new Progress<JSONMessage>(m => { lock (messages) { messages.Add(m); } });

        await docker.Images.TagImageAsync(source, new ImageTagParameters { RepositoryName = uri, Tag = "v1" });
        await docker.Images.PushImageAsync($"{uri}:v1", new ImagePushParameters(), auth, progress);
        await docker.Images.DeleteImageAsync($"{uri}:v1", new ImageDeleteParameters());
        await docker.Images.DeleteImageAsync(source, new ImageDeleteParameters());
        var images = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "dotnet/app");
        var digest = images["imageDetails"]![0]!["imageDigest"]!.GetValue<string>();
        await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = $"{uri}@{digest}" }, auth, progress);
        var pulled = await docker.Images.InspectImageAsync($"{uri}@{digest}");

        Assert.DoesNotContain(messages, m => m.Error is not null);
        Assert.Contains($"{uri}@{digest}", pulled.RepoDigests);
        cloud.AssertResponsesMatchBotocore();
    }
}
