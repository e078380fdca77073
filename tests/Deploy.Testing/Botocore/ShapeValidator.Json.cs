using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deploy.Testing.Botocore;

public static partial class ShapeValidator
{
    /// <summary>
    /// Validates a JSON value against a shape of <paramref name="model"/>, recursively: structures (required members,
    /// unknown or repeated members, null members, unions), lists and maps (sizes, map keys), strings (enum, length,
    /// pattern), numbers (integer/long range, float), booleans, timestamps (epoch seconds, or the shape's
    /// <c>timestampFormat</c> string), blobs (base64). Violations read <c>path: problem</c>, e.g.
    /// <c>containerDefinitions[0].portMappings[0].containerPort: expected integer, got string</c>.
    /// </summary>
    public static IReadOnlyList<string> ValidateJson(
        ServiceModel model, string shapeName, JsonElement value, MessageDirection direction = MessageDirection.Request)
    {
        ArgumentNullException.ThrowIfNull(model);
        var violations = new List<string>();
        ValidateJsonValue(model, shapeName, value, string.Empty, direction, violations);
        return violations;
    }

    /// <inheritdoc cref="ValidateJson(ServiceModel, string, JsonElement, MessageDirection)"/>
    public static IReadOnlyList<string> ValidateJson(
        ServiceModel model, string shapeName, JsonNode? value, MessageDirection direction = MessageDirection.Request) =>
        ValidateJson(model, shapeName, JsonSerializer.SerializeToElement(value), direction);

    /// <inheritdoc cref="ValidateJson(ServiceModel, string, JsonElement, MessageDirection)"/>
    public static IReadOnlyList<string> ValidateJson(
        string service, string shapeName, JsonNode? value, MessageDirection direction = MessageDirection.Request) =>
        ValidateJson(BotocoreModels.Load(service), shapeName, value, direction);

    private static void ValidateJsonValue(ServiceModel model, string shapeName, JsonElement value, string path, MessageDirection direction, List<string> violations)
    {
        var shape = model.Shape(shapeName);
        var type = shape.Type();
        var where = path.Length == 0 ? "(body)" : path;
        if (value.ValueKind == JsonValueKind.Null)
        {
            violations.Add($"{where}: expected {type}, got null (omit null members)");
            return;
        }

        if (shape.Flag("document"))
        {
            return;
        }

        switch (type)
        {
            case "structure":
                ValidateJsonStructure(model, shape, value, path, direction, violations);
                break;

            case "list":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    violations.Add($"{where}: expected list, got {ShapeFacts.Describe(value.ValueKind)}");
                    return;
                }

                shape.CheckConstraints(where, value.GetArrayLength(), direction, violations);
                var memberShape = shape.ListMember().GetProperty("shape").GetString()!;
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    ValidateJsonValue(model, memberShape, item, $"{path}[{index++}]", direction, violations);
                }

                break;

            case "map":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    violations.Add($"{where}: expected map, got {ShapeFacts.Describe(value.ValueKind)}");
                    return;
                }

                var entries = value.EnumerateObject().ToList();
                shape.CheckConstraints(where, entries.Count, direction, violations);
                var keyShape = model.Shape(shape.GetProperty("key").GetProperty("shape").GetString()!);
                var valueShape = shape.GetProperty("value").GetProperty("shape").GetString()!;
                foreach (var entry in entries)
                {
                    keyShape.CheckConstraints($"{where} key '{entry.Name}'", entry.Name, violations);
                    ValidateJsonValue(model, valueShape, entry.Value, $"{path}[\"{entry.Name}\"]", direction, violations);
                }

                break;

            case "string":
                if (value.ValueKind != JsonValueKind.String)
                {
                    violations.Add($"{where}: expected string, got {ShapeFacts.Describe(value.ValueKind)}");
                    return;
                }

                shape.CheckConstraints(where, value.GetString()!, violations);
                break;

            case "integer" or "long":
                {
                    var fits = type == "integer" ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _)
                                                 : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _);
                    if (!fits)
                    {
                        violations.Add($"{where}: expected {type}, got {DescribeNumber(value)}");
                        return;
                    }

                    shape.CheckConstraints(where, value.GetDouble(), violations);
                    break;
                }

            case "float" or "double":
                // JSON has no NaN or infinities; the JSON protocols send them as these strings.
                if (value.ValueKind == JsonValueKind.Number)
                {
                    shape.CheckConstraints(where, value.GetDouble(), violations);
                }
                else if (value.ValueKind != JsonValueKind.String || value.GetString() is not ("NaN" or "Infinity" or "-Infinity"))
                {
                    violations.Add($"{where}: expected {type}, got {ShapeFacts.Describe(value.ValueKind)}");
                }

                break;

            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    violations.Add($"{where}: expected boolean, got {ShapeFacts.Describe(value.ValueKind)}");
                }

                break;

            case "timestamp":
                {
                    // Epoch seconds unless the shape names a string format.
                    var format = shape.Text("timestampFormat");
                    if (format is "iso8601" or "rfc822")
                    {
                        if (value.ValueKind != JsonValueKind.String)
                        {
                            violations.Add($"{where}: expected timestamp ({format} string), got {ShapeFacts.Describe(value.ValueKind)}");
                        }
                        else
                        {
                            shape.CheckTimestampText(where, value.GetString()!, format, violations);
                        }
                    }
                    else if (value.ValueKind != JsonValueKind.Number)
                    {
                        violations.Add($"{where}: expected timestamp (epoch seconds number), got {ShapeFacts.Describe(value.ValueKind)}");
                    }

                    break;
                }

            case "blob":
                if (value.ValueKind != JsonValueKind.String)
                {
                    violations.Add($"{where}: expected blob (base64 string), got {ShapeFacts.Describe(value.ValueKind)}");
                }
                else if (!ShapeFacts.IsBase64(value.GetString()!))
                {
                    violations.Add($"{where}: expected blob, got a string that is not base64");
                }

                break;

            default:
                violations.Add($"{where}: shape type {type} is not supported by the validator");
                break;
        }
    }

    private static void ValidateJsonStructure(ServiceModel model, JsonElement shape, JsonElement value, string path, MessageDirection direction, List<string> violations)
    {
        var where = path.Length == 0 ? "(body)" : path;
        if (value.ValueKind != JsonValueKind.Object)
        {
            violations.Add($"{where}: expected structure, got {ShapeFacts.Describe(value.ValueKind)}");
            return;
        }

        var members = shape.BodyMembers().ToDictionary(m => m.WireName, StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            var memberPath = ShapeFacts.Join(path, property.Name);
            if (!present.Add(property.Name))
            {
                violations.Add($"{memberPath}: member appears twice");
                continue;
            }

            if (!members.TryGetValue(property.Name, out var member))
            {
                violations.Add(ShapeFacts.UnknownMember(memberPath, property.Name, members.Keys));
                continue;
            }

            ValidateJsonValue(model, member.ShapeName, property.Value, memberPath, direction, violations);
        }

        shape.CheckRequired(members, present.Contains, path, violations);
        if (shape.Flag("union") && present.Count != 1)
        {
            violations.Add($"{where}: a union must set exactly one member, got {present.Count}");
        }
    }

    private static string DescribeNumber(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? $"number {value.GetRawText()}" : ShapeFacts.Describe(value.ValueKind);
}
