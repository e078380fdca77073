using Deploy.Aws;
using Deploy.Aws.Ecr;
using Deploy.Delivery.Images;
using Deploy.Engine;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Registry;

/// <summary>
/// Pushes BuildImage's image to ECR through the Docker Engine API and proves the result: tags it
/// <c>&lt;repositoryUri&gt;:&lt;commit&gt;</c> (and the branch when the repository's tags are mutable), skips the upload
/// when the repository already holds this digest under those tags (or, tags being immutable, another build of the same clean
/// commit), verifies the pushed digest with DescribeImages,
/// gates on the scan-on-push findings, and writes <c>imagedefinitions.json</c> and <c>image-pushed.json</c>.
/// <c>registerSecret</c> is called with the registry password before it is used, so the build masks it.
/// </summary>
public sealed class EcrPusher(EcrClient ecr, IDockerClient docker, IBuildLog log, Action<string> registerSecret)
{
    public async Task<EcrPushResult> PushAsync(EcrPushOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var uri = options.RepositoryUri;
        var definitionsPath = options.ArtifactsDirectory is { } artifacts ? Path.Combine(artifacts, ImageDefinitions.FileName) : null;
        var pushedPath = options.ArtifactsDirectory is { } directory ? Path.Combine(directory, PushedImage.FileName) : null;
        // A failed push must not leave the previous run's files for CodePipeline or DeployFargate to pick up.
        foreach (var stale in new[] { definitionsPath, pushedPath }.OfType<string>().Where(File.Exists))
        {
            File.Delete(stale);
        }

        var repository = await DescribeRepositoryAsync(options, cancellationToken);
        var immutable = repository.ImageTagMutability?.StartsWith("IMMUTABLE", StringComparison.OrdinalIgnoreCase) == true;
        var tags = RemoteTags(options.Image, immutable, out var dropped);
        if (dropped.Count > 0)
        {
            log.Information($"Repository '{options.RepositoryName}' has IMMUTABLE tags: pushing only :{tags[0]} (not {string.Join(", ", dropped.Select(t => ":" + t))}, which would have to move with every commit)");
        }

        var localDigests = await LocalDigestsAsync(options, cancellationToken);
        var remote = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            remote[tag] = await RemoteDigestAsync(options, tag, cancellationToken);
        }

        bool Present(string tag) => remote[tag] is { } digest && localDigests.Contains(digest);
        string digestInRepository;
        PushOutcome outcome;
        if (tags.All(Present) && tags.Select(t => remote[t]).Distinct(StringComparer.Ordinal).Count() == 1)
        {
            outcome = PushOutcome.AlreadyPresent;
            digestInRepository = remote[tags[0]]!;
            log.Information($"Already present: {uri} holds {EcrPushResult.Abbreviate(digestInRepository)} as {Tags(tags)}; nothing pushed");
        }
        else if (immutable && remote[tags[0]] is { } built && !localDigests.Contains(built) && !options.Image.Commit.EndsWith(SourceRevision.DirtySuffix, StringComparison.Ordinal))
        {
            // The tag is the commit: a clean commit's image was built from exactly these sources by another run (a retried
            // pipeline, a laptop's DeployFargate before the pipeline's build), so that image is this commit's image. Only
            // a dirty build, whose tag does not pin its sources, is a conflict.
            outcome = PushOutcome.CommitAlreadyBuilt;
            digestInRepository = built;
            log.Information($"{uri}:{tags[0]} already holds {EcrPushResult.Abbreviate(built)}, built from this commit by an earlier run: using it, nothing pushed (tags are immutable, and the commit pins the sources)");
        }
        else
        {
            if (immutable && remote[tags[0]] is { } existing && localDigests.Count > 0 && !localDigests.Contains(existing))
            {
                throw Conflict(options, tags[0]);
            }

            outcome = PushOutcome.Pushed;
            digestInRepository = await PushTagsAsync(options, [.. tags.Where(t => !Present(t))], cancellationToken);
        }

        await VerifyAsync(options, digestInRepository, tags, cancellationToken);
        var scan = await new ScanFindingsWaiter(ecr, log).AwaitAsync(
            options.RepositoryName,
            options.RegistryId,
            digestInRepository,
            repository.ImageScanningConfiguration?.ScanOnPush == true,
            awaitScan: options.FailOnSeverity != SeverityThreshold.None,
            options.ScanTimeout,
            cancellationToken);
        if (scan is not null)
        {
            Gate(options, digestInRepository, scan);
        }

