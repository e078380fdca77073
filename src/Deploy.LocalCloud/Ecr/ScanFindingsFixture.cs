using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Ecr;

/// <summary>
/// The local cloud has no vulnerability scanner. Findings come only from a fixture file
/// <c>&lt;state-dir&gt;/scan-findings/sha256-&lt;hex&gt;.json</c> (<c>{"findings":[{name,severity,...}]}</c>);
/// without one an image has zero findings. Nothing is ever invented.
/// </summary>
internal sealed class ScanFindingsFixture(LocalCloudOptions options)
{
    public string PathFor(string digest) =>
        Path.Combine(options.StateDirectory, "scan-findings", digest.Replace(':', '-') + ".json");

    public IReadOnlyList<JsonObject> FindingsFor(string digest)
    {
        var path = PathFor(digest);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            var findings = JsonNode.Parse(File.ReadAllText(path))?["findings"] as JsonArray;
            return findings?.OfType<JsonObject>().Select(f => (JsonObject)f.DeepClone()).ToList() ?? [];
        }
        catch (JsonException)
        {
            // A broken fixture is a local authoring mistake; report no findings rather than fail the API.
            return [];
        }
    }
}
