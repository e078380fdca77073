using Deploy.Delivery.Images;
using Deploy.Delivery.Machine;
using Deploy.Engine;
using Docker.DotNet;

namespace Deploy.Build;

internal sealed partial class Build
{
    [Parameter("Local repository the service image is tagged in (tags: the commit and the branch)")]
    readonly string ImageName = "deploy/sample-service";

    [Parameter("The Dockerfile, relative to the build context (the service's publish directory)")]
    readonly string Dockerfile = "Dockerfile";

    [Parameter("Extra docker build arguments as KEY=VALUE (comma-separated or repeated)")]
    readonly string[] BuildArgs = [];

    [Parameter("How many of the newest local images of --image-name built by this checkout BuildImage keeps; older ones it built are removed (0: keep all)")]
    readonly int KeepLocalImages = 5;

    string ServiceProject => Path.Combine(RootDirectory, "src", "Deploy.SampleService");

    string PublishDirectory => Path.Combine(ArtifactsDirectory, "publish", "sample-service");

    /// <summary>Read by PushEcr.</summary>
    string ImageFile => Path.Combine(ArtifactsDirectory, "image.json");

    Target BuildImage => _ => _
        .Description("Builds the service image through the Docker Engine API, tagged with the commit and branch")
        .Requires(() => KeepLocalImages >= 0)
        .Executes(async ct =>
        {
            var endpoint = await new DockerEngine(Tools, Log, new DebianPackages(Tools, Log), TemporaryDirectory).EnsureRunningAsync(Environment, ct);
            using var configuration = new DockerClientConfiguration(endpoint);
            using var docker = configuration.CreateClient();
            var revision = await SourceRevision.DetectAsync(Host, Environment, Tools, RootDirectory, ct);
            var request = new ServiceImageRequest(ServiceProject, PublishDirectory, ImageName, revision)
            {
                Dockerfile = Dockerfile,
                BuildArgs = ParseBuildArgs(BuildArgs),
                StepLinesOnly = IsServerBuild,
                Checkout = LocalImagePruner.CheckoutId(RootDirectory),
            };

            var image = await new ServiceImage(docker, Tools, Log).BuildAsync(request, ct);
            await image.WriteAsync(ImageFile, ct);
            var shortId = ImageId.Abbreviate(image.Id);
            Log.Information($"Image {shortId} {(image.Unchanged ? "unchanged (same inputs)" : "built")}: {string.Join(", ", image.Tags)}");
            Log.Information($"Wrote {Path.GetRelativePath(RootDirectory, ImageFile)}");
            if (KeepLocalImages > 0)
            {
                var pruned = await new LocalImagePruner(docker).PruneAsync(ImageName, LocalImagePruner.CheckoutId(RootDirectory), KeepLocalImages, image.Id, ct);
                Log.Information(pruned.Describe(ImageName, KeepLocalImages));
                var stages = await new LocalImagePruner(docker).PruneStagesAsync(KeepLocalImages, ct);
                if (stages.Count > 0)
                    Log.Information($"Pruned {stages.Count} old build stage image(s), keeping the newest {KeepLocalImages} as the build cache: {string.Join(", ", stages)}");
            }

            Note($"{(image.Unchanged ? "unchanged " : "")}{shortId} {string.Join(" ", image.Tags.Select(t => t[(t.LastIndexOf(':') + 1)..]))}");
        });

    static Dictionary<string, string> ParseBuildArgs(IEnumerable<string> arguments) =>
        arguments.Select(a => a.Split('=', 2)).ToDictionary(
            p => p.Length == 2 && p[0].Length > 0 ? p[0] : throw new BuildFailedException($"--build-args expects KEY=VALUE, got '{string.Join('=', p)}'."),
            p => p[1]);
}
