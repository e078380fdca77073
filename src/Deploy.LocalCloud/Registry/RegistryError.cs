using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Registry;

/// <summary>A distribution-spec error: <c>{"errors":[{"code","message","detail"}]}</c> with its HTTP status.</summary>
internal sealed class RegistryError(string code, string message, int status, string? detail = null) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;

    public string? Detail { get; } = detail;

    public string Body => new JsonObject
    {
        ["errors"] = new JsonArray(new JsonObject { ["code"] = Code, ["message"] = Message, ["detail"] = Detail }),
    }.ToJsonString();

    public static RegistryError NameUnknown(string name, string accountId) =>
        new("NAME_UNKNOWN", $"The repository with name '{name}' does not exist in the registry with id '{accountId}'", StatusCodes.Status404NotFound);

    public static RegistryError BlobUnknown(string digest) => new("BLOB_UNKNOWN", "blob unknown to registry", StatusCodes.Status404NotFound, digest);

    public static RegistryError UploadUnknown(string id) => new("BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", StatusCodes.Status404NotFound, id);

    public static RegistryError DigestInvalid(string? digest) => new("DIGEST_INVALID", "provided digest did not match uploaded content", StatusCodes.Status400BadRequest, digest);

    public static RegistryError ManifestUnknown(string reference) => new("MANIFEST_UNKNOWN", "manifest unknown", StatusCodes.Status404NotFound, reference);

    public static RegistryError ManifestInvalid(string reason) => new("MANIFEST_INVALID", "manifest invalid", StatusCodes.Status400BadRequest, reason);

    public static RegistryError Unsupported(string what) => new("UNSUPPORTED", "The operation is unsupported.", StatusCodes.Status405MethodNotAllowed, what);
}