        var result = new EcrPushResult(outcome, uri, digestInRepository, tags, scan);
        if (definitionsPath is not null && pushedPath is not null)
        {
            await ImageDefinitions.WriteAsync(definitionsPath, [new ImageDefinition(options.ContainerName, result.ImageUri)], cancellationToken);
            await new PushedImage(result.ImageUri, uri, digestInRepository, tags).WriteAsync(pushedPath, cancellationToken);
            log.Information($"Wrote {ImageDefinitions.FileName} and {PushedImage.FileName}: {options.ContainerName} → {result.ImageUri}");
        }

        return result;
    }

    /// <summary>The commit's tag first; the other local tags (the branch) only when tags may move.</summary>
    internal static IReadOnlyList<string> RemoteTags(BuiltImage image, bool immutable, out IReadOnlyList<string> dropped)
    {
        var commit = ImageTags.ToTag(image.Commit);
        var others = image.Tags.Select(TagOf).OfType<string>().Where(t => t != commit).Distinct(StringComparer.Ordinal).ToList();
        dropped = immutable ? others : [];
        return immutable ? [commit] : [commit, .. others];
    }

    private static string? TagOf(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') ? reference[(colon + 1)..] : null;
    }

    private async Task<Repository> DescribeRepositoryAsync(EcrPushOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var response = await ecr.DescribeRepositoriesAsync(
                new DescribeRepositoriesRequest { RegistryId = options.RegistryId, RepositoryNames = [options.RepositoryName] }, cancellationToken);
            return (response.Repositories is { Count: > 0 } found ? found[0] : null) ?? throw NoRepository(options);
        }
        catch (EcrException e) when (e.Code == "RepositoryNotFoundException")
        {
            throw NoRepository(options, e);
        }
    }

    private static BuildFailedException NoRepository(EcrPushOptions options, Exception? inner = null)
    {
        var message = $"The ECR repository '{options.RepositoryName}' ({options.RepositoryUri}) does not exist; run ProvisionInfra to create it.";
        return inner is null ? new BuildFailedException(message) : new BuildFailedException(message, inner);
    }

    private async Task<HashSet<string>> LocalDigestsAsync(EcrPushOptions options, CancellationToken cancellationToken)
    {
        ImageInspectResponse local;
        try
        {
            local = await docker.Images.InspectImageAsync(options.Image.Id, cancellationToken);
        }
        catch (DockerImageNotFoundException e)
        {
            throw new BuildFailedException($"The image {options.Image.Image} ({options.Image.Id}) is not in the local Docker engine; run BuildImage.", e);
        }

        // The engine records repository@digest for every push of the image; an image never pushed here has none.
        var prefix = options.RepositoryUri + "@";
        return (local.RepoDigests ?? [])
            .Where(d => d.StartsWith(prefix, StringComparison.Ordinal))
            .Select(d => d[prefix.Length..])
            .ToHashSet(StringComparer.Ordinal);
    }

    private async Task<string?> RemoteDigestAsync(EcrPushOptions options, string tag, CancellationToken cancellationToken)
    {
        try
        {
            var response = await ecr.DescribeImagesAsync(
                new DescribeImagesRequest { RegistryId = options.RegistryId, RepositoryName = options.RepositoryName, ImageIds = [ImageIdentifier.ForTag(tag)] },
                cancellationToken);
            return response.ImageDetails is { Count: > 0 } details ? details[0].ImageDigest : null;
        }
        catch (EcrException e) when (e.Code == "ImageNotFoundException")
        {
            return null;
        }
    }

    private async Task<string> PushTagsAsync(EcrPushOptions options, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        var auth = await ecr.GetAuthAsync(options.RegistryId, cancellationToken);
        registerSecret(auth.Password);
        var credentials = new AuthConfig { Username = auth.User, Password = auth.Password, ServerAddress = auth.Registry };
        log.Information($"Pushing {options.Image.Image} to {options.RepositoryUri} as {Tags(tags)}");
        string? digest = null;
        foreach (var tag in tags)
        {
            await docker.Images.TagImageAsync(options.Image.Id, new ImageTagParameters { RepositoryName = options.RepositoryUri, Tag = tag }, cancellationToken);
            // The later tags name the same layers, which the first push just uploaded: only their outcome is worth a line.
            var progress = new PushProgress(log, summaryOnly: options.SummaryOnly || digest is not null);
            try
            {
                Task Push(CancellationToken token) =>
                    docker.Images.PushImageAsync(options.RepositoryUri, new ImagePushParameters { Tag = tag }, credentials, progress, token);
                await (options.RegistryWatch is { } watch ? watch.RunAsync(Push, cancellationToken) : Push(cancellationToken));
            }
            catch (DockerApiException e)
            {
                throw new BuildFailedException($"The Docker engine refused to push {options.RepositoryUri}:{tag}: {e.ResponseBody?.Trim()}", e);
            }

            if (progress.Error is { } error)
            {
                throw IsTagConflict(error)
                    ? Conflict(options, tag)
                    : new BuildFailedException($"Pushing {options.RepositoryUri}:{tag} failed: {error}");
            }

            var pushed = progress.Digest
                ?? throw new BuildFailedException($"Pushing {options.RepositoryUri}:{tag} reported no digest (the engine's stream ended without 'digest: sha256:…').");
            if (digest is not null && digest != pushed)
            {
                throw new BuildFailedException($"The tags of one image were pushed with different digests ({digest}, {pushed}); the local image changed during the push.");
            }

            log.Information(digest is null ? $"Pushed :{tag} as {pushed} ({progress.SummaryLine})" : $"Pushed :{tag} (same digest)");
            digest = pushed;
        }

        return digest!;
    }

    /// <summary>ECR's immutable-tag refusal, as the registry (TAG_INVALID), the engine ("tag invalid") or the API spells it.</summary>
    internal static bool IsTagConflict(string error) =>
        error.Contains("tag invalid", StringComparison.OrdinalIgnoreCase)
        || error.Contains("TAG_INVALID", StringComparison.OrdinalIgnoreCase)
        || error.Contains("ImageTagAlreadyExistsException", StringComparison.Ordinal)
        || (error.Contains("already exists", StringComparison.OrdinalIgnoreCase) && error.Contains("immutable", StringComparison.OrdinalIgnoreCase));

    private static BuildFailedException Conflict(EcrPushOptions options, string tag) => new(
        $"Tag {tag} already exists in {options.RepositoryName} with a different image; tags are immutable: commit your change (a new commit gets a new tag), "
        + $"or delete the old image's tag first (aws ecr batch-delete-image --repository-name {options.RepositoryName} --image-ids imageTag={tag}).");

    private async Task VerifyAsync(EcrPushOptions options, string digest, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        ImageDetail? detail;
        try
        {
            var response = await ecr.DescribeImagesAsync(
                new DescribeImagesRequest { RegistryId = options.RegistryId, RepositoryName = options.RepositoryName, ImageIds = [ImageIdentifier.ForDigest(digest)] },
                cancellationToken);
            detail = response.ImageDetails?.FirstOrDefault(d => d.ImageDigest == digest);
        }
        catch (EcrException e) when (e.Code == "ImageNotFoundException")
        {
            detail = null;
        }

        if (detail is null)
        {
            throw new BuildFailedException($"ECR does not list {digest} in repository '{options.RepositoryName}' although the push reported it.");
        }

        var missing = tags.Where(t => detail.ImageTags?.Contains(t) != true).ToList();
        if (missing.Count > 0)
        {
            throw new BuildFailedException(
                $"ECR lists {EcrPushResult.Abbreviate(digest)} in repository '{options.RepositoryName}' without {Tags(missing)} "
                + $"(its tags: {(detail.ImageTags is { Count: > 0 } held ? Tags(held) : "none")}); another push may have moved the tag.");
        }

        log.Information($"Verified with DescribeImages: {options.RepositoryName} holds {digest} as {Tags(tags)}");
    }

    private void Gate(EcrPushOptions options, string digest, ScanReport scan)
    {
        var threshold = options.FailOnSeverity;
        var blocking = scan.BlockingCount(threshold);
        if (blocking == 0)
        {
            log.Information($"Image scan: {scan.Summary}"
                + (threshold == SeverityThreshold.None ? " (not gated)" : $" (none at or above {ScanSeverity.Name(threshold)})"));
            return;
        }

        var listed = scan.Blocking(threshold);
        var lines = string.Concat(listed.Select(f => "\n  " + f));
        var unlisted = blocking > listed.Count ? $"\n  … and {blocking - listed.Count} more not listed by DescribeImageScanFindings" : "";
        throw new BuildFailedException(
            $"The image scan found {blocking} finding{(blocking == 1 ? "" : "s")} at or above {ScanSeverity.Name(threshold)} in {options.RepositoryUri}@{EcrPushResult.Abbreviate(digest)} "
            + $"({scan.Summary}):{lines}{unlisted}\nThe image is in the repository but was not handed to DeployFargate; fix the findings, "
            + "or raise --fail-on-severity (None never fails).");
    }

    private static string Tags(IEnumerable<string> tags) => string.Join(", ", tags.Select(t => ":" + t));
}
