using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace Deploy.Testing.Botocore;

/// <summary>Whole responses: the protocol's envelope for a success or an error, then the output (or error) shape.</summary>
internal static class ResponseValidation
{
    public static IReadOnlyList<string> Validate(ServiceModel model, string operation, string body, int statusCode)
    {
        var violations = new List<string>();
        if (statusCode >= 300)
        {
            ValidateError(model, model.Protocol, body, $"{model.ServiceId} {operation} error {statusCode}", violations);
            return violations;
        }

        var label = $"{model.ServiceId} {operation} response";
        if (!model.HasOperation(operation))
        {
            violations.Add($"{label}: the model has no operation {operation}");
            return violations;
        }

        var output = model.OutputShape(operation);
        switch (model.Protocol)
        {
            case "json":
                RequestValidation.ValidateJsonDocument(model, output, body, label, MessageDirection.Response, violations);
                break;

            case "query":
                if (ParseXml(body, label, violations) is { } query)
                {
                    ValidateQuery(model, operation, output, query, label, violations);
                }

                break;

            case "ec2":
                if (ParseXml(body, label, violations) is { } ec2)
                {
                    ValidateEc2(model, operation, output, ec2, label, violations);
                }

                break;

            case "rest-xml":
                ValidateRestXml(model, output, body, label, violations);
                break;

            default:
                throw new NotSupportedException($"responses of protocol {model.Protocol} ({model.Name}) are not supported by the validator");
        }

        return violations;
    }

    public static IReadOnlyList<string> ValidateEnvelopeOnly(string protocol, string body, int statusCode)
    {
        var violations = new List<string>();
        ValidateError(null, protocol, body, $"{protocol} error {statusCode}", violations);
        return violations;
    }

    /// <summary><c>&lt;OpResponse&gt;&lt;OpResult&gt;members&lt;/OpResult&gt;&lt;ResponseMetadata&gt;&lt;RequestId/&gt;...</c></summary>
    private static void ValidateQuery(ServiceModel model, string operation, string? output, XElement root, string label, List<string> violations)
    {
        ExpectName(root, operation + "Response", label, violations);
        var wrapper = model.ResultWrapper(operation) ?? operation + "Result";
        foreach (var other in root.Elements().Where(e => e.Name.LocalName != wrapper && e.Name.LocalName != "ResponseMetadata"))
        {
            violations.Add($"{label}: unexpected element {other.Name.LocalName} in {root.Name.LocalName}");
        }

        if (root.Elements().FirstOrDefault(e => e.Name.LocalName == "ResponseMetadata")?.Elements().Any(e => e.Name.LocalName == "RequestId") != true)
        {
            violations.Add($"{label}: no ResponseMetadata/RequestId");
        }

        var result = root.Elements().FirstOrDefault(e => e.Name.LocalName == wrapper);
        if (output is null)
        {
            // An empty result element is harmless (botocore ignores it); members where the model has none are not.
            if (result?.HasElements == true)
            {
                violations.Add($"{label}: the operation returns no members but {wrapper} has some");
            }

            return;
        }

        if (result is null)
        {
            violations.Add($"{label}: no {wrapper} element");
            return;
        }

        Prefix(ShapeValidator.ValidateXml(model, output, result, MessageDirection.Response), label, violations);
    }

    /// <summary>EC2's dialect: no result wrapper, the members sit in <c>&lt;OpResponse&gt;</c> beside <c>&lt;requestId&gt;</c>.</summary>
    private static void ValidateEc2(ServiceModel model, string operation, string? output, XElement root, string label, List<string> violations)
    {
        ExpectName(root, operation + "Response", label, violations);
        if (!root.Elements().Any(e => e.Name.LocalName == "requestId"))
        {
            violations.Add($"{label}: no requestId");
        }

        var members = new XElement(root);
        members.Elements().Where(e => e.Name.LocalName == "requestId").Remove();
        if (output is null)
        {
            if (members.HasElements)
            {
                violations.Add($"{label}: the operation returns no members but the response has some");
            }

            return;
        }

        Prefix(ShapeValidator.ValidateXml(model, output, members, MessageDirection.Response), label, violations);
    }

