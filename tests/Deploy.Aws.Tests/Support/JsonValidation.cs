using System.Text.Json;

namespace Deploy.Aws.Tests.Support;

/// <summary>Validates JSON-protocol bodies against botocore shapes.</summary>
internal static class JsonValidation
{
    public static IReadOnlyList<string> ValidateRequest(ServiceModel model, string? target, string? contentType, string body)
    {
        var violations = new List<string>();
        if (string.IsNullOrEmpty(target))
        {
            violations.Add($"{model.ServiceId}: X-Amz-Target header is missing");
            return violations;
        }

        var dot = target.LastIndexOf('.');
        var prefix = dot < 0 ? string.Empty : target[..dot];
        var operation = target[(dot + 1)..];
        var label = $"{model.ServiceId} {operation}";
        if (!string.Equals(prefix, model.TargetPrefix, StringComparison.Ordinal))
        {
            violations.Add($"{label}: X-Amz-Target prefix '{prefix}' is not the model's '{model.TargetPrefix}'");
        }

        if (!model.HasOperation(operation))
        {
            violations.Add($"{label}: the model has no operation {operation}");
            return violations;
        }

        var expectedType = "application/x-amz-json-" + (model.JsonVersion ?? "1.0");
        var mediaType = contentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, expectedType, StringComparison.OrdinalIgnoreCase))
        {
            violations.Add($"{label}: content type '{contentType}' is not {expectedType}");
        }

        ValidateDocument(model, model.InputShape(operation), body, label, violations);
        return violations;
    }

    public static IReadOnlyList<string> ValidateResponse(ServiceModel model, string operation, string body)
    {
        var violations = new List<string>();
        var label = $"{model.ServiceId} {operation} response";
        if (!model.HasOperation(operation))
        {
            violations.Add($"{label}: the model has no operation {operation}");
            return violations;
        }

        ValidateDocument(model, model.OutputShape(operation), body, label, violations);
        return violations;
    }

    private static void ValidateDocument(ServiceModel model, string? shapeName, string body, string label, List<string> violations)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
        }
        catch (JsonException e)
        {
            violations.Add($"{label}: body is not JSON: {e.Message}");
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                violations.Add($"{label}: body must be a JSON object, got {ShapeFacts.Describe(document.RootElement.ValueKind)}");
                return;
            }

            if (shapeName is null)
            {
                if (document.RootElement.EnumerateObject().Any())
                {
                    violations.Add($"{label}: the operation takes no members but the body has some");
                }

                return;
            }

            var found = new List<string>();
            Validate(model, shapeName, document.RootElement, string.Empty, found);
            violations.AddRange(found.Select(v => $"{label}: {v}"));
        }
    }

    private static void Validate(ServiceModel model, string shapeName, JsonElement value, string path, List<string> violations)
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
                ValidateStructure(model, shape, value, path, violations);
                break;

            case "list":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    violations.Add($"{where}: expected list, got {ShapeFacts.Describe(value.ValueKind)}");
                    return;
                }

                shape.CheckConstraints(where, value.GetArrayLength(), violations);
                var memberShape = shape.ListMember().GetProperty("shape").GetString()!;
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Validate(model, memberShape, item, $"{path}[{index++}]", violations);
                }

                break;

            case "map":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    violations.Add($"{where}: expected map, got {ShapeFacts.Describe(value.ValueKind)}");
                    return;
                }

                var entries = value.EnumerateObject().ToList();
                shape.CheckConstraints(where, entries.Count, violations);
                var keyShape = model.Shape(shape.GetProperty("key").GetProperty("shape").GetString()!);
                var valueShape = shape.GetProperty("value").GetProperty("shape").GetString()!;
                foreach (var entry in entries)
                {
                    keyShape.CheckConstraints($"{where} key '{entry.Name}'", entry.Name, violations);
                    Validate(model, valueShape, entry.Value, $"{path}[\"{entry.Name}\"]", violations);
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
                    var format = shape.Text("timestampFormat");
                    if (format is "iso8601" or "rfc822")
                    {
                        if (value.ValueKind != JsonValueKind.String)
                        {
                            violations.Add($"{where}: expected timestamp ({format} string), got {ShapeFacts.Describe(value.ValueKind)}");
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

    private static void ValidateStructure(ServiceModel model, JsonElement shape, JsonElement value, string path, List<string> violations)
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
                var near = members.Keys.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
                violations.Add(near is null
                    ? $"{memberPath}: unknown member"
                    : $"{memberPath}: unknown member (did you mean {near}?)");
                continue;
            }

            Validate(model, member.ShapeName, property.Value, memberPath, violations);
        }

        foreach (var required in shape.Required())
        {
            var wire = members.Values.FirstOrDefault(m => m.Name == required)?.WireName ?? required;
            if (!present.Contains(wire))
            {
                violations.Add($"{ShapeFacts.Join(path, wire)}: required member is missing");
            }
        }

        if (shape.Flag("union") && present.Count != 1)
        {
            violations.Add($"{where}: a union must set exactly one member, got {present.Count}");
        }
    }

    private static string DescribeNumber(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? $"number {value.GetRawText()}" : ShapeFacts.Describe(value.ValueKind);
}
