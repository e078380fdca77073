using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecr;

/// <summary>Images as recorded from registry pushes: describe, fetch manifests, delete, scan results.</summary>
internal sealed partial class EcrService
{
    private static readonly string[] Severities = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL", "UNDEFINED"];

    private JsonObject DescribeImages(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var ids = ImageIds(request, required: false);
        var tagStatus = request.OptionalObject("filter")?.OptionalString("tagStatus") ?? "ANY";
        var maxResults = request.OptionalInt("maxResults") ?? 100;
        var start = request.OptionalString("nextToken") is { } token && int.TryParse(token, CultureInfo.InvariantCulture, out var index) ? index : 0;
        return store.Read(state =>
        {
            var repository = store.Repository(state, name);
            var images = ids.Count > 0
                ? ids.Select(id => EcrStore.FindImage(repository, id.Digest, id.Tag) ?? throw ImageNotFound(name, id)).Distinct().ToList()
                : repository.Images
                    .Where(i => tagStatus switch { "TAGGED" => i.Tags.Count > 0, "UNTAGGED" => i.Tags.Count == 0, _ => true })
                    .OrderBy(i => i.PushedAt).ToList();
            var page = images.Skip(start).Take(maxResults).ToList();
            var response = new JsonObject { ["imageDetails"] = new JsonArray(page.Select(i => (JsonNode)ImageDetailJson(name, i)).ToArray()) };
            if (start + page.Count < images.Count)
            {
                response["nextToken"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
            }

            return response;
        });
    }

    /// <summary>One image id per tag (an untagged image: its digest alone), oldest push first, in pages.</summary>
    private JsonObject ListImages(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var tagStatus = request.OptionalObject("filter")?.OptionalString("tagStatus") ?? "ANY";
        var maxResults = request.OptionalInt("maxResults") ?? 100;
        if (maxResults is < 1 or > 1000)
        {
            throw new AwsServiceException("InvalidParameterException", "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 1000'");
        }

        var start = request.OptionalString("nextToken") is { } token && int.TryParse(token, CultureInfo.InvariantCulture, out var index) ? index : 0;
        return store.Read(state =>
        {
            var ids = store.Repository(state, name).Images
                .OrderBy(i => i.PushedAt)
                .SelectMany(i => i.Tags.Count == 0
                    ? tagStatus == "TAGGED" ? [] : new[] { IdJson(i.Digest, null) }
                    : tagStatus == "UNTAGGED" ? [] : i.Tags.Select(tag => IdJson(i.Digest, tag)))
                .ToList();
            var page = ids.Skip(start).Take(maxResults).ToList();
            var response = new JsonObject { ["imageIds"] = new JsonArray([.. page]) };
            if (start + page.Count < ids.Count)
            {
                response["nextToken"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
            }

            return response;
        });
    }

    private JsonObject BatchGetImage(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var ids = ImageIds(request, required: true);
        return store.Read(state =>
        {
            var repository = store.Repository(state, name);
            var images = new JsonArray();
            var failures = new JsonArray();
            foreach (var id in ids)
            {
                var failure = IdFailure(repository, id, out var image);
                if (failure is not null)
                {
                    failures.Add(failure);
                    continue;
                }

                var manifest = blobs.TryReadAll(image!.Digest);
                var found = RepositoryScope(name);
                found["imageId"] = IdJson(image.Digest, id.Tag);
                found["imageManifest"] = manifest is null ? string.Empty : Encoding.UTF8.GetString(manifest);
                found["imageManifestMediaType"] = image.ManifestMediaType;
                images.Add(found);
            }

            return new JsonObject { ["images"] = images, ["failures"] = failures };
        });
    }

    private JsonObject BatchDeleteImage(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var ids = ImageIds(request, required: true);
        return store.Update(state =>
        {
            var repository = store.Repository(state, name);
            var deleted = new JsonArray();
            var failures = new JsonArray();
            foreach (var id in ids)
            {
                var failure = IdFailure(repository, id, out var image);
                if (failure is null && id.Tag is null && repository.Images.Any(p => p.ChildDigests.Contains(image!.Digest)))
                {
                    failure = FailureJson(id, "ImageReferencedByManifestList", "Requested image is referenced by an image index");
                }

                if (failure is not null)
                {
                    failures.Add(failure);
                    continue;
                }

                // Deleting by tag removes the tag; the image goes when its last tag (or its digest) is deleted.
                if (id.Tag is not null && id.Digest is null)
                {
                    image!.Tags.Remove(id.Tag);
                    if (image.Tags.Count == 0)
                    {
                        repository.Images.Remove(image);
                    }
                }
                else
                {
                    repository.Images.Remove(image!);
                }

                deleted.Add(IdJson(image!.Digest, id.Tag));
            }

            return new JsonObject { ["imageIds"] = deleted, ["failures"] = failures };
        });
    }

    private JsonObject StartImageScan(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var id = ImageId(request.OptionalObject("imageId") ?? throw AwsServiceException.Validation("imageId"));
        var now = Now;
        var digest = store.Update(state =>
        {
            var image = EcrStore.FindImage(store.Repository(state, name), id.Digest, id.Tag) ?? throw ImageNotFound(name, id);
            image.ScannedAt = now;
            return image.Digest;
        });
        var response = RepositoryScope(name);
        response["imageId"] = IdJson(digest, id.Tag);
        response["imageScanStatus"] = ScanStatusJson();
        return response;
    }

    private JsonObject DescribeImageScanFindings(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var id = ImageId(request.OptionalObject("imageId") ?? throw AwsServiceException.Validation("imageId"));
        var image = store.Read(state => EcrStore.FindImage(store.Repository(state, name), id.Digest, id.Tag)) ?? throw ImageNotFound(name, id);
        if (image.ScannedAt is not { } scannedAt)
        {
            throw new AwsServiceException("ScanNotFoundException",
                $"Image scan does not exist for the image with '{IdText(id)}' in the repository with name '{name}' in the registry with id '{store.AccountId}'");
        }

        var findings = scanFindings.FindingsFor(image.Digest);
        var scan = ScanSummaryJson(image.Digest, scannedAt);
        scan["findings"] = new JsonArray(findings.Select(f => (JsonNode)f).ToArray());
        var response = RepositoryScope(name);
        response["imageId"] = IdJson(image.Digest, id.Tag);
        response["imageScanStatus"] = ScanStatusJson();
        response["imageScanFindings"] = scan;
        return response;
    }

    private JsonObject ImageDetailJson(string repositoryName, ImageRecord image)
    {
        var detail = RepositoryScope(repositoryName);
        detail["imageDigest"] = image.Digest;
        if (image.Tags.Count > 0)
        {
            detail["imageTags"] = new JsonArray(image.Tags.Select(t => (JsonNode)t).ToArray());
        }

        detail["imageSizeInBytes"] = image.SizeInBytes;
        detail["imagePushedAt"] = Timestamp(image.PushedAt);
        detail["imageManifestMediaType"] = image.ManifestMediaType;
        if (image.ArtifactMediaType is not null)
        {
            detail["artifactMediaType"] = image.ArtifactMediaType;
        }

        if (image.LastPulledAt is { } pulled)
        {
            detail["lastRecordedPullTime"] = Timestamp(pulled);
        }

        if (image.ScannedAt is { } scanned)
        {
            detail["imageScanStatus"] = ScanStatusJson();
            detail["imageScanFindingsSummary"] = ScanSummaryJson(image.Digest, scanned);
        }

        return detail;
    }

    private static JsonObject ScanStatusJson() => new() { ["status"] = "COMPLETE", ["description"] = "The scan was completed successfully." };

    private JsonObject ScanSummaryJson(string digest, DateTimeOffset scannedAt)
    {
        var counts = new JsonObject();
        foreach (var group in scanFindings.FindingsFor(digest).GroupBy(f => f.OptionalString("severity") ?? "UNDEFINED"))
        {
            counts[Severities.Contains(group.Key) ? group.Key : "UNDEFINED"] = group.Count();
        }

        return new JsonObject
        {
            ["imageScanCompletedAt"] = Timestamp(scannedAt),
            ["vulnerabilitySourceUpdatedAt"] = Timestamp(scannedAt),
            ["findingSeverityCounts"] = counts,
        };
    }

    private readonly record struct ImageIdentifier(string? Digest, string? Tag);

    private static ImageIdentifier ImageId(JsonObject node) => new(node.OptionalString("imageDigest"), node.OptionalString("imageTag"));

    private static List<ImageIdentifier> ImageIds(JsonObject request, bool required)
    {
        var array = request.OptionalArray("imageIds");
        if (array is null)
        {
            return required ? throw AwsServiceException.Validation("imageIds") : [];
        }

        return array.Select(node => ImageId(node as JsonObject ?? throw new AwsServiceException("SerializationException", "imageIds items must be objects"))).ToList();
    }

    private static JsonObject? IdFailure(RepositoryRecord repository, ImageIdentifier id, out ImageRecord? image)
    {
        image = null;
        if (id.Digest is null && id.Tag is null)
        {
            return FailureJson(id, "MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null");
        }

        if (id.Digest is not null && !id.Digest.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return FailureJson(id, "InvalidImageDigest", "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'");
        }

        image = EcrStore.FindImage(repository, id.Digest, id.Tag);
        if (image is null && id.Digest is not null && id.Tag is not null && EcrStore.FindImage(repository, id.Digest, null) is not null)
        {
            return FailureJson(id, "ImageTagDoesNotMatchDigest", "Invalid request parameters: given tag does not map to the given digest");
        }

        return image is null ? FailureJson(id, "ImageNotFound", "Requested image not found") : null;
    }

    private static JsonObject FailureJson(ImageIdentifier id, string code, string reason) => new()
    {
        ["imageId"] = IdJson(id.Digest, id.Tag),
        ["failureCode"] = code,
        ["failureReason"] = reason,
    };

    private static JsonObject IdJson(string? digest, string? tag)
    {
        var json = new JsonObject();
        if (digest is not null)
        {
            json["imageDigest"] = digest;
        }

        if (tag is not null)
        {
            json["imageTag"] = tag;
        }

        return json;
    }

    private static string IdText(ImageIdentifier id) => $"{{imageDigest:'{id.Digest ?? "null"}', imageTag:'{id.Tag ?? "null"}'}}";

    private AwsServiceException ImageNotFound(string repositoryName, ImageIdentifier id) =>
        new("ImageNotFoundException",
            $"The image with imageId {IdText(id)} does not exist within the repository with name '{repositoryName}' in the registry with id '{store.AccountId}'");
}
