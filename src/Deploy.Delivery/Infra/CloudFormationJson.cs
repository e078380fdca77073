using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deploy.Delivery.Infra;

/// <summary>Intrinsic functions and the one JSON format the templates are written in.</summary>
internal static class CloudFormationJson
{
    private static readonly JsonWriterOptions IndentedOptions = new()
    {
        Indented = true,
        IndentCharacter = ' ',
        IndentSize = 2,
        NewLine = "\n",
        // A template is not HTML: keep '<', '>', '&', '+' and '\'' readable (List<AWS::EC2::Subnet::Id>).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Ref(string logicalId) => new() { ["Ref"] = logicalId };

    public static JsonObject GetAtt(string logicalId, string attribute) => new() { ["Fn::GetAtt"] = new JsonArray(logicalId, attribute) };

    public static JsonObject Sub(string text) => new() { ["Fn::Sub"] = text };

    public static JsonObject Join(string separator, JsonNode values) => new() { ["Fn::Join"] = new JsonArray(separator, values) };

    public static JsonArray Items(params IEnumerable<JsonNode> items) => new([.. items]);

    public static JsonArray Strings(params IEnumerable<string> items) => new([.. items.Select(i => (JsonNode)i)]);

    /// <summary>Two-space indentation, LF line ends, a trailing newline, keys in insertion order: the same bytes every time.</summary>
    public static string Indented(JsonNode node) => Write(node, IndentedOptions) + "\n";

    public static string Compact(JsonNode node) => Write(node, CompactOptions);

    private static string Write(JsonNode node, JsonWriterOptions options)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            node.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
