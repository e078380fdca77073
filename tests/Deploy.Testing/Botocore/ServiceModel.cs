using System.Text.Json;

namespace Deploy.Testing.Botocore;

/// <summary>One botocore service model (service-2.json).</summary>
public sealed class ServiceModel
{
    private readonly JsonDocument document;

    internal ServiceModel(string name, JsonDocument document)
    {
        Name = name;
        this.document = document;
        var metadata = document.RootElement.GetProperty("metadata");
        Protocol = metadata.GetProperty("protocol").GetString()!;
        ApiVersion = metadata.GetProperty("apiVersion").GetString()!;
        ServiceId = metadata.TryGetProperty("serviceId", out var id) ? id.GetString()! : name;
        TargetPrefix = metadata.TryGetProperty("targetPrefix", out var prefix) ? prefix.GetString() : null;
        JsonVersion = metadata.TryGetProperty("jsonVersion", out var json) ? json.GetString() : null;
        XmlNamespace = metadata.TryGetProperty("xmlNamespace", out var ns) ? ns.GetString() : null;
        EndpointPrefix = metadata.GetProperty("endpointPrefix").GetString()!;
        SigningName = metadata.TryGetProperty("signingName", out var signing) ? signing.GetString()! : EndpointPrefix;
        GlobalEndpoint = metadata.TryGetProperty("globalEndpoint", out var global) ? global.GetString() : null;
    }

    /// <summary>botocore directory name, e.g. <c>ecs</c>.</summary>
    public string Name { get; }

    /// <summary><c>json</c>, <c>query</c>, <c>rest-json</c>, <c>rest-xml</c>, <c>ec2</c>.</summary>
    public string Protocol { get; }

    public string ApiVersion { get; }

    /// <summary>Human service id used in violation messages, e.g. <c>ECS</c>, <c>CloudFormation</c>.</summary>
    public string ServiceId { get; }

    public string? TargetPrefix { get; }

    public string? JsonVersion { get; }

    public string? XmlNamespace { get; }

    public string EndpointPrefix { get; }

    public string SigningName { get; }

    public string? GlobalEndpoint { get; }

    /// <summary>Names of all operations in the model.</summary>
    public IEnumerable<string> Operations =>
        document.RootElement.GetProperty("operations").EnumerateObject().Select(p => p.Name);

    public bool HasOperation(string operation) =>
        document.RootElement.GetProperty("operations").TryGetProperty(operation, out _);

    /// <summary>The operation's JSON definition (http, input, output, errors).</summary>
    public JsonElement Operation(string operation) =>
        document.RootElement.GetProperty("operations").TryGetProperty(operation, out var op)
            ? op
            : throw new ArgumentException($"{ServiceId} has no operation {operation}", nameof(operation));

    /// <summary>The named shape's JSON definition.</summary>
    public JsonElement Shape(string name) =>
        TryGetShape(name, out var shape) ? shape : throw new KeyNotFoundException($"{ServiceId} has no shape {name}");

    /// <summary>The named shape's JSON definition, if the model has a shape of that name.</summary>
    public bool TryGetShape(string name, out JsonElement shape) =>
        document.RootElement.GetProperty("shapes").TryGetProperty(name, out shape);

    /// <summary>The input shape name of an operation, or null when it takes none.</summary>
    public string? InputShape(string operation) =>
        Operation(operation).TryGetProperty("input", out var input) ? input.GetProperty("shape").GetString() : null;

    /// <summary>The output shape name of an operation, or null when it returns none.</summary>
    public string? OutputShape(string operation) =>
        Operation(operation).TryGetProperty("output", out var output) ? output.GetProperty("shape").GetString() : null;

    /// <summary>The query protocol's result wrapper element of an operation's output, if any.</summary>
    public string? ResultWrapper(string operation) =>
        Operation(operation).TryGetProperty("output", out var output) && output.TryGetProperty("resultWrapper", out var wrapper)
            ? wrapper.GetString()
            : null;

    /// <summary>Error shape names an operation declares.</summary>
    public IReadOnlyList<string> Errors(string operation) =>
        Operation(operation).TryGetProperty("errors", out var errors)
            ? errors.EnumerateArray().Select(e => e.GetProperty("shape").GetString()!).ToList()
            : [];

    /// <summary>The wire code of an error shape (its <c>error.code</c>, else its name).</summary>
    public string ErrorCode(string errorShape)
    {
        var shape = Shape(errorShape);
        return shape.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code)
            ? code.GetString()!
            : errorShape;
    }
}
