using System.Text.RegularExpressions;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Ecr;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Registry;

/// <summary>
/// The OCI distribution / Docker Registry v2 API under <c>/v2/</c> (routing and auth here; blobs and
/// manifests in the partial files), on the same port as the AWS APIs (one
/// port to publish and to keep free; Docker treats 127.0.0.0/8 registries as insecure, so plain HTTP works).
/// </summary>
internal sealed partial class RegistryEndpoint(
    BlobStore blobs,
    EcrImageRecorder images,
    RegistryAuthentication authentication,
    RequestAuthorization authorization,
    LocalCloudOptions options)
{
    public async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        try
        {
            var caller = authentication.Caller(context.Request);
            if (caller is null)
            {
                response.Headers.WWWAuthenticate = authentication.Challenge;
                throw new RegistryError("UNAUTHORIZED", "authentication required", StatusCodes.Status401Unauthorized);
            }

            await RouteAsync(context, caller);
        }
        catch (RegistryError error)
        {
            response.StatusCode = error.Status;
            response.ContentType = "application/json";
            await response.WriteAsync(error.Body, context.RequestAborted);
        }
    }

    /// <summary>
    /// Each route is authorized as the ECR action AWS checks for it (a push: BatchCheckLayerAvailability, the layer
    /// upload actions, PutImage; a pull: BatchGetImage, GetDownloadUrlForLayer) on the repository, before the repository
    /// is looked up, as IAM decides before the service does.
    /// </summary>
    private async Task RouteAsync(HttpContext context, CallerIdentity caller)
    {
        var path = context.Request.Path.Value ?? "/v2/";
        var rest = path.Length > "/v2/".Length ? path["/v2/".Length..] : string.Empty;
        var method = context.Request.Method;
        if (rest.Length == 0)
        {
            await Json(context, StatusCodes.Status200OK, "{}");
            return;
        }

        if (UploadRoute().Match(rest) is { Success: true } upload)
        {
            var id = upload.Groups["id"].Value;
            Authorize(caller, upload.Groups["name"].Value, method switch
            {
                "POST" when id.Length == 0 => "ecr:InitiateLayerUpload",
                "PUT" => "ecr:CompleteLayerUpload",
                _ => "ecr:UploadLayerPart",
            });
            var name = ExistingRepository(upload.Groups["name"].Value);
            await (method switch
            {
                "POST" when id.Length == 0 => StartUploadAsync(context, name),
                "PATCH" => PatchUploadAsync(context, name, id),
                "PUT" => CompleteUploadAsync(context, name, id),
                "GET" => UploadStatus(context, name, id),
                "DELETE" => CancelUpload(context, id),
                _ => throw RegistryError.Unsupported(method),
            });
            return;
        }

        if (BlobRoute().Match(rest) is { Success: true } blob)
        {
            Authorize(caller, blob.Groups["name"].Value, method == "HEAD" ? "ecr:BatchCheckLayerAvailability" : "ecr:GetDownloadUrlForLayer");
            _ = ExistingRepository(blob.Groups["name"].Value);
            await (method switch
            {
                "GET" or "HEAD" => SendBlobAsync(context, blob.Groups["digest"].Value),
                _ => throw RegistryError.Unsupported("blob deletion is not supported (as in ECR)"),
            });
            return;
        }

        if (ManifestRoute().Match(rest) is { Success: true } manifest)
        {
            Authorize(caller, manifest.Groups["name"].Value, method switch
            {
                "PUT" => "ecr:PutImage",
                "DELETE" => "ecr:BatchDeleteImage",
                _ => "ecr:BatchGetImage",
            });
            var name = ExistingRepository(manifest.Groups["name"].Value);
            var reference = manifest.Groups["reference"].Value;
            await (method switch
            {
                "GET" or "HEAD" => SendManifestAsync(context, name, reference),
                "PUT" => PutManifestAsync(context, name, reference),
                "DELETE" => DeleteManifest(context, name, reference),
                _ => throw RegistryError.Unsupported(method),
            });
            return;
        }

        if (TagsRoute().Match(rest) is { Success: true } tags && method is "GET" or "HEAD")
        {
            Authorize(caller, tags.Groups["name"].Value, "ecr:ListImages");
            await ListTagsAsync(context, ExistingRepository(tags.Groups["name"].Value));
            return;
        }

        throw new RegistryError("NOT_FOUND", "no such registry route", StatusCodes.Status404NotFound, path);
    }

    /// <summary>ECR refuses with 403 and a <c>DENIED</c> error carrying IAM's message (Docker prints "denied: User: …").</summary>
    private void Authorize(CallerIdentity caller, string repository, string action)
    {
        if (authorization.ActionDenial(caller, action, name => name == "RepositoryName" ? [repository] : []) is { } denial)
        {
            throw new RegistryError("DENIED", denial.Message, StatusCodes.Status403Forbidden);
        }
    }

    private string ExistingRepository(string name) =>
        images.RepositoryExists(name) ? name : throw RegistryError.NameUnknown(name, options.AccountId);

    private static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private const string NamePattern = "[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*";

    [GeneratedRegex("^(?<name>" + NamePattern + ")/blobs/uploads/?(?<id>[^/]*)$")]
    private static partial Regex UploadRoute();

    [GeneratedRegex("^(?<name>" + NamePattern + ")/blobs/(?<digest>[^/]+)$")]
    private static partial Regex BlobRoute();

    [GeneratedRegex("^(?<name>" + NamePattern + ")/manifests/(?<reference>[^/]+)$")]
    private static partial Regex ManifestRoute();

    [GeneratedRegex("^(?<name>" + NamePattern + ")/tags/list$")]
    private static partial Regex TagsRoute();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();
}
