using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecr;

/// <summary>What the registry learned from a manifest PUT, handed to ECR to record as an image.</summary>
internal sealed record PushedManifest(string Digest, string MediaType, string? ArtifactMediaType, long SizeInBytes, IReadOnlyList<string> ChildDigests);

/// <summary>
/// The seam between the registry data plane and the ECR control plane: every push/pull/delete through
/// <c>/v2/</c> lands here, so DescribeImages always reflects what Docker did.
/// </summary>
internal sealed class EcrImageRecorder(EcrStore store, TimeProvider clock)
{
    public bool RepositoryExists(string repository) => store.Read(state => state.Repositories.ContainsKey(repository));

    /// <summary>Resolves a tag or digest to (digest, media type), or null.</summary>
    public (string Digest, string MediaType)? Resolve(string repository, string reference) => store.Read(state =>
    {
        var repo = store.Repository(state, repository);
        var image = reference.Contains(':', StringComparison.Ordinal)
            ? EcrStore.FindImage(repo, reference, null)
            : EcrStore.FindImage(repo, null, reference);
        return image is null ? ((string, string)?)null : (image.Digest, image.ManifestMediaType);
    });

    public IReadOnlyList<string> Tags(string repository) =>
        store.Read(state => store.Repository(state, repository).Images.SelectMany(i => i.Tags).Order(StringComparer.Ordinal).ToList());

    /// <summary>
    /// Records a push; throws ImageTagAlreadyExistsException when an immutable tag would move. The ECR
    /// PutImage API (<paramref name="refuseUnchanged"/>) also refuses a push that changes nothing.
    /// </summary>
    public void RecordPush(string repository, PushedManifest manifest, string? tag, bool refuseUnchanged = false)
    {
        var now = clock.GetUtcNow();
        store.Update(state =>
        {
            var repo = store.Repository(state, repository);
            var missingChild = manifest.ChildDigests.FirstOrDefault(child => EcrStore.FindImage(repo, child, null) is null);
            if (missingChild is not null)
            {
                throw new AwsServiceException("ReferencedImagesNotFoundException", $"The referenced manifest {missingChild} does not exist in the repository.");
            }

            if (tag is not null && EcrStore.FindImage(repo, null, tag) is { } holder && holder.Digest != manifest.Digest)
            {
                if (repo.IsImmutable)
                {
                    throw new AwsServiceException("ImageTagAlreadyExistsException",
                        $"The image tag '{tag}' already exists in the '{repository}' repository and cannot be overwritten because the repository is immutable.");
                }

                holder.Tags.Remove(tag);
            }

            var image = EcrStore.FindImage(repo, manifest.Digest, null);
            if (refuseUnchanged && image is not null && (tag is null || image.Tags.Contains(tag)))
            {
                throw new AwsServiceException("ImageAlreadyExistsException",
                    $"Image with digest '{manifest.Digest}' and tag '{tag ?? "null"}' already exists in the repository with name '{repository}' in registry with id '{store.AccountId}'");
            }

            if (image is null)
            {
                image = new ImageRecord
                {
                    Digest = manifest.Digest,
                    ManifestMediaType = manifest.MediaType,
                    ArtifactMediaType = manifest.ArtifactMediaType,
                    SizeInBytes = manifest.SizeInBytes,
                    PushedAt = now,
                    ScannedAt = repo.ScanOnPush ? now : null,
                    ChildDigests = [.. manifest.ChildDigests],
                };
                repo.Images.Add(image);
            }

            if (tag is not null && !image.Tags.Contains(tag))
            {
                image.Tags.Add(tag);
            }

            ApplyLifecyclePolicy(repo, now);
            return 0;
        });
    }

    public void RecordPull(string repository, string digest)
    {
        var now = clock.GetUtcNow();
        store.Update(state =>
        {
            if (EcrStore.FindImage(store.Repository(state, repository), digest, null) is { } image)
            {
                image.LastPulledAt = now;
            }

            return 0;
        });
    }

    public bool DeleteImage(string repository, string digest) =>
        store.Update(state => store.Repository(state, repository).Images.RemoveAll(i => i.Digest == digest) > 0);

    /// <summary>Expires what the repository's lifecycle policy selects (AWS runs this asynchronously; we run it on push).</summary>
    public static void ApplyLifecyclePolicy(RepositoryRecord repository, DateTimeOffset now)
    {
        if (repository.LifecyclePolicyText is null)
        {
            return;
        }

        var expired = LifecyclePolicy.Parse(repository.LifecyclePolicyText).Expired(repository.Images, now);
        repository.Images.RemoveAll(i => expired.Contains(i.Digest)
                                         && !repository.Images.Any(parent => parent.ChildDigests.Contains(i.Digest) && !expired.Contains(parent.Digest)));
        repository.LifecyclePolicyEvaluatedAt = now;
    }
}
