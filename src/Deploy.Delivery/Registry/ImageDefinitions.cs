using System.Text.Json;
using System.Text.Json.Serialization;
using Deploy.Delivery.Files;

namespace Deploy.Delivery.Registry;

/// <summary>
/// CodePipeline's ECS deploy input, <c>imagedefinitions.json</c>: <c>[{"name":"&lt;container&gt;","imageUri":"&lt;uri&gt;"}]</c>
/// (UTF-8 without BOM, at most 100 KB).
/// </summary>
public static class ImageDefinitions
{
    public const string FileName = "imagedefinitions.json";

    private const int MaxBytes = 100 * 1024;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The file's text for one container per entry, in the given order.</summary>
    public static string Render(IReadOnlyList<ImageDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Count == 0)
        {
            throw new ArgumentException("imagedefinitions.json needs at least one container.", nameof(definitions));
        }

        foreach (var definition in definitions)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(definition.Name, nameof(definitions));
            ArgumentException.ThrowIfNullOrWhiteSpace(definition.ImageUri, nameof(definitions));
        }

        var duplicate = definitions.GroupBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Container '{duplicate.Key}' appears more than once.", nameof(definitions));
        }

        var text = JsonSerializer.Serialize(definitions, Json) + "\n";
        return System.Text.Encoding.UTF8.GetByteCount(text) <= MaxBytes
            ? text
            : throw new ArgumentException($"imagedefinitions.json would exceed CodePipeline's {MaxBytes / 1024} KB limit.", nameof(definitions));
    }

    /// <summary>Writes <see cref="Render"/>'s text to <paramref name="path"/>, creating the directory.</summary>
    public static async Task WriteAsync(string path, IReadOnlyList<ImageDefinition> definitions, CancellationToken cancellationToken = default)
    {
        await AtomicFile.WriteAllTextAsync(path, Render(definitions), cancellationToken);
    }
}

/// <summary>One entry of <c>imagedefinitions.json</c>.</summary>
/// <param name="Name">The container name in the task definition.</param>
/// <param name="ImageUri">The image, by digest: <c>&lt;repositoryUri&gt;@sha256:…</c>.</param>
public sealed record ImageDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("imageUri")] string ImageUri);
