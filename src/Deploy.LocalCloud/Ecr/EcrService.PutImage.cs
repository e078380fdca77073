using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.Registry;

namespace Deploy.LocalCloud.Ecr;

/// <summary>PutImage: the API way to push a manifest (typically to add a tag without Docker), same rules as the registry.</summary>
internal sealed partial class EcrService
{
    private JsonObject PutImage(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var manifestText = request.RequiredString("imageManifest");
        var tag = request.OptionalString("imageTag");
        var claimedDigest = request.OptionalString("imageDigest");
        var body = Encoding.UTF8.GetBytes(manifestText);
        PushedManifest manifest;
        try
        {
            manifest = ManifestInspector.Inspect(body, request.OptionalString("imageManifestMediaType"), blobs);
        }
        catch (RegistryError error) when (error.Code == "MANIFEST_BLOB_UNKNOWN")
        {
            throw new AwsServiceException("LayersNotFoundException",
                $"Layers with digests '[{error.Detail}]' required for pushing image into repository with name '{name}' in the registry with id '{store.AccountId}' do not exist");
        }
        catch (RegistryError error)
        {
            throw new AwsServiceException("InvalidParameterException", $"Invalid parameter at 'ImageManifest' failed to satisfy constraint: '{error.Detail}'");
        }

        if (claimedDigest is not null && claimedDigest != manifest.Digest)
        {
            throw new AwsServiceException("ImageDigestDoesNotMatchException",
                $"Provided image digest '{claimedDigest}' does not match the digest of the manifest '{manifest.Digest}'");
        }

        blobs.Put(body);
        recorder.RecordPush(name, manifest, tag, refuseUnchanged: true);
        var image = RepositoryScope(name);
        image["imageId"] = IdJson(manifest.Digest, tag);
        image["imageManifest"] = manifestText;
        image["imageManifestMediaType"] = manifest.MediaType;
        return new JsonObject { ["image"] = image };
    }
}
