using System.Text.Json;
using System.Xml.Linq;

namespace Deploy.Testing.Botocore;

public static partial class ShapeValidator
{
    /// <summary>
    /// Validates an XML element (query, ec2 or rest-xml protocol) against a shape of <paramref name="model"/>,
    /// recursively: structure members by element name (<c>locationName</c>, else the member name; for EC2 the member
    /// name with a lower-case first letter), unknown and repeated elements, required members, lists
    /// (<c>&lt;member&gt;</c> items, <c>&lt;item&gt;</c> for EC2, or flattened), maps
    /// (<c>&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;</c>), and scalar text as its type with its constraints (enums,
    /// lengths, patterns, ranges, ISO 8601 timestamps, base64 blobs). Element namespaces are not compared. Paths read
    /// <c>DescribeStacksResult/Stacks/member[0]/StackStatus</c>.
    /// </summary>
    public static IReadOnlyList<string> ValidateXml(
        ServiceModel model, string shapeName, XElement element, MessageDirection direction = MessageDirection.Request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(element);
        var violations = new List<string>();
        ValidateXmlValue(model, shapeName, element, element.Name.LocalName, direction, violations);
        return violations;
    }

    private static void ValidateXmlValue(ServiceModel model, string shapeName, XElement element, string path, MessageDirection direction, List<string> violations)
    {
        var shape = model.Shape(shapeName);
        var type = shape.Type();
        switch (type)
        {
            case "structure":
                ValidateXmlStructure(model, shape, element, path, direction, violations);
                break;

            case "list":
                {
                    var itemRef = shape.ListMember();
                    var itemName = itemRef.Text("locationName") ?? (model.Protocol == "ec2" ? "item" : "member");
                    var items = element.Elements().ToList();
                    shape.CheckConstraints(path, items.Count, direction, violations);
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (items[i].Name.LocalName != itemName)
                        {
                            violations.Add($"{path}/{items[i].Name.LocalName}: a list item must be named {itemName}");
                        }

                        ValidateXmlValue(model, itemRef.GetProperty("shape").GetString()!, items[i], $"{path}/{itemName}[{i}]", direction, violations);
                    }

                    break;
                }

            case "map":
                {
                    var entries = element.Elements().ToList();
                    shape.CheckConstraints(path, entries.Count, direction, violations);
                    for (var i = 0; i < entries.Count; i++)
                    {
                        if (entries[i].Name.LocalName != "entry")
                        {
                            violations.Add($"{path}/{entries[i].Name.LocalName}: a map entry must be named entry");
                        }

                        ValidateXmlMapEntry(model, shape, entries[i], $"{path}/entry[{i}]", direction, violations);
                    }

                    break;
                }

            default:
                if (element.HasElements)
                {
                    violations.Add($"{path}: expected {type}, got nested elements");
                    return;
                }

                shape.CheckText(path, element.Value, violations);
                break;
        }
    }

    private static void ValidateXmlStructure(ServiceModel model, JsonElement shape, XElement element, string path, MessageDirection direction, List<string> violations)
    {
        // Element name -> member; the items of flattened lists and maps repeat under one name without a wrapper.
        var elements = new Dictionary<string, ShapeMember>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, ShapeMember>(StringComparer.Ordinal);
        var repeated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in shape.BodyMembers())
        {
            var name = member.Definition.Text("locationName") ?? (model.Protocol == "ec2" ? LowerFirst(member.Name) : member.Name);
            if (member.Definition.Flag("xmlAttribute"))
            {
                // e.g. xsi:type; the prefix is a namespace, compared like element namespaces: not at all.
                attributes[name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..]] = member;
                continue;
            }

            var memberShape = model.Shape(member.ShapeName);
            if (memberShape.IsFlattened())
            {
                name = memberShape.Type() == "list" ? memberShape.ListMember().Text("locationName") ?? name : name;
                repeated.Add(name);
            }

            elements[name] = member;
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var child in element.Elements())
        {
            var name = child.Name.LocalName;
            var childPath = $"{path}/{name}";
            if (!elements.TryGetValue(name, out var member))
            {
                violations.Add(ShapeFacts.UnknownMember(childPath, name, elements.Keys));
                continue;
            }

            var seen = counts[name] = counts.GetValueOrDefault(name) + 1;
            if (repeated.Contains(name))
            {
                var container = model.Shape(member.ShapeName);
                if (container.Type() == "list")
                {
                    ValidateXmlValue(model, container.ListMember().GetProperty("shape").GetString()!, child, $"{childPath}[{seen - 1}]", direction, violations);
                }
                else
                {
                    ValidateXmlMapEntry(model, container, child, $"{childPath}[{seen - 1}]", direction, violations);
                }

                continue;
            }

            if (seen > 1)
            {
                violations.Add($"{childPath}: member appears twice");
                continue;
            }

            ValidateXmlValue(model, member.ShapeName, child, childPath, direction, violations);
        }

        foreach (var name in repeated.Where(counts.ContainsKey))
        {
            model.Shape(elements[name].ShapeName).CheckConstraints($"{path}/{name}", counts[name], direction, violations);
        }

        foreach (var (name, member) in attributes)
        {
            if (element.Attributes().FirstOrDefault(a => a.Name.LocalName == name) is { } attribute)
            {
                model.Shape(member.ShapeName).CheckText($"{path}/@{name}", attribute.Value, violations);
            }
        }

        var all = elements.Concat(attributes).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        shape.CheckRequired(
            all,
            name => counts.ContainsKey(name) || element.Attributes().Any(a => a.Name.LocalName == name),
            path,
            violations,
            '/');
    }

    private static void ValidateXmlMapEntry(ServiceModel model, JsonElement map, XElement entry, string path, MessageDirection direction, List<string> violations)
    {
        var keyRef = map.GetProperty("key");
        var valueRef = map.GetProperty("value");
        var keyName = keyRef.Text("locationName") ?? "key";
        var valueName = valueRef.Text("locationName") ?? "value";
        foreach (var other in entry.Elements().Where(e => e.Name.LocalName != keyName && e.Name.LocalName != valueName))
        {
            violations.Add($"{path}/{other.Name.LocalName}: a map entry has only {keyName} and {valueName}");
        }

        foreach (var (name, reference) in new[] { (keyName, keyRef), (valueName, valueRef) })
        {
            var part = entry.Elements().FirstOrDefault(e => e.Name.LocalName == name);
            if (part is null)
            {
                violations.Add($"{path}/{name}: map entry {(name == keyName ? "key" : "value")} is missing");
            }
            else
            {
                ValidateXmlValue(model, reference.GetProperty("shape").GetString()!, part, $"{path}/{name}", direction, violations);
            }
        }
    }

    private static string LowerFirst(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
