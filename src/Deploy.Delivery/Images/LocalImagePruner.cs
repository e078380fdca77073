using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Images;

/// <summary>What <see cref="LocalImagePruner"/> did.</summary>
/// <param name="Removed">The images removed from the engine: short id and the tags they had.</param>
/// <param name="InUse">Short ids of old images kept because a container still uses them.</param>
/// <param name="ReclaimedBytes">The removed images' sizes added up (layers shared with kept images included).</param>
public sealed record PruneResult(IReadOnlyList<string> Removed, IReadOnlyList<string> InUse, long ReclaimedBytes)
{
    /// <summary>One line, then one line per removed image (no line grows with the number of images).</summary>
    public string Describe(string repository, int keep) =>
        (Removed.Count, InUse.Count) switch
        {
            (0, 0) => $"No old images of {repository} built by this checkout to prune (keeping the newest {keep})",
            _ => string.Create(
                CultureInfo.InvariantCulture,
                $"Pruned {Removed.Count} old image(s) of {repository} built by this checkout (up to {ReclaimedBytes / (1024.0 * 1024.0):0} MiB), keeping the newest {keep}")
                + (InUse.Count == 0 ? string.Empty : $"; kept {string.Join(", ", InUse)}: still used by a container")
                + string.Concat(Removed.Select(r => "\n  removed " + r)),
        };
}

/// <summary>
/// Every commit builds a new service image of about 100 MiB; without pruning a laptop's disk fills up a build at a
/// time. Keeps the newest images of one repository that this checkout built (<see cref="CheckoutLabel"/>; and always
/// the one just built) and removes the older ones with every reference to them, such as the registry tag PushEcr
/// added. Images of another checkout, or built by hand, are never touched, even under the same repository name. Never
/// forces: an image a container still uses stays.
/// </summary>
public sealed class LocalImagePruner(IDockerClient docker)
{
    /// <summary>The label BuildImage sets to <see cref="CheckoutId"/> of the checkout that built the image.</summary>
    public const string CheckoutLabel = "deploy.checkout";

    /// <summary>The label a Dockerfile sets in a stage whose leftover images <see cref="PruneStagesAsync"/> prunes.</summary>
    public const string StageLabel = "deploy.stage";

    /// <summary>The first 16 hex digits of SHA-256 over the checkout's full root path.</summary>
    public static string CheckoutId(string repositoryRoot) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.TrimEndingDirectorySeparator(Path.GetFullPath(repositoryRoot)))))[..16];

    public async Task<PruneResult> PruneAsync(string repository, string checkout, int keep, string currentId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["reference"] = new Dictionary<string, bool> { [repository] = true },
            ["label"] = new Dictionary<string, bool> { [$"{CheckoutLabel}={checkout}"] = true },
        };
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters { Filters = filters }, cancellationToken);
        var old = images
            .Where(image => image.ID != currentId)
            .OrderByDescending(image => image.Created)
            .ThenBy(image => image.ID, StringComparer.Ordinal)
            .Skip(keep - 1);

        List<string> removed = [];
        List<string> inUse = [];
        long reclaimed = 0;
        foreach (var image in old)
        {
            if (await RemoveEveryReferenceAsync(image, cancellationToken) is { } tags)
            {
                removed.Add($"{ImageId.Abbreviate(image.ID)} ({(tags.Count == 0 ? "untagged" : string.Join(", ", tags))})");
                reclaimed += image.Size;
            }
            else
            {
                inUse.Add(ImageId.Abbreviate(image.ID));
            }
        }

        return new PruneResult(removed, inUse, reclaimed);
    }

    /// <summary>
    /// Untagged images of a Dockerfile's earlier stages marked with <see cref="StageLabel"/> (a multi-stage build leaves
    /// one behind each time the stage changes): per label value, the newest <paramref name="keep"/> stay as the build
    /// cache, older ones go. Never forces. Returns the short ids removed.
    /// </summary>
    public async Task<IReadOnlyList<string>> PruneStagesAsync(int keep, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["dangling"] = new Dictionary<string, bool> { ["true"] = true },
            ["label"] = new Dictionary<string, bool> { [StageLabel] = true },
        };
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters { Filters = filters }, cancellationToken);
        List<string> removed = [];
        var old = images
            .GroupBy(image => (image.Labels is { } labels && labels.TryGetValue(StageLabel, out var value) ? value : ""), StringComparer.Ordinal)
            .SelectMany(stage => stage.OrderByDescending(image => image.Created).ThenBy(image => image.ID, StringComparer.Ordinal).Skip(keep));
        foreach (var image in old)
        {
            try
            {
                await docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = false }, cancellationToken);
                removed.Add(ImageId.Abbreviate(image.ID));
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
            }
            catch (DockerImageNotFoundException)
            {
            }
        }

        return removed;
    }

    // Tag by tag, so an image also tagged for the registry goes too; the last untag deletes it unless a container holds it.
    // The tags it had when removed, or null when it stays.
    private async Task<IReadOnlyList<string>?> RemoveEveryReferenceAsync(ImagesListResponse image, CancellationToken cancellationToken)
    {
        // The listing shows only the tags its reference filter matched; the image's own record has them all.
        IList<string> tags;
        try
        {
            tags = (await docker.Images.InspectImageAsync(image.ID, cancellationToken)).RepoTags ?? [];
        }
        catch (DockerImageNotFoundException)
        {
            return [];
        }

        var references = tags.Where(tag => tag != "<none>:<none>").Order(StringComparer.Ordinal).ToList();
        foreach (var reference in references)
        {
            try
            {
                await docker.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = false }, cancellationToken);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                return null;
            }
            catch (DockerImageNotFoundException)
            {
            }
        }

        try
        {
            await docker.Images.InspectImageAsync(image.ID, cancellationToken);
            return null;
        }
        catch (DockerImageNotFoundException)
        {
            return references;
        }
    }
}
