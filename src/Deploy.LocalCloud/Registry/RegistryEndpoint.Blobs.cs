using System.Globalization;

namespace Deploy.LocalCloud.Registry;

/// <summary>Blob uploads (monolithic, chunked, mounted) and blob reads.</summary>
internal sealed partial class RegistryEndpoint
{
    private async Task StartUploadAsync(HttpContext context, string name)
    {
        var query = context.Request.Query;
        var mount = query["mount"].ToString();
        if (mount.Length > 0 && blobs.Exists(mount))
        {
            // Cross-repository mount: the store is shared, so the blob is already "in" every repository.
            BlobCreated(context, name, mount);
            return;
        }

        var id = blobs.StartUpload();
        var digest = query["digest"].ToString();
        if (digest.Length > 0)
        {
            // Monolithic upload in a single POST.
            await blobs.AppendAsync(id, context.Request.Body, context.RequestAborted);
            await FinishAsync(context, name, id, digest);
            return;
        }

        UploadAccepted(context, name, id, 0, StatusCodes.Status202Accepted);
    }

    private async Task PatchUploadAsync(HttpContext context, string name, string id)
    {
        var size = blobs.UploadSize(id) ?? throw RegistryError.UploadUnknown(id);
        var contentRange = context.Request.Headers.ContentRange.ToString();
        if (contentRange.Length > 0)
        {
            var start = contentRange.Split('-')[0];
            if (!long.TryParse(start, CultureInfo.InvariantCulture, out var offset) || offset != size)
            {
                context.Response.Headers.Range = $"0-{Math.Max(0, size - 1)}";
                throw new RegistryError("BLOB_UPLOAD_INVALID", "chunk out of order", StatusCodes.Status416RangeNotSatisfiable, contentRange);
            }
        }

        var newSize = await blobs.AppendAsync(id, context.Request.Body, context.RequestAborted);
        UploadAccepted(context, name, id, newSize, StatusCodes.Status202Accepted);
    }

    private async Task CompleteUploadAsync(HttpContext context, string name, string id)
    {
        _ = blobs.UploadSize(id) ?? throw RegistryError.UploadUnknown(id);
        await blobs.AppendAsync(id, context.Request.Body, context.RequestAborted);
        await FinishAsync(context, name, id, context.Request.Query["digest"].ToString());
    }

    private async Task FinishAsync(HttpContext context, string name, string id, string digest)
    {
        if (!BlobStore.IsValidDigest(digest))
        {
            blobs.CancelUpload(id);
            throw RegistryError.DigestInvalid(digest);
        }

        if (!await blobs.CompleteAsync(id, digest, context.RequestAborted))
        {
            blobs.CancelUpload(id);
            throw RegistryError.DigestInvalid(digest);
        }

        BlobCreated(context, name, digest);
    }

    private Task UploadStatus(HttpContext context, string name, string id)
    {
        var size = blobs.UploadSize(id) ?? throw RegistryError.UploadUnknown(id);
        UploadAccepted(context, name, id, size, StatusCodes.Status204NoContent);
        return Task.CompletedTask;
    }

    private Task CancelUpload(HttpContext context, string id)
    {
        _ = blobs.UploadSize(id) ?? throw RegistryError.UploadUnknown(id);
        blobs.CancelUpload(id);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private async Task SendBlobAsync(HttpContext context, string digest)
    {
        if (!blobs.Exists(digest))
        {
            throw RegistryError.BlobUnknown(digest);
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = blobs.Size(digest);
        response.Headers["Docker-Content-Digest"] = digest;
        response.Headers.ETag = $"\"{digest}\"";
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await using var content = blobs.OpenRead(digest);
            await content.CopyToAsync(response.Body, context.RequestAborted);
        }
    }

    private static void BlobCreated(HttpContext context, string name, string digest)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        response.Headers["Docker-Content-Digest"] = digest;
        response.ContentLength = 0;
    }

    private static void UploadAccepted(HttpContext context, string name, string id, long size, int status)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.Location = $"/v2/{name}/blobs/uploads/{id}";
        response.Headers.Range = $"0-{Math.Max(0, size - 1)}";
        response.Headers["Docker-Upload-UUID"] = id;
        response.ContentLength = 0;
    }
}
