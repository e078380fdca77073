using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>
/// Evaluates intrinsic functions for one stack: parameters, pseudo parameters, conditions, and the physical ids and
/// attributes of resources already made. In preview mode (change sets) a value that only exists after execution
/// becomes <see cref="UnknownPrefix"/>+name instead of failing.
/// </summary>
internal sealed class StackScope(
    Template template,
    IReadOnlyDictionary<string, string> parameters,
    StackIdentity stack,
    Func<string, ProvisionedResource?> resources,
    Func<string, string?> exports,
    bool preview)
{
    public const string UnknownPrefix = "{{unknown}}";

    /// <summary>Marks a removed member (AWS::NoValue); never attached to a tree.</summary>
    private static readonly JsonObject NoValue = [];

    private readonly Dictionary<string, bool> conditionCache = new(StringComparer.Ordinal);

    public static bool IsUnknown(JsonNode? node) => node?.ToJsonString().Contains(UnknownPrefix, StringComparison.Ordinal) == true;

    public bool Condition(string name)
    {
        if (conditionCache.TryGetValue(name, out var known))
        {
            return known;
        }

        if (!template.Conditions.TryGetValue(name, out var definition))
        {
            throw Template.Error($"Template format error: Unresolved dependencies [{name}]. Cannot reference resources in the Conditions block of the template");
        }

        var value = EvaluateCondition(definition);
        conditionCache[name] = value;
        return value;
    }

    /// <summary>Whether a resource or output with an optional Condition exists in this deployment.</summary>
    public bool Includes(JsonObject definition) =>
        definition["Condition"] is not JsonValue condition || !condition.TryGetValue<string>(out var name) || Condition(name);

    public JsonObject ResolveObject(JsonObject properties) => Resolve(properties) as JsonObject ?? [];

    public JsonNode? Resolve(JsonNode? node)
    {
        var resolved = ResolveNode(node);
        return ReferenceEquals(resolved, NoValue) ? null : resolved;
    }

    private JsonNode? ResolveNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject { Count: 1 } function when function.First() is var (key, argument) && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal) || key == "Condition"):
                return key == "Condition" ? ResolveMembers(function) : Function(key, argument);
            case JsonObject obj:
                return ResolveMembers(obj);
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    var value = ResolveNode(item);
                    if (!ReferenceEquals(value, NoValue))
                    {
                        items.Add(value);
                    }
                }

                return items;
            default:
                return node?.DeepClone();
        }
    }

    private JsonObject ResolveMembers(JsonObject obj)
    {
        var result = new JsonObject();
        foreach (var (name, child) in obj)
        {
            var value = ResolveNode(child);
            if (!ReferenceEquals(value, NoValue))
            {
                result[name] = value;
            }
        }

        return result;
    }

    private JsonNode? Function(string name, JsonNode? argument) => name switch
    {
        "Ref" => Ref(Text(argument, "Ref")),
        "Fn::GetAtt" => GetAtt(argument),
        "Fn::Sub" => Sub(argument),
        "Fn::Join" => Join(argument),
        "Fn::Select" => Select(argument),
        "Fn::Split" => Split(argument),
        "Fn::GetAZs" => new JsonArray(JsonValue.Create(stack.Region + "a"), JsonValue.Create(stack.Region + "b"), JsonValue.Create(stack.Region + "c")),
        "Fn::If" => If(argument),
        "Fn::Base64" => Convert.ToBase64String(Encoding.UTF8.GetBytes(Text(ResolveNode(argument), "Fn::Base64"))),
        "Fn::ImportValue" => ImportValue(argument),
        "Fn::FindInMap" => FindInMap(argument),
        "Fn::Equals" or "Fn::And" or "Fn::Or" or "Fn::Not" => EvaluateCondition(new JsonObject { [name] = argument?.DeepClone() }),
        _ => throw Template.Error($"Template format error: Unrecognized intrinsic function {name}"),
    };

    private JsonNode? Ref(string name)
    {
        switch (name)
        {
            case "AWS::Region": return stack.Region;
            case "AWS::AccountId": return stack.AccountId;
            case "AWS::StackName": return stack.StackName;
            case "AWS::StackId": return stack.StackId;
            case "AWS::Partition": return "aws";
            case "AWS::URLSuffix": return "amazonaws.com";
            case "AWS::NotificationARNs": return new JsonArray();
            case "AWS::NoValue": return NoValue;
        }

        if (template.Parameters.TryGetValue(name, out var declaration))
        {
            var value = parameters.GetValueOrDefault(name) ?? string.Empty;
            var type = declaration["Type"]?.GetValue<string>() ?? "String";
            return type.StartsWith("List<", StringComparison.Ordinal) || type == "CommaDelimitedList"
                ? new JsonArray(value.Length == 0 ? [] : value.Split(',').Select(v => (JsonNode?)JsonValue.Create(v.Trim())).ToArray())
                : value;
        }

        return resources(name) is { } resource ? resource.PhysicalId : Unknown(name);
    }

    private JsonNode? GetAtt(JsonNode? argument)
    {
        string logicalId;
        string attribute;
        if (argument is JsonArray { Count: 2 } pair)
        {
            logicalId = Text(pair[0], "Fn::GetAtt");
            attribute = Text(ResolveNode(pair[1]), "Fn::GetAtt");
        }
        else
        {
            var dotted = Text(argument, "Fn::GetAtt");
            var dot = dotted.IndexOf('.', StringComparison.Ordinal);
            logicalId = dotted[..dot];
            attribute = dotted[(dot + 1)..];
        }

        return Attribute(logicalId, attribute);
    }

    private JsonNode? Attribute(string logicalId, string attribute)
    {
        if (resources(logicalId) is not { } resource)
        {
            return Unknown($"{logicalId}.{attribute}");
        }

        return resource.Attributes.TryGetValue(attribute, out var value)
            ? value?.DeepClone()
            : throw new ResourceProviderException($"Template error: resource {logicalId} does not support attribute type {attribute} in Fn::GetAtt");
    }

    private JsonNode? Sub(JsonNode? argument)
    {
        string text;
        var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (argument is JsonArray { Count: 2 } pair)
        {
            text = Text(pair[0], "Fn::Sub");
            if (pair[1] is JsonObject map)
            {
                foreach (var (name, value) in map)
                {
                    variables[name] = ResolveNode(value);
                }
            }
        }
        else
        {
            text = Text(argument, "Fn::Sub");
        }

        var result = new StringBuilder();
        var index = 0;
        while (index < text.Length)
        {
            var start = text.IndexOf("${", index, StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf('}', start);
            if (start < 0 || end < 0)
            {
                result.Append(text, index, text.Length - index);
                break;
            }

            result.Append(text, index, start - index);
            var variable = text[(start + 2)..end];
            if (variable.StartsWith('!'))
            {
                result.Append("${").Append(variable.AsSpan(1)).Append('}');
            }
            else
            {
                variable = variable.Trim();
                JsonNode? value;
                if (variables.TryGetValue(variable, out var local))
                {
                    value = local;
                }
                else if (variable.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot && !variable.StartsWith("AWS::", StringComparison.Ordinal))
                {
                    value = Attribute(variable[..dot], variable[(dot + 1)..]);
                }
                else
                {
                    value = Ref(variable);
                }

                result.Append(Scalar(value, "Fn::Sub"));
            }

            index = end + 1;
        }

        return result.ToString();
    }

    private JsonNode? Join(JsonNode? argument)
    {
        if (argument is not JsonArray { Count: 2 } pair)
        {
            throw Template.Error("Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.");
        }

        var delimiter = Text(pair[0], "Fn::Join");
        var list = ResolveNode(pair[1]) as JsonArray ?? throw Template.Error("Template error: every Fn::Join object requires a list of strings as its second parameter");
        return string.Join(delimiter, list.Select(item => Scalar(item, "Fn::Join")));
    }

    private JsonNode? Select(JsonNode? argument)
    {
        if (argument is not JsonArray { Count: 2 } pair)
        {
            throw Template.Error("Template error: Fn::Select requires a list argument with two elements: an integer index and a list");
        }

        var index = int.Parse(Scalar(ResolveNode(pair[0]), "Fn::Select"), CultureInfo.InvariantCulture);
        var list = ResolveNode(pair[1]);
        if (list is JsonValue single && IsUnknown(single))
        {
            return single;
        }

        return list is JsonArray items && index >= 0 && index < items.Count
            ? items[index]?.DeepClone()
            : throw Template.Error("Template error: Fn::Select cannot select nonexistent value at index " + index.ToString(CultureInfo.InvariantCulture));
    }

    private JsonArray Split(JsonNode? argument)
    {
        if (argument is not JsonArray { Count: 2 } pair)
        {
            throw Template.Error("Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.");
        }

        var delimiter = Text(pair[0], "Fn::Split");
        var text = Scalar(ResolveNode(pair[1]), "Fn::Split");
        return new JsonArray(text.Split(delimiter).Select(part => (JsonNode?)JsonValue.Create(part)).ToArray());
    }

    private JsonNode? If(JsonNode? argument)
    {
        if (argument is not JsonArray { Count: 3 } triple)
        {
            throw Template.Error("Template error: Fn::If requires a list argument with three elements");
        }

        return ResolveNode(Condition(Text(triple[0], "Fn::If")) ? triple[1] : triple[2]);
    }

    private JsonNode? ImportValue(JsonNode? argument)
    {
        var name = Scalar(ResolveNode(argument), "Fn::ImportValue");
        return exports(name) is { } value
            ? value
            : preview ? Unknown("import:" + name) : throw new ResourceProviderException($"No export named {name} found.");
    }

    private JsonNode? FindInMap(JsonNode? argument)
    {
        if (argument is not JsonArray { Count: 3 } keys)
        {
            throw Template.Error("Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value");
        }

        var map = Scalar(ResolveNode(keys[0]), "Fn::FindInMap");
        var top = Scalar(ResolveNode(keys[1]), "Fn::FindInMap");
        var second = Scalar(ResolveNode(keys[2]), "Fn::FindInMap");
        return template.Mappings[map]?[top]?[second]?.DeepClone()
               ?? throw Template.Error($"Template error: Unable to get mapping for {map}::{top}::{second}");
    }

    private bool EvaluateCondition(JsonNode? node)
    {
        if (node is JsonObject { Count: 1 } function && function.First() is var (key, argument))
        {
            switch (key)
            {
                case "Condition":
                    return Condition(Text(argument, "Condition"));
                case "Fn::Equals" when argument is JsonArray { Count: 2 } pair:
                    return Scalar(ResolveNode(pair[0]), key) == Scalar(ResolveNode(pair[1]), key);
                case "Fn::Not" when argument is JsonArray { Count: 1 } one:
                    return !EvaluateCondition(one[0]);
                case "Fn::And" when argument is JsonArray many:
                    return many.All(EvaluateCondition);
                case "Fn::Or" when argument is JsonArray many:
                    return many.Any(EvaluateCondition);
            }
        }

        if (node is JsonValue value && value.TryGetValue<bool>(out var flag))
        {
            return flag;
        }

        throw Template.Error("Template error: every condition must be a condition function (Fn::Equals, Fn::And, Fn::Or, Fn::Not) or a Condition reference");
    }

    private string Unknown(string name) =>
        preview ? UnknownPrefix + name : throw new ResourceProviderException($"Template error: {name} is not available yet");

    private static string Text(JsonNode? node, string function) =>
        node is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw Template.Error($"Template error: {function} requires a string argument");

    private static string Scalar(JsonNode? node, string function) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag ? "true" : "false",
        JsonValue value => value.ToJsonString(),
        _ => throw Template.Error($"Template error: {function} requires scalar values, got {node?.ToJsonString() ?? "null"}"),
    };
}

/// <summary>Who a stack is, for pseudo parameters.</summary>
internal sealed record StackIdentity(string StackName, string StackId, string Region, string AccountId);
