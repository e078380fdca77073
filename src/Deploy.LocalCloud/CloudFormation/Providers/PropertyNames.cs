using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CloudFormation.Providers;

/// <summary>
/// Turns CloudFormation's PascalCase properties into a JSON API's camelCase members (CodeBuild, CodePipeline), with
/// per-service exceptions and subtrees (maps such as an action's Configuration) kept verbatim.
/// </summary>
internal static class PropertyNames
{
    public static JsonNode? ToCamelCase(JsonNode? node, IReadOnlyDictionary<string, string> renames, ISet<string> verbatim)
    {
        switch (node)
        {
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    var renamed = renames.TryGetValue(name, out var special) ? special : char.ToLowerInvariant(name[0]) + name[1..];
                    result[renamed] = verbatim.Contains(name) ? value?.DeepClone() : ToCamelCase(value, renames, verbatim);
                }

                return result;
            case JsonArray array:
                return new JsonArray(array.Select(item => ToCamelCase(item, renames, verbatim)).ToArray());
            default:
                return node?.DeepClone();
        }
    }
}
