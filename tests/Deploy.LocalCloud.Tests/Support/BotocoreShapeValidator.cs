using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>
/// Checks a response body against the botocore output shape of its operation: every member exists in the
/// model, has the model's type (and enum value), and required members are present. Errors must carry the
/// protocol's error fields.
/// </summary>
public static class BotocoreShapeValidator
{
    public static IEnumerable<string> Validate(ApiExchange exchange)
    {
        var model = BotocoreModel.For(exchange.Service);
        var where = $"{exchange.Service}.{exchange.Operation} ({exchange.StatusCode})";
        if (model is null && exchange.StatusCode != 200)
        {
            // An error rendered before any service was identified: only the protocol's error shape applies.
            return ValidateErrorEnvelope(exchange, where);
        }

        if (model is null)
        {
            return [$"{where}: no botocore model mapped for service '{exchange.Service}'"];
        }

        var problems = new List<string>();
        var operation = model.Operation(exchange.Operation);
        if (exchange.Protocol == "rest-xml")
        {
            ValidateRestXml(model, operation, exchange, where, problems);
            return problems;
        }

        if (exchange.StatusCode == 200)
        {
            if (operation is null)
            {
                return [$"{where}: operation unknown to botocore"];
            }

            var output = operation["output"]?["shape"]?.GetValue<string>();
            if (exchange.Protocol == "json")
            {
                var body = JsonNode.Parse(exchange.ResponseBody);
                if (output is null)
                {
                    Check(body is JsonObject { Count: 0 }, problems, $"{where}: expected an empty object");
                }
                else
                {
                    ValidateJson(model, body, output, "$", problems);
                }
            }
            else
            {
                var root = XDocument.Parse(exchange.ResponseBody).Root!;
                var result = root.Elements().FirstOrDefault(e => e.Name.LocalName == exchange.Operation + "Result");
                Check(root.Name.LocalName == exchange.Operation + "Response", problems, $"{where}: root element {root.Name.LocalName}");
                if (output is not null)
                {
                    Check(result is not null, problems, $"{where}: no {exchange.Operation}Result element");
                    if (result is not null)
                    {
                        ValidateXml(model, result, output, exchange.Operation + "Result", problems);
                    }
                }
            }
        }
        else if (exchange.Protocol == "json")
        {
            var body = JsonNode.Parse(exchange.ResponseBody) as JsonObject;
            Check(body?["__type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String, problems, $"{where}: error without __type");
            Check(body?["message"] is JsonValue message && message.GetValueKind() == JsonValueKind.String, problems, $"{where}: error without message");
            var code = body?["__type"]?.GetValue<string>();
            if (code is not null && model.Shapes[code] is JsonObject { } errorShape && errorShape["exception"] is not null)
            {
                // __type and message are protocol fields botocore reads itself, not members of the error shape.
                var withoutType = body!.DeepClone().AsObject();
                withoutType.Remove("__type");
                withoutType.Remove("message");
                ValidateJson(model, withoutType, code, "$", problems);
            }
        }
        else
        {
            var error = XDocument.Parse(exchange.ResponseBody).Root!;
            Check(error.Name.LocalName == "ErrorResponse", problems, $"{where}: root is not ErrorResponse");
            var fields = error.Elements().FirstOrDefault(e => e.Name.LocalName == "Error")?.Elements().Select(e => e.Name.LocalName).ToList() ?? [];
            Check(fields.Contains("Code") && fields.Contains("Message") && fields.Contains("Type"), problems, $"{where}: Error lacks Type/Code/Message");
        }

        return problems.Select(p => p.StartsWith(where, StringComparison.Ordinal) ? p : $"{where}: {p}");
    }

    /// <summary>
    /// REST-XML (S3): the body is the output shape itself (or its payload member), rooted at any name; header-only
    /// outputs and HEAD responses have no body. Errors are <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;</c>.
    /// </summary>
    private static void ValidateRestXml(BotocoreModel model, JsonObject? operation, ApiExchange exchange, string where, List<string> problems)
    {
        if (exchange.StatusCode >= 300)
        {
            if (exchange.ResponseBody.Length > 0)
            {
                var error = XDocument.Parse(exchange.ResponseBody).Root!;
                var fields = error.Elements().Select(e => e.Name.LocalName).ToList();
                Check(error.Name.LocalName == "Error" && fields.Contains("Code") && fields.Contains("Message"), problems, $"{where}: not an S3 <Error> with Code and Message");
            }

            return;
        }

        if (!Check(operation is not null, problems, $"{where}: operation unknown to botocore") || exchange.ResponseBody.Length == 0)
        {
            return;
        }

        var output = operation!["output"]?["shape"]?.GetValue<string>();
        if (!Check(output is not null, problems, $"{where}: botocore expects no body"))
        {
            return;
        }

        var shape = model.Shape(output!);
        var payload = shape["payload"]?.GetValue<string>();
        var bodyShape = payload is null ? output! : shape["members"]![payload]!["shape"]!.GetValue<string>();
        var root = XDocument.Parse(exchange.ResponseBody).Root!;
        ValidateXml(model, root, bodyShape, root.Name.LocalName, problems);
    }

    private static List<string> ValidateErrorEnvelope(ApiExchange exchange, string where)
    {
        var problems = new List<string>();
        if (exchange.Protocol == "json")
        {
            var body = JsonNode.Parse(exchange.ResponseBody) as JsonObject;
            Check(body?["__type"] is not null && body["message"] is not null, problems, $"{where}: error without __type/message");
        }
        else
        {
            var error = XDocument.Parse(exchange.ResponseBody).Root!;
            Check(error.Name.LocalName == "ErrorResponse", problems, $"{where}: root is not ErrorResponse");
        }

        return problems;
    }

    private static void ValidateJson(BotocoreModel model, JsonNode? node, string shapeName, string path, List<string> problems)
    {
        var shape = model.Shape(shapeName);
        var type = shape["type"]!.GetValue<string>();
        var kind = node?.GetValueKind() ?? JsonValueKind.Null;
        switch (type)
        {
            case "structure":
                if (!Check(kind == JsonValueKind.Object, problems, $"{path}: expected object for {shapeName}, got {kind}"))
                {
                    return;
                }

                var members = shape["members"]!.AsObject();
                foreach (var (name, value) in node!.AsObject())
                {
                    if (Check(members.ContainsKey(name), problems, $"{path}.{name}: not a member of {shapeName}"))
                    {
                        ValidateJson(model, value, members[name]!["shape"]!.GetValue<string>(), $"{path}.{name}", problems);
                    }
                }

                foreach (var required in shape["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
                {
                    Check(node.AsObject().ContainsKey(required), problems, $"{path}: required member {required} of {shapeName} missing");
                }

                break;
            case "list":
                if (Check(kind == JsonValueKind.Array, problems, $"{path}: expected array for {shapeName}"))
                {
                    var index = 0;
                    foreach (var item in node!.AsArray())
                    {
                        ValidateJson(model, item, shape["member"]!["shape"]!.GetValue<string>(), $"{path}[{index++}]", problems);
                    }
                }

                break;
            case "map":
                if (Check(kind == JsonValueKind.Object, problems, $"{path}: expected map object for {shapeName}"))
                {
                    foreach (var (key, value) in node!.AsObject())
                    {
                        ValidateJson(model, JsonValue.Create(key), shape["key"]!["shape"]!.GetValue<string>(), $"{path}<key>", problems);
                        ValidateJson(model, value, shape["value"]!["shape"]!.GetValue<string>(), $"{path}[{key}]", problems);
                    }
                }

                break;
            case "string":
                if (Check(kind == JsonValueKind.String, problems, $"{path}: expected string for {shapeName}, got {kind}") && shape["enum"] is JsonArray values)
                {
                    var text = node!.GetValue<string>();
                    Check(values.Any(v => v!.GetValue<string>() == text), problems, $"{path}: '{text}' not in enum {shapeName}");
                }

                break;
            case "integer" or "long":
                Check(kind == JsonValueKind.Number && node!.AsValue().TryGetValue<long>(out _), problems, $"{path}: expected integer for {shapeName}, got {node?.ToJsonString()}");
                break;
            case "float" or "double" or "timestamp":
                // JSON 1.1 timestamps are epoch seconds.
                Check(kind == JsonValueKind.Number, problems, $"{path}: expected number for {shapeName} ({type}), got {kind}");
                break;
            case "boolean":
                Check(kind is JsonValueKind.True or JsonValueKind.False, problems, $"{path}: expected boolean for {shapeName}");
                break;
            case "blob":
                Check(kind == JsonValueKind.String && IsBase64(node!.GetValue<string>()), problems, $"{path}: expected base64 blob for {shapeName}");
                break;
            default:
                problems.Add($"{path}: unhandled botocore type {type}");
                break;
        }
    }

    private static void ValidateXml(BotocoreModel model, XElement element, string shapeName, string path, List<string> problems)
    {
        var shape = model.Shape(shapeName);
        var type = shape["type"]!.GetValue<string>();
        var text = element.Value;
        switch (type)
        {
            case "structure":
                var members = shape["members"]!.AsObject()
                    .Where(m => m.Value!["location"] is null)
                    .ToDictionary(m => m.Value!["locationName"]?.GetValue<string>() ?? m.Key, m => m.Value!["shape"]!.GetValue<string>(), StringComparer.Ordinal);
                foreach (var child in element.Elements())
                {
                    if (Check(members.TryGetValue(child.Name.LocalName, out var memberShape), problems, $"{path}/{child.Name.LocalName}: not a member of {shapeName}"))
                    {
                        // A flattened list (S3's Contents, CommonPrefixes) repeats its items directly, without a wrapper.
                        var itemShape = model.Shape(memberShape!) is { } listShape && listShape["flattened"]?.GetValue<bool>() == true
                            ? listShape["member"]!["shape"]!.GetValue<string>()
                            : memberShape!;
                        ValidateXml(model, child, itemShape, $"{path}/{child.Name.LocalName}", problems);
                    }
                }

                foreach (var required in shape["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
                {
                    var elementName = shape["members"]![required]?["locationName"]?.GetValue<string>() ?? required;
                    Check(element.Elements().Any(e => e.Name.LocalName == elementName), problems, $"{path}: required member {required} of {shapeName} missing");
                }

                break;
            case "list":
                foreach (var item in element.Elements())
                {
                    Check(item.Name.LocalName == (shape["member"]!["locationName"]?.GetValue<string>() ?? "member"), problems, $"{path}: list item named {item.Name.LocalName}");
                    ValidateXml(model, item, shape["member"]!["shape"]!.GetValue<string>(), $"{path}/member", problems);
                }

                break;
            case "string":
                if (shape["enum"] is JsonArray values)
                {
                    Check(values.Any(v => v!.GetValue<string>() == text), problems, $"{path}: '{text}' not in enum {shapeName}");
                }

                break;
            case "integer" or "long":
                Check(long.TryParse(text, CultureInfo.InvariantCulture, out _), problems, $"{path}: '{text}' is not an integer");
                break;
            case "boolean":
                Check(text is "true" or "false", problems, $"{path}: '{text}' is not a boolean");
                break;
            case "timestamp":
                Check(DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, out _), problems, $"{path}: '{text}' is not a timestamp");
                break;
            default:
                break;
        }
    }

    private static bool IsBase64(string text) => Convert.TryFromBase64String(text, new byte[text.Length], out _);

    private static bool Check(bool condition, List<string> problems, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }

        return condition;
    }
}
