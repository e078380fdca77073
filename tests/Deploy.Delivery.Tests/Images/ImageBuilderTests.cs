using Deploy.Delivery.Images;
using Deploy.Engine;
using Docker.DotNet;
using Docker.DotNet.Models;
using Xunit.Abstractions;

namespace Deploy.Delivery.Tests.Images;

// Real Docker engine and the docker CLI as the oracle for what a build context holds.
[Collection("Docker engine")]
public sealed class ImageBuilderTests(BusyboxImage busybox, ITestOutputHelper output) : IClassFixture<BusyboxImage>
{
    [Theory]
    [MemberData(nameof(DockerIgnoreCases.Table), MemberType = typeof(DockerIgnoreCases))]
    public async Task Docker_build_and_our_builder_copy_what_the_dockerignore_table_says(string dockerignore, string absent)
    {
        var root = DockerIgnoreCases.CreateTree(dockerignore);
        using var docker = Tools.CreateDockerClient();
        var images = new List<string>();
        try
        {
            images.Add(await Tools.RunAsync("sh", "-c", $"DOCKER_BUILDKIT=0 docker build -q '{root}'"));
            images.Add((await new ImageBuilder(docker, new LevelLog()).BuildAsync(new ImageBuildOptions(root, []))).Id);

            var expected = DockerIgnoreCases.Expected(absent);
            Assert.Equal(expected, await CopiedFilesAsync(images[0]));
            Assert.Equal(expected, await CopiedFilesAsync(images[1]));
        }
        finally
        {
            // Ours builds on the CLI's cached steps: removing it first takes the CLI's untagged image along.
            foreach (var image in Enumerable.Reverse(images))
                await docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true }).ContinueWith(_ => { }, TaskScheduler.Default);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Files_the_dockerignore_excludes_are_absent_from_the_image()
    {
        using var context = new ContextDirectory()
            .Write("Dockerfile", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY . /app/\n")
            .Write(".dockerignore", "Dockerfile\nsecret.env\nlogs\n!logs/keep.log\n")
            .Write("app.txt", "app")
            .Write("secret.env", "PASSWORD=hunter2")
            .Write("logs/debug.log", "noise")
            .Write("logs/keep.log", "kept");
        using var docker = Tools.CreateDockerClient();
        var labels = new Dictionary<string, string> { [OciLabels.Revision] = "abc123", [OciLabels.Version] = "1.2.3" };
        var built = await new ImageBuilder(docker, new LevelLog()).BuildAsync(new ImageBuildOptions(context.Root, []) { BaseImage = busybox.Image, Labels = labels });
        try
        {
            var files = await Tools.DockerAsync("run", "--rm", built.Id, "find", "/app");
            var history = await Tools.DockerAsync("history", "--no-trunc", "--format", "{{.CreatedBy}}", built.Id);
            var config = (await docker.Images.InspectImageAsync(built.Id)).Config.Labels;

            Assert.Equal(["/app", "/app/.dockerignore", "/app/app.txt", "/app/logs", "/app/logs/keep.log"], files.Split('\n').Order(StringComparer.Ordinal));
            // The Dockerfile is ignored, so the labels ride on it: one LABEL step for four labels.
            Assert.Single(history.Split('\n'), line => line.Contains("LABEL", StringComparison.Ordinal));
            Assert.Equal(("abc123", "1.2.3", built.ContextDigest), (config[OciLabels.Revision], config[OciLabels.Version], config[ImageBuilder.ContextDigestLabel]));
            Assert.Contains(OciLabels.Created, config.Keys);
        }
        finally
        {
            await docker.Images.DeleteImageAsync(built.Id, new ImageDeleteParameters { Force = true });
        }
    }

    [Fact]
    public async Task A_failing_RUN_step_fails_the_build_naming_the_step_and_its_last_output_lines()
    {
        using var context = new ContextDirectory().Write(
            "Dockerfile",
            "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo preparing\nRUN echo compiling the thing && echo 'error: it broke' >&2 && exit 3\nRUN echo never\n");
        using var docker = Tools.CreateDockerClient();
        var log = new LevelLog();
        var builder = new ImageBuilder(docker, log);
        var options = new ImageBuildOptions(context.Root, [$"deploy-test/failing:{Guid.NewGuid():N}"]) { BaseImage = busybox.Image, StepLinesOnly = true };

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => builder.BuildAsync(options));
        output.WriteLine(failure.Message);

        // The builder adds one LABEL step per label after the Dockerfile's five.
        Assert.Matches(@"^Image build failed at Step 4/\d+ : RUN echo compiling the thing && echo 'error: it broke' >&2 && exit 3: ", failure.Message);
        Assert.Contains("returned a non-zero code: 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\n  compiling the thing", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\n  error: it broke", failure.Message, StringComparison.Ordinal); // standard error, without colour codes
        Assert.DoesNotContain("Removing intermediate container", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("preparing", failure.Message, StringComparison.Ordinal);
        var engineLines = log.Texts.Where(line => !line.StartsWith("Build context: ", StringComparison.Ordinal));
        Assert.All(engineLines, line => Assert.StartsWith("Step ", line, StringComparison.Ordinal)); // quiet on CI
        Assert.DoesNotContain(log.Texts, line => line.StartsWith("Step 5/", StringComparison.Ordinal));
        await Assert.ThrowsAsync<DockerImageNotFoundException>(() => docker.Images.InspectImageAsync(options.Tags[0]));
    }

    [Fact]
    public async Task A_second_build_without_changes_is_unchanged_and_a_change_rebuilds_and_drops_the_outdated_image()
    {
        using var context = new ContextDirectory()
            .Write("Dockerfile", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY app.txt /app.txt\n")
            .Write("app.txt", "one");
        using var docker = Tools.CreateDockerClient();
        var repository = $"deploy-test/unchanged-{Guid.NewGuid():N}";
        var builder = new ImageBuilder(docker, new LevelLog());
        var options = new ImageBuildOptions(context.Root, [$"{repository}:abc123", $"{repository}:main"])
        {
            BaseImage = busybox.Image,
            Labels = new Dictionary<string, string> { [OciLabels.Revision] = "abc123" },
        };
        try
        {
            var first = await builder.BuildAsync(options);
            var second = await builder.BuildAsync(options);
            var onAnotherBranch = await builder.BuildAsync(options with { Tags = [$"{repository}:abc123", $"{repository}:other"] });
            context.Write("app.txt", "two");
            var changed = await builder.BuildAsync(options);
            var labels = (await docker.Images.InspectImageAsync(changed.Id)).Config.Labels;

            Assert.False(first.Unchanged);
            Assert.Equal((true, first.Id, first.ContextDigest), (second.Unchanged, second.Id, second.ContextDigest));
            Assert.Equal((true, first.Id), (onAnotherBranch.Unchanged, (await docker.Images.InspectImageAsync($"{repository}:other")).ID));
            Assert.False(changed.Unchanged);
            Assert.NotEqual(first.ContextDigest, changed.ContextDigest);
            Assert.Equal(changed.Id, (await docker.Images.InspectImageAsync($"{repository}:main")).ID);
            Assert.Equal(changed.ContextDigest, labels[ImageBuilder.ContextDigestLabel]);
            Assert.Equal("abc123", labels[OciLabels.Revision]);
            Assert.True(DateTimeOffset.TryParse(labels[OciLabels.Created], out var created) && created > DateTimeOffset.UtcNow.AddMinutes(-5));
        }
        finally
        {
            foreach (var tag in new[] { "abc123", "main", "other" })
                await Tools.DockerAsync("image", "rm", "-f", $"{repository}:{tag}").ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    // The paths under /ctx/ of an image built from DockerIgnoreCases.Dockerfile, read from an exported container.
    private static async Task<SortedSet<string>> CopiedFilesAsync(string image)
    {
        var container = await Tools.DockerAsync("create", image, "unused");
        try
        {
            var listing = await Tools.RunAsync("sh", "-c", $"docker export {container} | tar -t");
            return new SortedSet<string>(
                listing.Split('\n').Where(l => l.StartsWith("ctx/", StringComparison.Ordinal)).Select(l => l[4..].TrimEnd('/')).Where(l => l.Length > 0),
                StringComparer.Ordinal);
        }
        finally
        {
            await Tools.DockerAsync("rm", container);
        }
    }
}

/// <summary>A throw-away build context.</summary>
internal sealed class ContextDirectory : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("image-context-").FullName;

    public ContextDirectory Write(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
