using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Core;

/// <summary>
/// Checks a response record against botocore's output shape: the model's sample (every member filled) is
/// read into the record; written back, it must still conform to the model, carry the sample's values, and
/// fill every member the record declares (a declared member the model lacks would stay empty).
/// </summary>
internal static class ResponseConformance
{
    public static IReadOnlyList<string> Check(string service, string operation, object response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var violations = new List<string>();
        var sample = JsonNode.Parse(BotocoreModels.SampleResponse(service, operation))!;
        var ours = JsonSerializer.SerializeToNode(response, response.GetType(), AwsJson.Options)!;
        var label = $"{service} {operation} response";

        violations.AddRange(BotocoreModels.ValidateResponse(service, operation, ours.ToJsonString()));
        CompareValues(ours, sample, label, violations);
        CheckDeclaredMembers(AwsJson.Options.GetTypeInfo(response.GetType()), ours, label, violations);
        return violations;
    }

    /// <summary>Reads the model's sample response for <paramref name="operation"/> as <typeparamref name="T"/>.</summary>
    public static T ReadSample<T>(string service, string operation) =>
        JsonSerializer.Deserialize<T>(BotocoreModels.SampleResponse(service, operation), AwsJson.Options)!;

    private static void CompareValues(JsonNode? ours, JsonNode? sample, string path, List<string> violations)
    {
        switch (ours)
        {
            case null:
                return;
            case JsonObject obj:
                if (sample is not JsonObject sampleObject)
                {
                    violations.Add($"{path}: we wrote an object, the sample has {sample?.GetValueKind().ToString() ?? "nothing"}");
                    return;
                }

                foreach (var (name, value) in obj)
                {
                    if (!sampleObject.TryGetPropertyValue(name, out var sampleValue))
                    {
                        violations.Add($"{path}.{name}: not in the model's sample (unknown member)");
                        continue;
                    }

                    CompareValues(value, sampleValue, path + "." + name, violations);
                }

                return;
            case JsonArray array:
                if (sample is not JsonArray sampleArray || sampleArray.Count != array.Count)
                {
                    violations.Add($"{path}: list lost entries ({array.Count} vs sample {(sample as JsonArray)?.Count})");
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    CompareValues(array[i], sampleArray[i], $"{path}[{i}]", violations);
                }

                return;
            default:
                var left = Scalar(ours);
                var right = Scalar(sample);
                if (left != right)
                {
                    violations.Add($"{path}: read {left}, the sample says {right}");
                }

                return;
        }
    }

    private static string Scalar(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => node.GetValue<decimal>().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.String => node.GetValue<string>(),
        null => "null",
        _ => node.ToJsonString(),
    };

    private static void CheckDeclaredMembers(JsonTypeInfo info, JsonNode? node, string path, List<string> violations)
    {
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                foreach (var property in info.Properties)
                {
                    if (property.Get is null || property.IsExtensionData)
                    {
                        continue;
                    }

                    if (!obj.TryGetPropertyValue(property.Name, out var value) || value is null)
                    {
                        violations.Add($"{path}.{property.Name}: declared by {info.Type.Name} but the model's sample never fills it (misnamed or not in the model)");
                        continue;
                    }

                    CheckDeclaredMembers(AwsJson.Options.GetTypeInfo(property.PropertyType), value, path + "." + property.Name, violations);
                }

                return;
            case JsonTypeInfoKind.Enumerable when node is JsonArray { Count: > 0 } array:
                CheckDeclaredMembers(AwsJson.Options.GetTypeInfo(info.ElementType!), array[0], path + "[0]", violations);
                return;
            case JsonTypeInfoKind.Dictionary when node is JsonObject map && map.Count > 0:
                CheckDeclaredMembers(AwsJson.Options.GetTypeInfo(info.ElementType!), map.First().Value, path + "{}", violations);
                return;
            default:
                return;
        }
    }
}

/// <summary>Sessions whose HTTP goes to a handler (no network).</summary>
internal static class OfflineSession
{
    public static AwsSession For(HttpMessageHandler handler) => new(new AwsSessionOptions
    {
        Region = "eu-west-1",
        Credentials = FakeSessions.Credentials,
        HttpHandler = handler,
        MaxAttempts = 1,
    });
}
