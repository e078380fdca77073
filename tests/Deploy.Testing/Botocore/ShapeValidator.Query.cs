using System.Globalization;
using System.Text.Json;

namespace Deploy.Testing.Botocore;

public static partial class ShapeValidator
{
    /// <summary>
    /// Validates query-protocol form fields (<c>Name=value</c> pairs, without Action and Version) against a structure
    /// shape: every field maps to a member, lists are <c>Name.member.N</c> (or <c>Name.N</c> when flattened) with
    /// indexes 1..N without gaps and <c>Name=</c> for an empty list, maps are <c>Name.entry.N.key/value</c>, required
    /// members are present, and scalar values parse as their type and meet its constraints.
    /// </summary>
    public static IReadOnlyList<string> ValidateQueryFields(ServiceModel model, string shapeName, IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(fields);
        var root = new FieldNode();
        foreach (var (key, value) in fields)
        {
            var node = root;
            foreach (var segment in key.Split('.'))
            {
                if (!node.Children.TryGetValue(segment, out var child))
                {
                    child = new FieldNode();
                    node.Children.Add(segment, child);
                }

                node = child;
            }

            node.Value = value;
        }

        var violations = new List<string>();
        ValidateFieldStructure(model, model.Shape(shapeName), root, string.Empty, violations);
        return violations;
    }

    private static void ValidateField(ServiceModel model, string shapeName, FieldNode node, string path, List<string> violations)
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

                ValidateFieldStructure(model, shape, node, path, violations);
                break;

            case "list":
                ValidateFieldList(model, shape, node, path, violations);
                break;

            case "map":
                ValidateFieldMap(model, shape, node, path, violations);
                break;

            default:
                if (node.Children.Count > 0)
                {
                    violations.Add($"{path}: expected {type}, got nested fields {string.Join(", ", node.Children.Keys.Select(k => path + "." + k))}");
                    return;
                }

                shape.CheckText(path, node.Value ?? string.Empty, violations);
                break;
        }
    }

    private static void ValidateFieldStructure(ServiceModel model, JsonElement shape, FieldNode node, string path, List<string> violations)
    {
        var members = shape.BodyMembers().ToDictionary(m => m.WireName, StringComparer.Ordinal);
        foreach (var (name, child) in node.Children)
        {
            var childPath = ShapeFacts.Join(path, name);
            if (!members.TryGetValue(name, out var member))
            {
                violations.Add(ShapeFacts.UnknownMember(childPath, name, members.Keys));
                continue;
            }

            ValidateField(model, member.ShapeName, child, childPath, violations);
        }

        shape.CheckRequired(members, node.Children.ContainsKey, path, violations);
    }

    private static void ValidateFieldList(ServiceModel model, JsonElement shape, FieldNode node, string path, List<string> violations)
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

        FieldNode items;
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
                ValidateField(model, memberShape, item, $"{itemsPath}.{index}", violations);
            }
        }
    }

    private static void ValidateFieldMap(ServiceModel model, JsonElement shape, FieldNode node, string path, List<string> violations)
    {
        if (node.Children.Count == 0)
        {
            if (!string.IsNullOrEmpty(node.Value))
            {
                violations.Add($"{path}: expected map ({path}.entry.N.key/value), got a plain value");
            }

            return;
        }

        FieldNode entries;
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
                ValidateField(model, keyRef.GetProperty("shape").GetString()!, key, $"{entryPath}.{keyName}", violations);
            }
            else
            {
                violations.Add($"{entryPath}.{keyName}: map entry key is missing");
            }

            if (entry.Children.TryGetValue(valueName, out var value))
            {
                ValidateField(model, valueRef.GetProperty("shape").GetString()!, value, $"{entryPath}.{valueName}", violations);
            }
            else
            {
                violations.Add($"{entryPath}.{valueName}: map entry value is missing");
            }
        }
    }

    /// <summary>List/map indexes must be 1..N without gaps; returns N.</summary>
    private static int CheckIndexes(FieldNode items, string path, List<string> violations)
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

    /// <summary>The form fields as a tree split at the dots of their names.</summary>
    private sealed class FieldNode
    {
        public string? Value { get; set; }

        public Dictionary<string, FieldNode> Children { get; } = new(StringComparer.Ordinal);
    }
}
