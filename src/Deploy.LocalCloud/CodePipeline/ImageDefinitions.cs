using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>One entry of <c>imagedefinitions.json</c>: a container name and the image it should run.</summary>
internal sealed record ImageDefinition(string Name, string ImageUri);

/// <summary>
/// Reads <c>imagedefinitions.json</c> (AWS's image definitions file reference: a UTF-8 JSON array of
/// <c>{"name", "imageUri"}</c>, at most 100 KB) from an input artifact zip; every problem is one clear line.
/// </summary>
internal static class ImageDefinitions
{
    private const int MaximumBytes = 100 * 1024;

    public static IReadOnlyList<ImageDefinition> Read(byte[] zip, string fileName, string artifactName)
    {
        byte[] content;
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            var entry = archive.GetEntry(fileName) ?? archive.Entries.FirstOrDefault(e => e.FullName.TrimStart('.', '/') == fileName)
                        ?? throw new PipelineActionException($"Exception while trying to read the image definitions file {fileName} from the input artifact {artifactName}: the artifact has no such file (FileName of the ECS action).");
            if (entry.Length > MaximumBytes)
            {
                throw new PipelineActionException($"The image definitions file {fileName} is {entry.Length} bytes; the limit is 100 KB.");
            }

            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            content = buffer.ToArray();
        }
        catch (InvalidDataException)
        {
            throw new PipelineActionException($"The input artifact {artifactName} is not a zip file.");
        }

        return Parse(Encoding.UTF8.GetString(content), fileName);
    }

    public static IReadOnlyList<ImageDefinition> Parse(string json, string fileName)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(json);
        }
        catch (JsonException failure)
        {
            throw Invalid(fileName, $"not JSON ({failure.Message})");
        }

        if (document is not JsonArray entries)
        {
            throw Invalid(fileName, "the document must be an array of {\"name\", \"imageUri\"} objects");
        }

        var definitions = new List<ImageDefinition>();
        foreach (var (entry, index) in entries.Select((e, i) => (e, i)))
        {
            var name = entry is JsonObject o && o["name"]?.GetValueKind() == JsonValueKind.String ? o["name"]!.GetValue<string>() : null;
            var uri = entry is JsonObject u && u["imageUri"]?.GetValueKind() == JsonValueKind.String ? u["imageUri"]!.GetValue<string>() : null;
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(uri))
            {
                throw Invalid(fileName, $"entry {index} needs a string \"name\" and a string \"imageUri\"");
            }

            definitions.Add(new ImageDefinition(name, uri));
        }

        return definitions.Count > 0 ? definitions : throw Invalid(fileName, "the array is empty");
    }

    private static PipelineActionException Invalid(string fileName, string reason) =>
        new($"The image definition file {fileName} contains invalid JSON format: {reason}.");
}
