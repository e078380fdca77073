using System.Net.Http.Json;
using Deploy.Delivery.Images;
using Docker.DotNet;
using Docker.DotNet.Models;
using Xunit.Abstractions;

namespace Deploy.Delivery.Tests.Images;

// Real Docker engine: CI runs dockerd, and no registry is reachable, so the local base is what gets produced.
// One collection for tests that touch the engine's shared tags: one of these briefly retags the local base.
[Collection("Docker engine")]
public sealed class RuntimeBaseImageTests(ITestOutputHelper output)
{
    // ".invalid" never resolves, so the pull fails the same way with or without internet.
    private const string Unpullable = "registry.invalid/dotnet/runtime-deps:10.0";

    [Fact]
    public void The_produced_base_is_named_after_the_host_release()
    {
        Assert.Equal("debian12", RuntimeBaseImage.HostRelease(["PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"", "ID=debian", "VERSION_ID=\"12\""]));
        Assert.Equal("ubuntu24.04", RuntimeBaseImage.HostRelease(["ID=ubuntu", "VERSION_ID=\"24.04\""]));
        Assert.Equal("debian", RuntimeBaseImage.HostRelease(["ID=debian"]));
        Assert.Equal("debian", RuntimeBaseImage.HostRelease([]));
        Assert.StartsWith("10.0-", RuntimeBaseImage.LocalTag, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unpullable_base_falls_back_to_the_produced_image_and_reuses_it_while_the_recipe_is_unchanged()
    {
        using var docker = Tools.CreateDockerClient();
        var images = new RuntimeBaseImage(docker);

        var first = await images.ResolveAsync(Unpullable);
        var firstId = (await docker.Images.InspectImageAsync(first.Image)).ID;
        var second = await images.ResolveAsync(Unpullable);
        output.WriteLine($"{first}\n{second}");

        Assert.Equal((RuntimeBaseImage.Local, true), (first.Image, first.Produced));
        Assert.Equal((RuntimeBaseImage.Local, true), (second.Image, second.Produced));
        Assert.Contains("could not be pulled", first.Reason, StringComparison.Ordinal);
        Assert.Contains("reused", second.Reason, StringComparison.Ordinal);
        Assert.Equal(firstId, (await docker.Images.InspectImageAsync(second.Image)).ID);
        Assert.Equal((firstId, firstId), (first.Id, second.Id));
    }

    [Fact]
    public async Task A_shell_form_RUN_step_builds_on_the_produced_base_as_on_runtime_deps()
    {
        using var docker = Tools.CreateDockerClient();
        var baseImage = await new RuntimeBaseImage(docker).ResolveAsync(Unpullable);
        using var context = new ContextDirectory().Write(
            "Dockerfile",
            "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN mkdir -p /data && echo \"$(id -u) $(basename /bin/sh)\" > /data/who && cat /data/who | grep -q '^0 sh$' && ls /usr/bin | grep -c . > /data/count && sed -n 1p /etc/passwd | cut -d: -f1 > /data/root && test \"$(cat /data/root)\" = root\n");
        var tag = $"deploy-test/shell-form:{Guid.NewGuid():N}";
        var log = new LevelLog();
        try
        {
            var built = await new ImageBuilder(docker, log).BuildAsync(new ImageBuildOptions(context.Root, [tag]) { BaseImage = baseImage.Image });
            output.WriteLine(string.Join('\n', log.Texts));

            Assert.False(built.Unchanged);
            Assert.Equal("0 sh", await Tools.DockerAsync("run", "--rm", "--entrypoint", "/bin/sh", tag, "-c", "cat /data/who"));
        }
        finally
        {
            await Tools.DockerAsync("image", "rm", "-f", tag).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task A_produced_base_whose_recipe_changed_is_produced_again_and_the_outdated_one_removed()
    {
        using var docker = Tools.CreateDockerClient();
        var images = new RuntimeBaseImage(docker);
        var current = (await docker.Images.InspectImageAsync((await images.ResolveAsync(Unpullable)).Image)).ID;
        var outdated = new ImagesCreateParameters
        {
            FromSrc = "-",
            Repo = RuntimeBaseImage.LocalRepository,
            Tag = RuntimeBaseImage.LocalTag,
            Changes = [$"LABEL {RuntimeBaseImage.RecipeLabel}=outdated"],
        };
        await docker.Images.CreateImageAsync(outdated, new MemoryStream(new byte[1024]), null, new Progress<JSONMessage>()); // an empty tar
        var outdatedId = (await docker.Images.InspectImageAsync(RuntimeBaseImage.Local)).ID;

        var choice = await images.ResolveAsync(Unpullable);

        Assert.Contains("; produced", choice.Reason, StringComparison.Ordinal);
        Assert.NotEqual(outdatedId, (await docker.Images.InspectImageAsync(RuntimeBaseImage.Local)).ID);
        await Assert.ThrowsAsync<DockerImageNotFoundException>(() => docker.Images.InspectImageAsync(outdatedId));
        // Untagged by the outdated import; it stays when images (e.g. BuildImage's) were built on it.
        await docker.Images.DeleteImageAsync(current, new ImageDeleteParameters()).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_base_present_in_the_engine_is_used_as_it_is()
    {
        using var docker = Tools.CreateDockerClient();
        var images = new RuntimeBaseImage(docker);
        var produced = await images.ResolveAsync(Unpullable);
        var present = $"deploy-test/present:{Guid.NewGuid():N}";
        await docker.Images.TagImageAsync(produced.Image, new ImageTagParameters { RepositoryName = present.Split(':')[0], Tag = present.Split(':')[1] });
        try
        {
            var choice = await images.ResolveAsync(present);

            Assert.Equal(new BaseImageChoice(present, produced.Id, false, $"{present} is present in the Docker engine"), choice);
        }
        finally
        {
            await docker.Images.DeleteImageAsync(present, new ImageDeleteParameters());
        }
    }

    [Fact]
    public async Task The_sample_service_built_on_the_produced_base_serves_its_commit_and_turns_healthy()
    {
        using var docker = Tools.CreateDockerClient();
        var baseImage = await new RuntimeBaseImage(docker).ResolveAsync(Unpullable);
        var context = Directory.CreateTempSubdirectory("sample-service-image-");
        var tag = $"deploy-test/sample-service:{Guid.NewGuid():N}";
        string? container = null;
        try
        {
            // Published on the host, as the image build expects; the publish directory is the build context.
            await Tools.RunAsync("dotnet", "publish", Path.Combine(Tools.RepositoryRoot(), "src", "Deploy.SampleService"),
                "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", context.FullName);
            await Tools.DockerAsync("build", "-q", "-t", tag, "--build-arg", $"BASE_IMAGE={baseImage.Image}",
                "--build-arg", "SERVICE_VERSION=1.2.3", "--build-arg", "SERVICE_COMMIT=0123abc", context.FullName);
            // A 1s health interval only speeds the check up; the check itself is the Dockerfile's HEALTHCHECK.
            container = await Tools.DockerAsync("run", "-d", "--health-interval", "1s", "-p", "127.0.0.1:0:8080", tag);
            var address = await Tools.DockerAsync("port", container, "8080/tcp");

            Assert.Equal("healthy", await WaitForHealthAsync(container));
            using var http = new HttpClient();
            var info = await http.GetFromJsonAsync<Dictionary<string, string>>(new Uri($"http://{address.Split('\n')[0]}/"));
            Assert.Equal(new Dictionary<string, string> { ["service"] = "sample-service", ["version"] = "1.2.3", ["commit"] = "0123abc" }, info);
        }
        finally
        {
            if (container is not null)
                await Tools.DockerAsync("rm", "-f", container);
            await Tools.DockerAsync("image", "rm", "-f", tag).ContinueWith(_ => { }, TaskScheduler.Default);
            context.Delete(recursive: true);
        }
    }

    private static async Task<string> WaitForHealthAsync(string container)
    {
        var status = "";
        for (var attempt = 0; attempt < 60 && status is not ("healthy" or "unhealthy"); attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            status = await Tools.DockerAsync("inspect", "-f", "{{.State.Health.Status}}", container);
        }

        return status;
    }
}
