using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Deploy.Testing.Botocore;

/// <summary>Generates fully populated sample responses from an operation's output shape.</summary>
internal sealed class SampleResponses
{
    private static readonly DateTimeOffset BaseTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly ServiceModel model;
    private readonly Dictionary<string, int> stringCounters = new(StringComparer.Ordinal);
    private readonly HashSet<string> stack = new(StringComparer.Ordinal);
    private int numberCounter;
    private int timeCounter;

    private SampleResponses(ServiceModel model) => this.model = model;

    public static string Generate(ServiceModel model, string operation)
    {
        if (!model.HasOperation(operation))
        {
            throw new ArgumentException($"{model.ServiceId} has no operation {operation}", nameof(operation));
        }

        var generator = new SampleResponses(model);
        var output = model.OutputShape(operation);
        switch (model.Protocol)
        {
            case "json":
                {
                    var body = output is null ? new JsonObject() : generator.Json(output, "Output", 0)!;
                    return body.ToJsonString();
                }

            case "query":
                {
                    XNamespace ns = model.XmlNamespace ?? string.Empty;
                    var response = new XElement(ns + operation + "Response");
                    if (output is not null)
                    {
                        var wrapper = model.ResultWrapper(operation);
                        var target = response;
                        if (wrapper is not null)
                        {
                            target = new XElement(ns + wrapper);
                            response.Add(target);
                        }

                        generator.stack.Add(output);
                        generator.XmlMembers(model.Shape(output), target, ns);
                    }

                    response.Add(new XElement(
                        ns + "ResponseMetadata",
                        new XElement(ns + "RequestId", "00000000-0000-4000-8000-000000000001")));
                    return new XDocument(new XDeclaration("1.0", "utf-8", null), response).ToString();
                }

            default:
                throw new NotSupportedException($"sample responses for protocol {model.Protocol} are not supported");
        }
    }

    private JsonNode? Json(string shapeName, string memberName, int index)
    {
        var shape = model.Shape(shapeName);
        switch (shape.Type())
        {
            case "structure":
                {
                    if (shape.Flag("document"))
                    {
                        return new JsonObject { ["document"] = NextString(memberName, shape) };
                    }

                    if (!stack.Add(shapeName))
                    {
                        return null;
                    }

                    var result = new JsonObject();
                    var members = shape.BodyMembers();
                    if (shape.Flag("union"))
                    {
                        members = members.Take(1).ToList();
                    }

                    foreach (var member in members)
                    {
                        var value = Json(member.ShapeName, member.Name, 0);
                        if (value is not null)
                        {
                            result[member.WireName] = value;
                        }
                    }

                    stack.Remove(shapeName);
                    return result;
                }

            case "list":
                {
                    var array = new JsonArray();
                    var itemShape = shape.ListMember().GetProperty("shape").GetString()!;
                    for (var i = 0; i < ItemCount(shape); i++)
                    {
                        var item = Json(itemShape, memberName, i);
                        if (item is null)
                        {
                            break;
                        }

                        array.Add(item);
                    }

                    return array;
                }

            case "map":
                {
                    var map = new JsonObject();
                    var keyShape = model.Shape(shape.GetProperty("key").GetProperty("shape").GetString()!);
                    var valueShape = shape.GetProperty("value").GetProperty("shape").GetString()!;
                    for (var i = 0; i < ItemCount(shape); i++)
                    {
                        var key = keyShape.Enum() is { } keys ? keys[i % keys.Count] : $"key-{i + 1}";
                        var value = Json(valueShape, memberName, i);
                        if (value is null || map.ContainsKey(key))
                        {
                            break;
                        }

                        map[key] = value;
                    }

                    return map;
                }

            case "string":
                return shape.Enum() is { } values ? values[index % values.Count] : NextString(memberName, shape);

            case "integer" or "long":
                return NextNumber(shape);

            case "float" or "double":
                return NextNumber(shape) + 0.5;

            case "boolean":
                return true;

            case "timestamp":
                return shape.Text("timestampFormat") is "iso8601"
                    ? NextTime().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                    : NextTime().ToUnixTimeSeconds();

            case "blob":
                return ShapeFacts.Utf8Base64(NextString(memberName, shape));

            default:
                throw new NotSupportedException($"shape type {shape.Type()} is not supported by the sample generator");
        }
    }

    private void XmlMembers(JsonElement structure, XElement parent, XNamespace ns)
    {
        foreach (var member in structure.BodyMembers())
        {
            var memberShape = model.Shape(member.ShapeName);
            if (memberShape.Type() == "list" && memberShape.IsFlattened())
            {
                var itemRef = memberShape.ListMember();
                var itemName = itemRef.Text("locationName") ?? member.WireName;
                for (var i = 0; i < ItemCount(memberShape); i++)
                {
                    var item = Xml(itemRef.GetProperty("shape").GetString()!, member.Name, i, ns + itemName);
                    if (item is null)
                    {
                        break;
                    }

                    parent.Add(item);
                }

                continue;
            }

            var element = Xml(member.ShapeName, member.Name, 0, ns + member.WireName);
            if (element is not null)
            {
                parent.Add(element);
            }
        }
    }

