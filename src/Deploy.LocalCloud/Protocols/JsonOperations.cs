using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Protocols;

/// <summary>An operation table for a JSON service: name → handler, unknown names fail like AWS.</summary>
internal sealed class JsonOperations
{
    private readonly Dictionary<string, Func<JsonObject, JsonObject>> handlers = new(StringComparer.Ordinal);

    public JsonOperations Add(string operation, Func<JsonObject, JsonObject> handler)
    {
        handlers.Add(operation, handler);
        return this;
    }

    public JsonObject Run(string operation, JsonObject request) =>
        handlers.TryGetValue(operation, out var handler)
            ? handler(request)
            : throw new AwsServiceException("UnknownOperationException", $"Unknown operation {operation}");
}
