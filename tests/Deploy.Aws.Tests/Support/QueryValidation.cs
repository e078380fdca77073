using System.Globalization;
using System.Text.Json;

namespace Deploy.Aws.Tests.Support;

/// <summary>Validates query-protocol (form encoded) request bodies against botocore shapes.</summary>
internal static class QueryValidation
{
    public static IReadOnlyList<string> ValidateRequest(ServiceModel model, string? contentType, string body)
    {
        var violations = new List<string>();
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var pair in (body ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            fields.Add(new(key, value));
        }

        var action = fields.FirstOrDefault(f => f.Key == "Action").Value;
        var label = $"{model.ServiceId} {action ?? "?"}";
        var mediaType = contentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            violations.Add($"{label}: content type '{contentType}' is not application/x-www-form-urlencoded");
        }

        foreach (var duplicate in fields.GroupBy(f => f.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            violations.Add($"{label}: field {duplicate.Key} appears {duplicate.Count()} times");
        }

        if (action is null)
        {
            violations.Add($"{label}: Action is missing");
            return violations;
        }

        if (!model.HasOperation(action))
        {
            violations.Add($"{label}: the model has no operation {action}");
            return violations;
        }

        var version = fields.FirstOrDefault(f => f.Key == "Version").Value;
        if (!string.Equals(version, model.ApiVersion, StringComparison.Ordinal))
        {
            violations.Add($"{label}: Version '{version}' is not the model's apiVersion {model.ApiVersion}");
        }

        var root = new Node();
        foreach (var (key, value) in fields)
        {
            if (key is "Action" or "Version")
            {
                continue;
            }

            var node = root;
            foreach (var segment in key.Split('.'))
            {
                if (!node.Children.TryGetValue(segment, out var child))
                {
                    child = new Node();
                    node.Children.Add(segment, child);
                }

                node = child;
            }

            node.Value = value;
        }

        var found = new List<string>();
        var input = model.InputShape(action);
        if (input is null)
        {
            found.AddRange(root.Children.Keys.Select(k => $"{k}: unknown member (the operation takes no input)"));
        }
        else
        {
            ValidateStructure(model, model.Shape(input), root, string.Empty, found);
        }

        violations.AddRange(found.Select(v => $"{label}: {v}"));
        return violations;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static void Validate(ServiceModel model, string shapeName, Node node, string path, List<string> violations)
    {
        var shape = model.Shape(shapeName);
        var type = shape.Type();
        switch (type)
        {
            case "structure":
                if (node.Children.Count == 0)
                {
                    violations.Add($"{path}: expected structure fields {path}.<Member>, got a plain value");
                    return;
                }

                if (node.Value is not null)
                {
                    violations.Add($"{path}: a structure has no value of its own");
                }

                ValidateStructure(model, shape, node, path, violations);
                break;

            case "list":
                ValidateList(model, shape, node, path, violations);
                break;

            case "map":
                ValidateMap(model, shape, node, path, violations);
                break;

            default:
                if (node.Children.Count > 0)
                {
                    violations.Add($"{path}: expected {type}, got nested fields {string.Join(", ", node.Children.Keys.Select(k => path + "." + k))}");
                    return;
                }

                ValidateScalar(shape, type, node.Value ?? string.Empty, path, violations);
                break;
        }
    }

    private static void ValidateStructure(ServiceModel model, JsonElement shape, Node node, string path, List<string> violations)
    {
        var members = shape.BodyMembers().ToDictionary(m => m.WireName, StringComparer.Ordinal);
        foreach (var (name, child) in node.Children)
        {
            var childPath = ShapeFacts.Join(path, name);
            if (!members.TryGetValue(name, out var member))
            {
                var near = members.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                violations.Add(near is null ? $"{childPath}: unknown member" : $"{childPath}: unknown member (did you mean {near}?)");
                continue;
            }

            Validate(model, member.ShapeName, child, childPath, violations);
        }

        foreach (var required in shape.Required())
        {
            var wire = members.Values.FirstOrDefault(m => m.Name == required)?.WireName ?? required;
            if (!node.Children.ContainsKey(wire))
            {
                violations.Add($"{ShapeFacts.Join(path, wire)}: required member is missing");
            }
        }
    }

    private static void ValidateList(ServiceModel model, JsonElement shape, Node node, string path, List<string> violations)
    {
        var memberRef = shape.ListMember();
        var memberShape = memberRef.GetProperty("shape").GetString()!;
        if (node.Children.Count == 0)
        {
            // An empty list is sent as "Name=" (botocore does this); anything else is a scalar where a list belongs.
            if (!string.IsNullOrEmpty(node.Value))
            {
                violations.Add($"{path}: expected list ({path}.member.N), got a plain value");
                return;
            }

            shape.CheckConstraints(path, 0, violations);
            return;
        }

        if (node.Value is not null)
        {
            violations.Add($"{path}: a list has no value of its own");
        }

        Node items;
        string itemsPath;
        if (shape.IsFlattened())
        {
            items = node;
            itemsPath = path;
        }
        else
        {
            var memberName = memberRef.Text("locationName") ?? "member";
            foreach (var other in node.Children.Keys.Where(k => k != memberName))
            {
                violations.Add($"{path}.{other}: expected {path}.{memberName}.N for a list");
            }

            if (!node.Children.TryGetValue(memberName, out var found))
            {
                return;
            }

            items = found;
            itemsPath = $"{path}.{memberName}";
        }

        var count = CheckIndexes(items, itemsPath, violations);
        shape.CheckConstraints(path, count, violations);
        foreach (var (index, item) in items.Children)
        {
            if (int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                Validate(model, memberShape, item, $"{itemsPath}.{index}", violations);
            }
        }
    }

    private static void ValidateMap(ServiceModel model, JsonElement shape, Node node, string path, List<string> violations)
    {
        if (node.Children.Count == 0)
        {
            if (!string.IsNullOrEmpty(node.Value))
            {
                violations.Add($"{path}: expected map ({path}.entry.N.key/value), got a plain value");
            }

            return;
        }

        Node entries;
        string entriesPath;
        if (shape.IsFlattened())
        {
            entries = node;
            entriesPath = path;
        }
        else
        {
            foreach (var other in node.Children.Keys.Where(k => k != "entry"))
            {
                violations.Add($"{path}.{other}: expected {path}.entry.N.key/value for a map");
            }

            if (!node.Children.TryGetValue("entry", out var found))
            {
                return;
            }

            entries = found;
            entriesPath = path + ".entry";
        }

        var keyRef = shape.GetProperty("key");
        var valueRef = shape.GetProperty("value");
        var keyName = keyRef.Text("locationName") ?? "key";
        var valueName = valueRef.Text("locationName") ?? "value";
        var count = CheckIndexes(entries, entriesPath, violations);
        shape.CheckConstraints(path, count, violations);
        foreach (var (index, entry) in entries.Children)
        {
            var entryPath = $"{entriesPath}.{index}";
            foreach (var other in entry.Children.Keys.Where(k => k != keyName && k != valueName))
            {
                violations.Add($"{entryPath}.{other}: a map entry has only {keyName} and {valueName}");
            }

            if (entry.Children.TryGetValue(keyName, out var key))
            {
                Validate(model, keyRef.GetProperty("shape").GetString()!, key, $"{entryPath}.{keyName}", violations);
            }
            else
            {
                violations.Add($"{entryPath}.{keyName}: map entry key is missing");
            }

            if (entry.Children.TryGetValue(valueName, out var value))
            {
                Validate(model, valueRef.GetProperty("shape").GetString()!, value, $"{entryPath}.{valueName}", violations);
            }
            else
            {
                violations.Add($"{entryPath}.{valueName}: map entry value is missing");
            }
        }
    }

    /// <summary>List/map indexes must be 1..N without gaps; returns N.</summary>
    private static int CheckIndexes(Node items, string path, List<string> violations)
    {
        var indexes = new List<int>();
        foreach (var key in items.Children.Keys)
        {
            if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 1 && key[0] != '0')
            {
                indexes.Add(index);
            }
            else
            {
                violations.Add($"{path}.{key}: expected a 1-based index");
            }
        }

        indexes.Sort();
        for (var i = 0; i < indexes.Count; i++)
        {
            if (indexes[i] != i + 1)
            {
                violations.Add($"{path}: indexes must run 1..{indexes.Count} without gaps, got {string.Join(",", indexes)}");
                break;
            }
        }

        return indexes.Count;
    }

