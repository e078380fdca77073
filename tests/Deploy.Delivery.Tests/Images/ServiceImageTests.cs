using System.Diagnostics;
using System.Net.Http.Json;
using Deploy.Delivery.Images;
using Deploy.Engine;
using Docker.DotNet.Models;
using Xunit.Abstractions;

namespace Deploy.Delivery.Tests.Images;

// Real Docker engine and dotnet publish: what BuildImage does, end to end.
[Collection("Docker engine")]
public sealed class ServiceImageTests(ITestOutputHelper output)
{
    // ".invalid" never resolves, so the locally produced base is used with or without internet (it is kept).
    private const string Unpullable = "registry.invalid/dotnet/runtime-deps:10.0";
    private const string Commit = "0123456789abcdef0123456789abcdef01234567-dirty";

    [Fact]
    public async Task The_sample_service_image_is_tagged_by_its_content_labelled_answers_with_its_commit_and_is_unchanged_without_a_publish_on_a_second_build()
    {
        using var docker = Tools.CreateDockerClient();
        // As in a fresh checkout (or CodeBuild's source folder): not even artifacts/ exists yet.
        var scratch = Directory.CreateTempSubdirectory("sample-service-publish-").FullName;
        var publish = Path.Combine(scratch, "artifacts", "publish");
        var repository = $"deploy-test/sample-service-{Guid.NewGuid():N}";
        var revision = new SourceRevision(Commit, "feature/image build", "https://gitlab.example.com/team/sample-service");
        var project = Path.Combine(Tools.RepositoryRoot(), "src", "Deploy.SampleService");
        var request = new ServiceImageRequest(project, publish, repository, revision) { WantedBase = Unpullable, Checkout = "0123456789abcdef" };
        var log = new LevelLog();
        var images = new ServiceImage(docker, new ToolRunner(log), log);
        string? container = null;
        try
        {
            var clock = Stopwatch.StartNew();
            var first = await images.BuildAsync(request);
            var cold = clock.Elapsed;
            var publishes = log.Texts.Count(IsPublish);
            clock.Restart();
            var second = await images.BuildAsync(request);
            var warm = clock.Elapsed;
            output.WriteLine($"first build {cold.TotalSeconds:0.0}s (fresh publish directory, image absent), second {warm.TotalSeconds:0.0}s (unchanged)");
            output.WriteLine(string.Join('\n', log.Texts));

            var labels = (await docker.Images.InspectImageAsync(first.Id)).Config.Labels;
            var content = labels[ServiceInputs.Label][..12];
            Assert.Equal([$"{repository}:{Commit}-{content}", $"{repository}:feature-image-build"], first.Tags);
            Assert.Equal($"{Commit}-{content}", first.Commit);
            foreach (var tag in first.Tags)
                Assert.Equal(first.Id, (await docker.Images.InspectImageAsync(tag)).ID);
            Assert.Equal($"{Commit}-{content}", labels[OciLabels.Revision]);
            Assert.Equal("https://gitlab.example.com/team/sample-service", labels[OciLabels.Source]);
            Assert.Equal($"0123456789ab-dirty-{content}", labels[OciLabels.Version]);
            Assert.Equal("0123456789abcdef", labels[LocalImagePruner.CheckoutLabel]);
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", labels[OciLabels.Created]);
            Assert.Matches("^sha256:[0-9a-f]{64}$", labels[ImageBuilder.ContextDigestLabel]);
            Assert.Equal(RuntimeBaseImage.Local, first.Base);
            Assert.Contains(log.Texts, line => line.StartsWith($"Base image: {RuntimeBaseImage.Local} (produced locally) - {Unpullable} could not be pulled", StringComparison.Ordinal));
            Assert.Equal((true, first.Id), (second.Unchanged, second.Id));
            Assert.Equal(first.Tags, second.Tags);
            Assert.Equal(1, publishes);
            Assert.Equal(publishes, log.Texts.Count(IsPublish));

            container = await Tools.DockerAsync("run", "-d", "-p", "127.0.0.1:0:8080", first.Image);
            var address = (await Tools.DockerAsync("port", container, "8080/tcp")).Split('\n')[0];
            var info = await GetWhenUpAsync(new Uri($"http://{address}/"));
            Assert.Equal(new Dictionary<string, string> { ["service"] = "sample-service", ["version"] = $"0123456789ab-dirty-{content}", ["commit"] = $"{Commit}-{content}" }, info);
        }
        finally
        {
            if (container is not null)
                await Tools.DockerAsync("rm", "-f", container);
            foreach (var image in await docker.Images.ListImagesAsync(new ImagesListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [repository] = true } } }))
                await docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }).ContinueWith(_ => { }, TaskScheduler.Default);
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static bool IsPublish(string line) => line.Contains("dotnet publish", StringComparison.Ordinal);

    private static async Task<Dictionary<string, string>?> GetWhenUpAsync(Uri address)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await http.GetFromJsonAsync<Dictionary<string, string>>(address);
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
