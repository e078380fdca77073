using System.Text.Json;
using System.Text.Json.Serialization;
using Deploy.Delivery.Files;

namespace Deploy.Delivery.Images;

/// <summary>What BuildImage hands to PushEcr (<c>artifacts/image.json</c>).</summary>
/// <param name="Image">The primary local reference, <c>repository:commit</c>.</param>
/// <param name="Id">The image id.</param>
/// <param name="Tags">Every local reference of the image.</param>
/// <param name="Commit">The source commit (with <c>-dirty</c> for local changes).</param>
/// <param name="Base">The runtime base image it was built on.</param>
public sealed record BuiltImage(string Image, string Id, IReadOnlyList<string> Tags, string Commit, string Base)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Whether the build found the image unchanged rather than building it.</summary>
    [JsonIgnore]
    public bool Unchanged { get; init; }

    public async Task WriteAsync(string path, CancellationToken cancellationToken = default)
    {
        await AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json) + "\n", cancellationToken);
    }

    public static async Task<BuiltImage> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        JsonSerializer.Deserialize<BuiltImage>(await File.ReadAllTextAsync(path, cancellationToken), Json)
        ?? throw new InvalidDataException($"{path} holds no image.");
}
