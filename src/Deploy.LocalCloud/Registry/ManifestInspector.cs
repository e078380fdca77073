using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Ecr;

namespace Deploy.LocalCloud.Registry;

/// <summary>
/// Reads an uploaded manifest: Docker v2 schema 2 / OCI image manifest (config + layers, which must already be
/// blobs) or Docker manifest list / OCI index (child manifests, which must already be images in the repository).
/// </summary>
internal static class ManifestInspector
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    public static PushedManifest Inspect(byte[] body, string? contentType, BlobStore blobs)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(body) as JsonObject ?? throw RegistryError.ManifestInvalid("manifest must be a JSON object");
        }
        catch (JsonException error)
        {
            throw RegistryError.ManifestInvalid(error.Message);
        }

        var mediaType = StringMember(root, "mediaType") ?? contentType?.Split(';')[0].Trim();
        var digest = BlobStore.DigestOf(body);
        switch (mediaType)
        {
            case DockerManifest or OciManifest:
                {
                    var config = root["config"] as JsonObject ?? throw RegistryError.ManifestInvalid("config descriptor is required");
                    var layers = (root["layers"] as JsonArray ?? throw RegistryError.ManifestInvalid("layers are required")).OfType<JsonObject>().ToList();
                    var descriptors = layers.Prepend(config).Select(Descriptor).ToList();
                    var missing = descriptors.FirstOrDefault(d => !blobs.Exists(d.Digest));
                    if (missing.Digest is not null)
                    {
                        throw new RegistryError("MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", StatusCodes.Status400BadRequest, missing.Digest);
                    }

                    return new PushedManifest(digest, mediaType, StringMember(config, "mediaType"), descriptors.Sum(d => d.Size), []);
                }

            case DockerManifestList or OciIndex:
                {
                    var children = (root["manifests"] as JsonArray ?? throw RegistryError.ManifestInvalid("manifests are required"))
                        .OfType<JsonObject>().Select(Descriptor).ToList();
                    return new PushedManifest(digest, mediaType, null, children.Sum(c => c.Size), children.Select(c => c.Digest).ToList());
                }

            default:
                throw RegistryError.ManifestInvalid($"unsupported manifest media type '{mediaType}'");
        }
    }

    private static (string Digest, long Size) Descriptor(JsonObject descriptor)
    {
        var digest = StringMember(descriptor, "digest");
        if (digest is null || !BlobStore.IsValidDigest(digest))
        {
            throw RegistryError.ManifestInvalid($"invalid descriptor digest '{digest}'");
        }

        var size = descriptor["size"] is JsonValue value && value.TryGetValue<long>(out var parsed) ? parsed : 0;
        return (digest, size);
    }

    private static string? StringMember(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