    private XElement? Xml(string shapeName, string memberName, int index, XName name)
    {
        var shape = model.Shape(shapeName);
        var ns = name.Namespace;
        switch (shape.Type())
        {
            case "structure":
                {
                    if (!stack.Add(shapeName))
                    {
                        return null;
                    }

                    var element = new XElement(name);
                    XmlMembers(shape, element, ns);
                    stack.Remove(shapeName);
                    return element;
                }

            case "list":
                {
                    var element = new XElement(name);
                    var itemRef = shape.ListMember();
                    var itemName = ns + (itemRef.Text("locationName") ?? "member");
                    for (var i = 0; i < ItemCount(shape); i++)
                    {
                        var item = Xml(itemRef.GetProperty("shape").GetString()!, memberName, i, itemName);
                        if (item is null)
                        {
                            break;
                        }

                        element.Add(item);
                    }

                    return element;
                }

            case "map":
                {
                    var element = new XElement(name);
                    var keyRef = shape.GetProperty("key");
                    var valueRef = shape.GetProperty("value");
                    var keyShape = model.Shape(keyRef.GetProperty("shape").GetString()!);
                    for (var i = 0; i < ItemCount(shape); i++)
                    {
                        var key = keyShape.Enum() is { } keys ? keys[i % keys.Count] : $"key-{i + 1}";
                        var value = Xml(valueRef.GetProperty("shape").GetString()!, memberName, i, ns + (valueRef.Text("locationName") ?? "value"));
                        if (value is null)
                        {
                            break;
                        }

                        var entry = new XElement(ns + (keyRef.Text("locationName") ?? "key"), key);
                        if (shape.IsFlattened())
                        {
                            // Flattened maps repeat the member element itself; only used by a handful of services.
                            element.Add(entry, value);
                        }
                        else
                        {
                            element.Add(new XElement(ns + "entry", entry, value));
                        }
                    }

                    return element;
                }

            case "string":
                return new XElement(name, shape.Enum() is { } values ? values[index % values.Count] : NextString(memberName, shape));

            case "integer" or "long":
                return new XElement(name, NextNumber(shape).ToString(CultureInfo.InvariantCulture));

            case "float" or "double":
                return new XElement(name, (NextNumber(shape) + 0.5).ToString(CultureInfo.InvariantCulture));

            case "boolean":
                return new XElement(name, "true");

            case "timestamp":
                return new XElement(name, NextTime().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

            case "blob":
                return new XElement(name, ShapeFacts.Utf8Base64(NextString(memberName, shape)));

            default:
                throw new NotSupportedException($"shape type {shape.Type()} is not supported by the sample generator");
        }
    }

    private static int ItemCount(JsonElement shape)
    {
        var max = shape.Number("max");
        return max is { } m && m < 2 ? (int)Math.Max(m, 0) : 2;
    }

    private string NextString(string memberName, JsonElement shape)
    {
        var n = stringCounters[memberName] = stringCounters.GetValueOrDefault(memberName) + 1;
        var regex = shape.Pattern();
        var min = (int)(shape.Number("min") ?? 0);
        var max = (int)(shape.Number("max") ?? int.MaxValue);
        string[] candidates =
        [
            $"{memberName}-{n}",
            $"{memberName}{n}",
            $"{memberName.ToLowerInvariant()}{n}",
            $"sha256:{new string((char)('0' + (n % 10)), 64)}",
            $"arn:aws:iam::123456789012:role/{memberName}-{n}",
            $"arn:aws:{model.SigningName}:us-east-1:123456789012:{memberName}/{memberName}-{n}",
            $"arn:aws:{memberName.ToLowerInvariant()}:us-east-1:123456789012:{memberName}/{memberName}-{n}",
            $"{n:00000000}-0000-4000-8000-{n:000000000000}",
            "123456789012",
            $"https://example.com/{memberName}-{n}",
            $"s3://bucket-{n}/{memberName}",
            n.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var candidate in candidates)
        {
            var text = candidate.Length > max ? candidate[..max] : candidate;
            text = text.Length < min ? text.PadRight(min, 'x') : text;
            if (regex is null || regex.IsMatch(text))
            {
                return text;
            }
        }

        var fallback = candidates[0].Length > max ? candidates[0][..max] : candidates[0];
        return fallback.Length < min ? fallback.PadRight(min, 'x') : fallback;
    }

    private long NextNumber(JsonElement shape)
    {
        numberCounter++;
        var min = (long)(shape.Number("min") ?? 0);
        var max = shape.Number("max") is { } m ? (long)m : long.MaxValue;
        if (max - min < 1_000_000)
        {
            return min + (numberCounter % (max - min + 1));
        }

        return Math.Max(min, numberCounter);
    }

    private DateTimeOffset NextTime() => BaseTime.AddMinutes(++timeCounter);
}
