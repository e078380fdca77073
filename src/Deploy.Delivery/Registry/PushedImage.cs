using System.Text.Json;
using Deploy.Delivery.Files;

namespace Deploy.Delivery.Registry;

/// <summary>What PushEcr hands to DeployFargate (<c>artifacts/image-pushed.json</c>).</summary>
/// <param name="Uri">The image by digest, <c>&lt;repositoryUri&gt;@sha256:…</c>.</param>
/// <param name="Repository">The repository URI.</param>
/// <param name="Digest">The manifest digest in the repository.</param>
/// <param name="Tags">The tags the repository holds the image under (the commit first).</param>
public sealed record PushedImage(string Uri, string Repository, string Digest, IReadOnlyList<string> Tags)
{
    public const string FileName = "image-pushed.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task WriteAsync(string path, CancellationToken cancellationToken = default)
    {
        await AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json) + "\n", cancellationToken);
    }

    public static async Task<PushedImage> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        JsonSerializer.Deserialize<PushedImage>(await File.ReadAllTextAsync(path, cancellationToken), Json)
        ?? throw new InvalidDataException($"{path} holds no pushed image.");
}
