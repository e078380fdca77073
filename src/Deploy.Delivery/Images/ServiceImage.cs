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
}

/// <summary>
/// The service image, end to end: publishes the service on this machine, picks the runtime base (saying which
/// and why), and builds the image over the publish directory, tagged with the commit and branch.
/// </summary>
public sealed class ServiceImage(IDockerClient docker, ToolRunner tools, IBuildLog log)
{
    public const string Runtime = "linux-x64";

    public async Task<BuiltImage> BuildAsync(ServiceImageRequest request, CancellationToken cancellationToken = default)
    {
        // Published here rather than in a Dockerfile stage: no SDK image can be pulled offline, and the host's
        // NuGet cache and incremental build make a no-change publish take seconds.
        await tools.RunAsync(
            "dotnet",
            ["publish", request.Project, "-c", "Release", "-r", Runtime, "--self-contained", "-o", request.PublishDirectory, "--nologo", "-v", "quiet"],
            cancellationToken: cancellationToken);

        // An explicit BASE_IMAGE build argument is the wanted base; it still falls back to the produced one offline.
        var wanted = request.BuildArgs.TryGetValue(ImageBuilder.BaseImageArgument, out var argument) ? argument : request.WantedBase;
        var baseImage = await new RuntimeBaseImage(docker).ResolveAsync(wanted, cancellationToken);
        log.Information($"Base image: {baseImage.Image} ({(baseImage.Produced ? "produced locally" : "standard")}) - {baseImage.Reason}");

        var version = request.Version ?? request.Revision.ShortCommit;
        var buildArgs = new Dictionary<string, string>
        {
            ["SERVICE_VERSION"] = version,
            ["SERVICE_COMMIT"] = request.Revision.Commit,
        };
        foreach (var (name, value) in request.BuildArgs.Where(a => a.Key != ImageBuilder.BaseImageArgument))
            buildArgs[name] = value;

        var tags = ImageTags.For(request.Repository, request.Revision);
        var options = new ImageBuildOptions(request.PublishDirectory, tags)
        {
            Dockerfile = request.Dockerfile,
            BuildArgs = buildArgs,
            Labels = OciLabels.For(request.Revision, version),
            BaseImage = baseImage.Image,
            StepLinesOnly = request.StepLinesOnly,
        };
        var result = await new ImageBuilder(docker, log).BuildAsync(options, cancellationToken);
        return new BuiltImage(tags[0], result.Id, result.Tags, request.Revision.Commit, baseImage.Image) { Unchanged = result.Unchanged };
    }
}
