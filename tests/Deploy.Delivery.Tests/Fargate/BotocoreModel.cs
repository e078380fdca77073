using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deploy.Delivery.Tests.Fargate;

/// <summary>
/// botocore's models (<c>botocore/data/&lt;service&gt;/&lt;version&gt;/service-2.json[.gz]</c> of the botocore on this machine)
/// and a small validator of a JSON value against one of their shapes: member names, required members, JSON types, enums,
/// ranges and lengths, recursively. The idea of tests/Deploy.Aws.Tests/Support/JsonValidation, reduced to what the deploy
/// requests need.
/// </summary>
internal static class BotocoreModel
{
    private static readonly Dictionary<string, JsonObject> Models = new(StringComparer.Ordinal);

    /// <summary>The botocore service of a JSON 1.1 X-Amz-Target prefix.</summary>
    public static string ServiceOf(string target) => target[..target.IndexOf('.', StringComparison.Ordinal)] switch
    {
        "AmazonEC2ContainerServiceV20141113" => "ecs",
        "AmazonEC2ContainerRegistry_V20150921" => "ecr",
        "Logs_20140328" => "logs",
        var other => throw new ArgumentException($"unknown target prefix {other}", nameof(target)),
    };

    /// <summary>Every violation of <paramref name="value"/> against the ECS shape <paramref name="shape"/>; empty when it conforms.</summary>
    public static IReadOnlyList<string> Validate(JsonNode? value, string shape) => Validate("ecs", value, shape);

    /// <summary>Every violation of a request body against its operation's input shape.</summary>
    public static IReadOnlyList<string> ValidateRequest(string service, string operation, JsonNode body)
    {
        var input = Model(service)["operations"]![operation]?["input"]?["shape"]?.GetValue<string>();
        return input is null ? [$"{service} has no operation {operation}"] : Validate(service, body, input);
    }

    private static List<string> Validate(string service, JsonNode? value, string shape)
    {
        var violations = new List<string>();
        Check(Model(service)["shapes"]!.AsObject(), value, shape, "$", violations);
        return violations;
    }

    private static JsonObject Model(string service)
    {
        lock (Models)
        {
            if (!Models.TryGetValue(service, out var model))
            {
                Models[service] = model = Load(service);
            }

            return model;
        }
    }

    private static void Check(JsonObject shapes, JsonNode? value, string shapeName, string path, List<string> v)
    {
        var shape = shapes[shapeName]!.AsObject();
        var type = shape["type"]!.GetValue<string>();
        if (value is null)
        {
            v.Add($"{path}: null is not a {type}");
            return;
        }

        switch (type)
        {
            case "structure":
                if (value is not JsonObject obj)
                {
                    v.Add($"{path}: expected an object ({shapeName})");
                    return;
                }

                var members = shape["members"]!.AsObject();
                foreach (var required in (shape["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()).Where(r => obj[r] is null))
                {
                    v.Add($"{path}.{required}: required by {shapeName}");
                }

                foreach (var (name, member) in obj)
                {
                    if (members[name] is not JsonObject declared)
                    {
                        v.Add($"{path}.{name}: not a member of {shapeName}");
                        continue;
                    }

                    Check(shapes, member, declared["shape"]!.GetValue<string>(), $"{path}.{name}", v);
                }

                break;
            case "list":
                if (value is not JsonArray list)
                {
                    v.Add($"{path}: expected a list ({shapeName})");
                    return;
                }

                Range(list.Count, shape, path, "items", v);
                for (var i = 0; i < list.Count; i++)
                {
                    Check(shapes, list[i], shape["member"]!["shape"]!.GetValue<string>(), $"{path}[{i}]", v);
                }

                break;
            case "map":
                if (value is not JsonObject map)
                {
                    v.Add($"{path}: expected a map ({shapeName})");
                    return;
                }

                foreach (var (key, entry) in map)
                {
                    Check(shapes, JsonValue.Create(key), shape["key"]!["shape"]!.GetValue<string>(), $"{path}.<key {key}>", v);
                    Check(shapes, entry, shape["value"]!["shape"]!.GetValue<string>(), $"{path}.{key}", v);
                }

                break;
            case "string":
                if (value.GetValueKind() != JsonValueKind.String)
                {
                    v.Add($"{path}: expected a string ({shapeName})");
                    return;
                }

                var text = value.GetValue<string>();
                if (shape["enum"] is JsonArray allowed && !allowed.Any(a => a!.GetValue<string>() == text))
                {
                    v.Add($"{path}: '{text}' is not one of {string.Join(", ", allowed.Select(a => a!.GetValue<string>()))}");
                }

                Range(text.Length, shape, path, "characters", v);
                break;
            case "integer" or "long":
                if (value.GetValueKind() != JsonValueKind.Number || !value.AsValue().TryGetValue<long>(out var number))
                {
                    v.Add($"{path}: expected an integer ({shapeName})");
                    return;
                }

                Range(number, shape, path, "", v);
                break;
            case "boolean":
                if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    v.Add($"{path}: expected true or false ({shapeName})");
                }

                break;
            default:
                v.Add($"{path}: shape type {type} is not supported by this validator");
                break;
        }
    }

    private static void Range(long count, JsonObject shape, string path, string unit, List<string> v)
    {
        if (shape["min"] is { } min && count < min.GetValue<long>())
        {
            v.Add($"{path}: {count} {unit} is below the minimum {min}");
        }

        if (shape["max"] is { } max && count > max.GetValue<long>())
        {
            v.Add($"{path}: {count} {unit} is above the maximum {max}");
        }
    }

    private static JsonObject Load(string service)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import botocore,os;print(os.path.dirname(botocore.__file__))");
        using var process = Process.Start(start)!;
        var botocore = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        var version = Directory.GetDirectories(Path.Combine(botocore, "data", service)).Order(StringComparer.Ordinal).Last();
        var plain = Path.Combine(version, "service-2.json");
        using Stream stream = File.Exists(plain) ? File.OpenRead(plain) : new GZipStream(File.OpenRead(plain + ".gz"), CompressionMode.Decompress);
        return JsonNode.Parse(stream)!.AsObject();
    }
}
