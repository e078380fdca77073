using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Images;

/// <summary>What <see cref="LocalImagePruner"/> did.</summary>
/// <param name="Removed">Short ids of the images removed from the engine.</param>
/// <param name="InUse">Short ids of old images kept because a container still uses them.</param>
/// <param name="ReclaimedBytes">The removed images' sizes added up (layers shared with kept images included).</param>
public sealed record PruneResult(IReadOnlyList<string> Removed, IReadOnlyList<string> InUse, long ReclaimedBytes)
{
    public string Describe(string repository, int keep) =>
        (Removed.Count, InUse.Count) switch
        {
            (0, 0) => $"No old images of {repository} to prune (keeping the newest {keep})",
            _ => string.Create(
                CultureInfo.InvariantCulture,
                $"Pruned {Removed.Count} old image(s) of {repository} (up to {ReclaimedBytes / (1024.0 * 1024.0):0} MiB), keeping the newest {keep}")
                + (InUse.Count == 0 ? string.Empty : $"; kept {string.Join(", ", InUse)}: still used by a container"),
        };
}

/// <summary>
/// Every commit builds a new service image of about 100 MiB; without pruning a laptop's disk fills up a build at a
/// time. Keeps the newest images of one repository (and always the one just built) and removes the older ones with
/// every reference to them, such as the registry tag PushEcr added. Never forces: an image a container still uses stays.
/// </summary>
public sealed class LocalImagePruner(IDockerClient docker)
{
    public async Task<PruneResult> PruneAsync(string repository, int keep, string currentId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var images = await docker.Images.ListImagesAsync(
            new ImagesListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [repository] = true } } },
            cancellationToken);
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
            if (await RemoveEveryReferenceAsync(image, cancellationToken))
            {
                removed.Add(ImageId.Abbreviate(image.ID));
                reclaimed += image.Size;
            }
            else
            {
                inUse.Add(ImageId.Abbreviate(image.ID));
            }
        }

        return new PruneResult(removed, inUse, reclaimed);
    }

    // Tag by tag, so an image also tagged for the registry goes too; the last untag deletes it unless a container holds it.
    private async Task<bool> RemoveEveryReferenceAsync(ImagesListResponse image, CancellationToken cancellationToken)
    {
        // The listing shows only the tags its reference filter matched; the image's own record has them all.
        IList<string> tags;
        try
        {
            tags = (await docker.Images.InspectImageAsync(image.ID, cancellationToken)).RepoTags ?? [];
        }
        catch (DockerImageNotFoundException)
        {
            return true;
        }

        var references = tags.Where(tag => tag != "<none>:<none>").ToList();
        foreach (var reference in references)
        {
            try
            {
                await docker.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = false }, cancellationToken);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                return false;
            }
            catch (DockerImageNotFoundException)
            {
            }
        }

        try
        {
            await docker.Images.InspectImageAsync(image.ID, cancellationToken);
            return false;
        }
        catch (DockerImageNotFoundException)
        {
            return true;
        }
    }
}
