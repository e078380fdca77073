using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Registry;

/// <summary>Manifests by tag or digest (each PUT becomes an ECR image) and the tag list.</summary>
internal sealed partial class RegistryEndpoint
{
    private const int MaxManifestBytes = 4 * 1024 * 1024;

    private async Task SendManifestAsync(HttpContext context, string name, string reference)
    {
        var (digest, mediaType) = images.Resolve(name, reference) ?? throw RegistryError.ManifestUnknown(reference);
        var body = blobs.TryReadAll(digest) ?? throw RegistryError.ManifestUnknown(reference);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = mediaType;
        response.ContentLength = body.Length;
        response.Headers["Docker-Content-Digest"] = digest;
        response.Headers.ETag = $"\"{digest}\"";
        if (HttpMethods.IsGet(context.Request.Method))
        {
            images.RecordPull(name, digest);
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private async Task PutManifestAsync(HttpContext context, string name, string reference)
    {
        var body = await ReadManifestAsync(context);
        var manifest = ManifestInspector.Inspect(body, context.Request.ContentType, blobs);
        var byDigest = reference.Contains(':', StringComparison.Ordinal);
        if (byDigest && reference != manifest.Digest)
        {
            throw RegistryError.DigestInvalid(reference);
        }

        if (!byDigest && !TagPattern().IsMatch(reference))
        {
            throw new RegistryError("TAG_INVALID", "manifest tag did not match URI", StatusCodes.Status400BadRequest, reference);
        }

        blobs.Put(body);
        try
        {
            images.RecordPush(name, manifest, byDigest ? null : reference);
        }
        catch (AwsServiceException error) when (error.Code == "ImageTagAlreadyExistsException")
        {
            throw new RegistryError("TAG_INVALID", error.Message, StatusCodes.Status400BadRequest, reference);
        }
        catch (AwsServiceException error) when (error.Code == "ReferencedImagesNotFoundException")
        {
            throw new RegistryError("MANIFEST_BLOB_UNKNOWN", error.Message, StatusCodes.Status400BadRequest);
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/manifests/{manifest.Digest}";
        response.Headers["Docker-Content-Digest"] = manifest.Digest;
    }

    private Task DeleteManifest(HttpContext context, string name, string reference)
    {
        if (!reference.Contains(':', StringComparison.Ordinal))
        {
            throw new RegistryError("UNSUPPORTED", "manifests can only be deleted by digest", StatusCodes.Status400BadRequest, reference);
        }

        if (!images.DeleteImage(name, reference))
        {
            throw RegistryError.ManifestUnknown(reference);
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        return Task.CompletedTask;
    }

    private async Task ListTagsAsync(HttpContext context, string name)
    {
        var tags = images.Tags(name).AsEnumerable();
        var last = context.Request.Query["last"].ToString();
        if (last.Length > 0)
        {
            tags = tags.Where(t => string.CompareOrdinal(t, last) > 0);
        }

        if (int.TryParse(context.Request.Query["n"], System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            tags = tags.Take(n);
        }

        var body = new JsonObject
        {
            ["name"] = name,
            ["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray()),
        };
        await Json(context, StatusCodes.Status200OK, body.ToJsonString());
    }

    private static async Task<byte[]> ReadManifestAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.Length > MaxManifestBytes
            ? throw new RegistryError("SIZE_INVALID", "manifest exceeds 4 MiB", StatusCodes.Status400BadRequest)
            : buffer.ToArray();
    }
}
