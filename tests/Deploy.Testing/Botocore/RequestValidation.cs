using System.Text.Json;

namespace Deploy.Testing.Botocore;

/// <summary>Whole requests: the protocol's envelope (method, path, target, content type, Action/Version), then the input shape.</summary>
internal static class RequestValidation
{
    public static IReadOnlyList<string> Validate(ServiceModel model, HttpMethod method, string? path, string? target, string? contentType, string body)
    {
        var violations = new List<string>();
        var operation = target is not null
            ? target[(target.LastIndexOf('.') + 1)..]
            : ParseForm(body).FirstOrDefault(f => f.Key == "Action").Value ?? "?";
        if (method != HttpMethod.Post)
        {
            violations.Add($"{model.ServiceId} {operation}: expected POST, got {method}");
        }

        if (path is not null && path != "/")
        {
            violations.Add($"{model.ServiceId} {operation}: expected path /, got {path}");
        }

        violations.AddRange(model.Protocol switch
        {
            "json" => ValidateJson(model, target, contentType, body),
            "query" => ValidateQuery(model, contentType, body),
            _ => throw new NotSupportedException($"requests of protocol {model.Protocol} ({model.Name}) are not supported by the validator"),
        });
        return violations;
    }

    public static IReadOnlyList<string> ValidateJson(ServiceModel model, string? target, string? contentType, string body)
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

        ValidateJsonDocument(model, model.InputShape(operation), body, label, MessageDirection.Request, violations);
        return violations;
    }

    public static IReadOnlyList<string> ValidateInput(ServiceModel model, string operation, string body)
    {
        var violations = new List<string>();
        var label = $"{model.ServiceId} {operation}";
        if (!model.HasOperation(operation))
        {
            violations.Add($"{label}: the model has no operation {operation}");
            return violations;
        }

        ValidateJsonDocument(model, model.InputShape(operation), body, label, MessageDirection.Request, violations);
        return violations;
    }

    public static IReadOnlyList<string> ValidateQuery(ServiceModel model, string? contentType, string body)
    {
        var violations = new List<string>();
        var fields = ParseForm(body);
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

        var members = fields.Where(f => f.Key is not ("Action" or "Version")).ToList();
        var input = model.InputShape(action);
        var found = input is null
            ? members.Select(f => f.Key.Split('.')[0]).Distinct(StringComparer.Ordinal).Select(k => $"{k}: unknown member (the operation takes no input)").ToList()
            : ShapeValidator.ValidateQueryFields(model, input, members);
        violations.AddRange(found.Select(v => $"{label}: {v}"));
        return violations;
    }

    /// <summary>A JSON body against a shape (or, for an operation without one, an empty object), prefixed with <paramref name="label"/>.</summary>
    internal static void ValidateJsonDocument(
        ServiceModel model, string? shapeName, string body, string label, MessageDirection direction, List<string> violations)
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

            violations.AddRange(ShapeValidator.ValidateJson(model, shapeName, document.RootElement, direction).Select(v => $"{label}: {v}"));
        }
    }

    private static List<KeyValuePair<string, string>> ParseForm(string? body)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var pair in (body ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            fields.Add(new(key, value));
        }

        return fields;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