    /// <summary>
    /// REST-XML (S3): the body is the output shape itself (or its payload member), rooted at any name; header-only
    /// outputs and HEAD responses have no body, and a blob or string payload is the raw content, not XML.
    /// </summary>
    private static void ValidateRestXml(ServiceModel model, string? output, string body, string label, List<string> violations)
    {
        if (body.Length == 0)
        {
            return;
        }

        if (output is null)
        {
            violations.Add($"{label}: botocore expects no body");
            return;
        }

        var shape = model.Shape(output);
        var bodyShape = output;
        if (shape.Text("payload") is { } payload)
        {
            bodyShape = shape.GetProperty("members").GetProperty(payload).GetProperty("shape").GetString()!;
            if (model.Shape(bodyShape).Type() != "structure")
            {
                return;
            }
        }

        if (ParseXml(body, label, violations) is { } root)
        {
            Prefix(ShapeValidator.ValidateXml(model, bodyShape, root, MessageDirection.Response), label, violations);
        }
    }

    private static void ValidateError(ServiceModel? model, string protocol, string body, string label, List<string> violations)
    {
        switch (protocol)
        {
            case "json":
                ValidateJsonError(model, body, label, violations);
                break;

            case "rest-xml":
                // HEAD errors have no body; others are <Error><Code/><Message/>...</Error>.
                if (body.Length > 0 && ParseXml(body, label, violations) is { } s3)
                {
                    ExpectName(s3, "Error", label, violations);
                    ExpectChildren(s3, label, violations, "Code", "Message");
                }

                break;

            case "ec2":
                if (ParseXml(body, label, violations) is { } ec2)
                {
                    ExpectName(ec2, "Response", label, violations);
                    ExpectChildren(ec2, label, violations, "RequestID");
                    var error = ec2.Elements().FirstOrDefault(e => e.Name.LocalName == "Errors")?.Elements().FirstOrDefault(e => e.Name.LocalName == "Error");
                    if (error is null)
                    {
                        violations.Add($"{label}: no Errors/Error element");
                    }
                    else
                    {
                        ExpectChildren(error, label, violations, "Code", "Message");
                    }
                }

                break;

            default:
                if (ParseXml(body, label, violations) is { } query)
                {
                    ExpectName(query, "ErrorResponse", label, violations);
                    ExpectChildren(query, label, violations, "RequestId");
                    var error = query.Elements().FirstOrDefault(e => e.Name.LocalName == "Error");
                    if (error is null)
                    {
                        violations.Add($"{label}: no Error element");
                    }
                    else
                    {
                        ExpectChildren(error, label, violations, "Type", "Code", "Message");
                    }
                }

                break;
        }
    }

    /// <summary><c>{"__type": code, "message": text, ...}</c>; further fields must be members of the modelled error shape, if any.</summary>
    private static void ValidateJsonError(ServiceModel? model, string body, string label, List<string> violations)
    {
        JsonObject? error;
        try
        {
            error = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException e)
        {
            violations.Add($"{label}: body is not JSON: {e.Message}");
            return;
        }

        if (error is null)
        {
            violations.Add($"{label}: an error must be a JSON object");
            return;
        }

        if (error["__type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String)
        {
            violations.Add($"{label}: error without a string __type");
            return;
        }

        if (error["message"] is not JsonValue message || message.GetValueKind() != JsonValueKind.String)
        {
            violations.Add($"{label}: error without a string message");
        }

        // __type may be namespaced (aws.protocoltests#Code); the shape is named by the code alone.
        var code = type.GetValue<string>().Split('#')[^1];
        if (model is not null && model.TryGetShape(code, out var shape) && shape.Flag("exception"))
        {
            // __type and message are protocol fields botocore reads itself, not members of the error shape.
            var members = error.DeepClone().AsObject();
            members.Remove("__type");
            members.Remove("message");
            Prefix(ShapeValidator.ValidateJson(model, code, members, MessageDirection.Response), label, violations);
        }
    }

    private static XElement? ParseXml(string body, string label, List<string> violations)
    {
        try
        {
            return XDocument.Parse(body).Root;
        }
        catch (XmlException e)
        {
            violations.Add($"{label}: body is not XML: {e.Message}");
            return null;
        }
    }

    private static void ExpectName(XElement element, string name, string label, List<string> violations)
    {
        if (element.Name.LocalName != name)
        {
            violations.Add($"{label}: root element is {element.Name.LocalName}, expected {name}");
        }
    }

    private static void ExpectChildren(XElement element, string label, List<string> violations, params string[] names)
    {
        foreach (var name in names.Where(n => !element.Elements().Any(e => e.Name.LocalName == n)))
        {
            violations.Add($"{label}: {element.Name.LocalName} has no {name}");
        }
    }

    private static void Prefix(IEnumerable<string> found, string label, List<string> violations) =>
        violations.AddRange(found.Select(v => $"{label}: {v}"));
}