    private static void ValidateScalar(JsonElement shape, string type, string value, string path, List<string> violations)
    {
        switch (type)
        {
            case "string":
                shape.CheckConstraints(path, value, violations);
                break;

            case "integer":
                if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
                {
                    shape.CheckConstraints(path, (double)i, violations);
                }
                else
                {
                    violations.Add($"{path}: expected integer, got '{ShapeFacts.Shorten(value)}'");
                }

                break;

            case "long":
                if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    shape.CheckConstraints(path, (double)l, violations);
                }
                else
                {
                    violations.Add($"{path}: expected long, got '{ShapeFacts.Shorten(value)}'");
                }

                break;

            case "float" or "double":
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    shape.CheckConstraints(path, d, violations);
                }
                else if (value is not ("NaN" or "Infinity" or "-Infinity"))
                {
                    violations.Add($"{path}: expected {type}, got '{ShapeFacts.Shorten(value)}'");
                }

                break;

            case "boolean":
                if (value is not ("true" or "false"))
                {
                    violations.Add($"{path}: expected boolean (true|false), got '{ShapeFacts.Shorten(value)}'");
                }

                break;

            case "timestamp":
                if (!IsIso8601(value))
                {
                    violations.Add($"{path}: expected timestamp (ISO 8601), got '{ShapeFacts.Shorten(value)}'");
                }

                break;

            case "blob":
                if (!ShapeFacts.IsBase64(value))
                {
                    violations.Add($"{path}: expected blob (base64), got a value that is not base64");
                }

                break;

            default:
                violations.Add($"{path}: shape type {type} is not supported by the validator");
                break;
        }
    }

    private static bool IsIso8601(string value) =>
        value.Length >= 20 && value[10] == 'T' &&
        (value.EndsWith('Z') || value[^6] is '+' or '-') &&
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    private sealed class Node
    {
        public string? Value { get; set; }

        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);
    }
}
