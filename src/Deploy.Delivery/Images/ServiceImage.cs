using Deploy.Delivery.Files;
using Deploy.Engine;
using Docker.DotNet;

namespace Deploy.Delivery.Images;

/// <summary>What <see cref="ServiceImage"/> builds.</summary>
/// <param name="Project">The service's project directory (its publish output holds the Dockerfile).</param>
/// <param name="PublishDirectory">Where the service is published; it is the build context.</param>
/// <param name="Repository">The local image repository, e.g. <c>deploy/sample-service</c>.</param>
/// <param name="Revision">The source being built: the commit and branch become tags, and labels.</param>
public sealed record ServiceImageRequest(string Project, string PublishDirectory, string Repository, SourceRevision Revision)
{
    /// <summary>The version label and <c>SERVICE_VERSION</c>; the short commit when null.</summary>
    public string? Version { get; init; }

    /// <summary>The Dockerfile, relative to the publish directory.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>Build arguments on top of (and overriding) <c>SERVICE_VERSION</c> and <c>SERVICE_COMMIT</c>; a
    /// <c>BASE_IMAGE</c> among them replaces <see cref="WantedBase"/>.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>The runtime base wanted; produced locally when it cannot be pulled.</summary>
    public string WantedBase { get; init; } = RuntimeBaseImage.Standard;

    /// <summary>Only <c>Step N/M</c> lines of the build output (CI).</summary>
    public bool StepLinesOnly { get; init; }

    /// <summary>The <see cref="LocalImagePruner.CheckoutLabel"/> value (<see cref="LocalImagePruner.CheckoutId"/>) the image
    /// carries, so pruning finds only this checkout's images; none when null.</summary>
    public string? Checkout { get; init; }
}

/// <summary>
/// The service image, end to end: picks the runtime base (saying which and why), hashes the inputs, and when no image
/// with those inputs has the primary tag, publishes the service and builds the image over the publish directory,
/// tagged with the commit (a dirty one with its content) and branch.
/// </summary>
public sealed class ServiceImage(IDockerClient docker, ToolRunner tools, IBuildLog log)
{
    public const string Runtime = "linux-x64";

    private static readonly string[] PublishSettings = ["-c", "Release", "-r", Runtime, "--self-contained"];

    public async Task<BuiltImage> BuildAsync(ServiceImageRequest request, CancellationToken cancellationToken = default)
    {
        // An explicit BASE_IMAGE build argument is the wanted base; it still falls back to the produced one offline.
        var wanted = request.BuildArgs.TryGetValue(ImageBuilder.BaseImageArgument, out var argument) ? argument : request.WantedBase;
        var baseImage = await new RuntimeBaseImage(docker).ResolveAsync(wanted, cancellationToken);
        log.Information($"Base image: {baseImage.Image} ({(baseImage.Produced ? "produced locally" : "standard")}) - {baseImage.Reason}");

        var userArgs = request.BuildArgs.Where(a => a.Key != ImageBuilder.BaseImageArgument).ToDictionary();
        var checkout = request.Checkout is { } id ? new Dictionary<string, string> { [LocalImagePruner.CheckoutLabel] = id } : [];
        // Decided before publishing: a publish that changes nothing still costs seconds.
        var inputHash = new ServiceInputs(request.Project, baseImage.Id)
        {
            Revision = request.Revision,
            PublishArguments = PublishSettings,
            Dockerfile = request.Dockerfile,
            BuildArgs = userArgs,
            Labels = checkout,
            Version = request.Version,
        }.Hash();
        var revision = request.Revision.WithContent(inputHash);
        var tags = ImageTags.For(request.Repository, revision);
        var builder = new ImageBuilder(docker, log);
        if (await builder.FindUnchangedAsync(tags, ServiceInputs.Label, inputHash, cancellationToken) is { } unchanged)
        {
            log.Information($"Inputs unchanged (input hash {inputHash[..12]}): {tags[0]} is up to date, nothing published");
            return Result(unchanged);
        }

        // Published here rather than in a Dockerfile stage: no SDK image can be pulled offline, and the host's
        // NuGet cache and incremental build make a publish take seconds.
        await PublishAsync(request, cancellationToken);

        var version = request.Version ?? revision.ShortCommit;
        var buildArgs = new Dictionary<string, string>
        {
            ["SERVICE_VERSION"] = version,
            ["SERVICE_COMMIT"] = revision.Commit,
        };
        foreach (var (name, value) in userArgs)
            buildArgs[name] = value;

        var labels = new Dictionary<string, string>(OciLabels.For(revision, version)) { [ServiceInputs.Label] = inputHash };
        foreach (var (name, value) in checkout)
            labels[name] = value;
        var options = new ImageBuildOptions(request.PublishDirectory, tags)
        {
            Dockerfile = request.Dockerfile,
            BuildArgs = buildArgs,
            Labels = labels,
            BaseImage = baseImage.Image,
            StepLinesOnly = request.StepLinesOnly,
        };
        return Result(await builder.BuildAsync(options, cancellationToken));

        BuiltImage Result(ImageBuildResult result) =>
            new(tags[0], result.Id, result.Tags, revision.Commit, baseImage.Image) { Unchanged = result.Unchanged };
    }

    /// <summary>
    /// Publishes unless the publish directory holds, untouched, what a publish of the same sources made: a new commit
    /// of unchanged sources (or a run after a failed push) skips the seconds even an incremental publish costs. The
    /// stamp beside the directory names the sources' hash and the output's names, sizes and modification times.
    /// </summary>
    private async Task PublishAsync(ServiceImageRequest request, CancellationToken cancellationToken)
    {
        var stamp = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.PublishDirectory)) + ".stamp";
        var sources = new ServiceInputs(request.Project, "-") { PublishArguments = [.. PublishSettings, Path.GetFullPath(request.PublishDirectory)] }.Hash();
        if (File.Exists(stamp) && Directory.Exists(request.PublishDirectory)
            && await File.ReadAllTextAsync(stamp, cancellationToken) == Stamp(sources, request.PublishDirectory))
        {
            log.Information($"Publish output up to date (sources {sources[..12]}, output untouched since): not published again");
            return;
        }

        if (File.Exists(stamp))
        {
            File.Delete(stamp); // a fresh checkout has no artifacts/ yet, and File.Delete throws for a missing folder
        }
        await tools.RunAsync(
            "dotnet",
            ["publish", request.Project, .. PublishSettings, "-o", request.PublishDirectory, "--nologo", "-v", "quiet"],
            cancellationToken: cancellationToken);
        await AtomicFile.WriteAllTextAsync(stamp, Stamp(sources, request.PublishDirectory), cancellationToken);
    }

    private static string Stamp(string sources, string publishDirectory) =>
        $"sources {sources}\n{BuildContext.Select(publishDirectory).Snapshot()}\n";
}
