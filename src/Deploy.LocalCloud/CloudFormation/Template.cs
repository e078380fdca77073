using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>
/// A parsed CloudFormation template (JSON): parameters, conditions, resources with their explicit and implicit
/// dependencies, outputs. Parsing checks what CloudFormation checks before it touches anything, with its messages.
/// </summary>
internal sealed class Template
{
    private static readonly HashSet<string> PseudoParameters = new(StringComparer.Ordinal)
    {
        "AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::Partition", "AWS::URLSuffix",
        "AWS::NoValue", "AWS::NotificationARNs",
    };

    private Template(string body, JsonObject root)
    {
        Body = body;
        Root = root;
    }

    public string Body { get; }

    public JsonObject Root { get; }

    public string? Description => Root[nameof(Description)] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public Dictionary<string, JsonObject> Parameters { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, JsonNode?> Conditions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, TemplateResource> Resources { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, JsonObject> Outputs { get; } = new(StringComparer.Ordinal);

    public JsonObject Mappings { get; private set; } = [];

    /// <summary>Parses and checks a template body; every problem is a ValidationError as CloudFormation reports it.</summary>
    public static Template Parse(string body, Func<string, IResourceProvider?> providers)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false }) as JsonObject
                   ?? throw Error("Template format error: JSON not well-formed.");
        }
        catch (JsonException failure)
        {
            var where = failure.LineNumber is { } line ? $" (line {line + 1}, column {(failure.BytePositionInLine ?? 0) + 1})" : string.Empty;
            throw Error($"Template format error: JSON not well-formed.{where}");
        }

        var template = new Template(body, root);
        template.Load(providers);
        return template;
    }

    public static AwsServiceException Error(string message) => new("ValidationError", message);

    /// <summary>Resources in an order where every resource comes after what it depends on (ties: template order).</summary>
    public IReadOnlyList<string> CreationOrder(ISet<string> included)
    {
        var order = new List<string>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in Resources.Keys.Where(included.Contains))
        {
            Visit(name, []);
        }

        return order;

        void Visit(string name, List<string> path)
        {
            if (state.GetValueOrDefault(name) == 2)
            {
                return;
            }

            if (state.GetValueOrDefault(name) == 1)
            {
                throw Error($"Circular dependency between resources: [{string.Join(", ", path.Order(StringComparer.Ordinal))}]");
            }

            state[name] = 1;
            foreach (var dependency in Resources[name].Dependencies.Where(included.Contains))
            {
                Visit(dependency, [.. path, name]);
            }

            state[name] = 2;
            order.Add(name);
        }
    }

    private void Load(Func<string, IResourceProvider?> providers)
    {
        if (Root[nameof(Mappings)] is JsonObject mappings)
        {
            Mappings = mappings;
        }

        if (Root[nameof(Parameters)] is JsonObject parameters)
        {
            foreach (var (name, declaration) in parameters)
            {
                if (declaration is not JsonObject body || body["Type"] is null)
                {
                    throw Error($"Template format error: Every Parameters object must contain a Type member.");
                }

                Parameters[name] = body;
            }
        }

        if (Root[nameof(Conditions)] is JsonObject conditions)
        {
            foreach (var (name, condition) in conditions)
            {
                Conditions[name] = condition;
            }
        }

        if (Root[nameof(Resources)] is not JsonObject resources || resources.Count == 0)
        {
            throw Error("Template format error: At least one Resources member must be defined.");
        }

        var unknownTypes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (logicalId, node) in resources)
        {
            if (node is not JsonObject resource || resource["Type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type))
            {
                throw Error($"Template format error: [/Resources/{logicalId}] Every Resources object must contain a Type member.");
            }

            if (providers(type) is null)
            {
                unknownTypes.Add(type);
            }

            Resources[logicalId] = new TemplateResource(logicalId, type, resource);
        }

        if (unknownTypes.Count > 0)
        {
            throw Error($"Template format error: Unrecognized resource types: [{string.Join(", ", unknownTypes)}]");
        }

        if (Root[nameof(Outputs)] is JsonObject outputs)
        {
            foreach (var (name, output) in outputs)
            {
                if (output is not JsonObject body || body["Value"] is null)
                {
                    throw Error($"Template format error: Every Outputs member must contain a Value object, the Outputs member {name} has none.");
                }

                Outputs[name] = body;
            }
        }

        CheckReferences(providers);
    }

    private void CheckReferences(Func<string, IResourceProvider?> providers)
    {
        var unresolved = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var resource in Resources.Values)
        {
            var references = new References();
            references.Collect(resource.Definition["Properties"]);
            foreach (var explicitDependency in resource.ExplicitDependsOn)
            {
                if (!Resources.ContainsKey(explicitDependency))
                {
                    throw Error($"Template format error: Unresolved resource dependencies [{explicitDependency}] in the Resources block of the template");
                }

                resource.Dependencies.Add(explicitDependency);
            }

            foreach (var name in references.Names)
            {
                if (Resources.ContainsKey(name))
                {
                    resource.Dependencies.Add(name);
                }
                else if (!Parameters.ContainsKey(name) && !PseudoParameters.Contains(name))
                {
                    unresolved.Add(name);
                }
            }

            foreach (var (target, attribute) in references.Attributes)
            {
                if (!Resources.TryGetValue(target, out var referenced))
                {
                    unresolved.Add(target);
                    continue;
                }

                resource.Dependencies.Add(target);
                var provider = providers(referenced.Type);
                if (provider is not null && !provider.AttributeNames.Contains(attribute))
                {
                    throw Error($"Template error: resource {target} does not support attribute type {attribute} in Fn::GetAtt");
                }
            }

            if (resource.Condition is { } condition && !Conditions.ContainsKey(condition))
            {
                throw Error($"Template format error: Unresolved dependencies [{condition}]. Cannot reference resources in the Conditions block of the template");
            }
        }

        if (unresolved.Count > 0)
        {
            throw Error($"Template format error: Unresolved resource dependencies [{string.Join(", ", unresolved)}] in the Resources block of the template");
        }

        foreach (var output in Outputs.Values)
        {
            var references = new References();
            references.Collect(output["Value"]);
            references.Collect(output["Export"]);
            var missing = references.Names.Concat(references.Attributes.Select(a => a.Target))
                .Where(n => !Resources.ContainsKey(n) && !Parameters.ContainsKey(n) && !PseudoParameters.Contains(n))
                .ToList();
            if (missing.Count > 0)
            {
                throw Error($"Template format error: Unresolved resource dependencies [{string.Join(", ", missing)}] in the Outputs block of the template");
            }
        }
    }

    /// <summary>Collects the names a fragment reaches through Ref, Fn::GetAtt and Fn::Sub.</summary>
    internal sealed class References
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        public HashSet<(string Target, string Attribute)> Attributes { get; } = [];

        public void Collect(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject { Count: 1 } single when single.First() is var (key, value) && key is "Ref" or "Fn::GetAtt" or "Fn::Sub":
                    if (key == "Ref" && value is JsonValue name && name.TryGetValue<string>(out var refName))
                    {
                        Names.Add(refName);
                    }
                    else if (key == "Fn::GetAtt")
                    {
                        AddAttribute(value);
                    }
                    else
                    {
                        AddSub(value);
                    }

                    break;
                case JsonObject obj:
                    foreach (var (_, child) in obj)
                    {
                        Collect(child);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Collect(item);
                    }

                    break;
            }
        }

        private void AddAttribute(JsonNode? value)
        {
            switch (value)
            {
                case JsonArray { Count: 2 } pair when pair[0] is JsonValue target && target.TryGetValue<string>(out var logical):
                    if (pair[1] is JsonValue attribute && attribute.TryGetValue<string>(out var attributeName))
                    {
                        Attributes.Add((logical, attributeName));
                    }
                    else
                    {
                        Names.Add(logical);
                        Collect(pair[1]);
                    }

                    break;
                case JsonValue text when text.TryGetValue<string>(out var dotted) && dotted.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot:
                    Attributes.Add((dotted[..dot], dotted[(dot + 1)..]));
                    break;
                default:
                    throw Error("Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute");
            }
        }

        private void AddSub(JsonNode? value)
        {
            string? text = null;
            var local = new HashSet<string>(StringComparer.Ordinal);
            if (value is JsonValue plain && plain.TryGetValue<string>(out var single))
            {
                text = single;
            }
            else if (value is JsonArray { Count: 2 } pair && pair[0] is JsonValue first && first.TryGetValue<string>(out var withVariables))
            {
                text = withVariables;
                if (pair[1] is JsonObject variables)
                {
                    foreach (var (name, variable) in variables)
                    {
                        local.Add(name);
                        Collect(variable);
                    }
                }
            }

            if (text is null)
            {
                throw Error("Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string");
            }

            foreach (var variable in SubVariables(text).Where(v => !local.Contains(v)))
            {
                var dot = variable.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && !variable.StartsWith("AWS::", StringComparison.Ordinal))
                {
                    Attributes.Add((variable[..dot], variable[(dot + 1)..]));
                }
                else
                {
                    Names.Add(variable);
                }
            }
        }
    }

    /// <summary>The <c>${...}</c> variables of an Fn::Sub string, skipping <c>${!literal}</c>.</summary>
    public static IEnumerable<string> SubVariables(string text)
    {
        var index = 0;
        while ((index = text.IndexOf("${", index, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf('}', index);
            if (end < 0)
            {
                yield break;
            }

            var variable = text[(index + 2)..end];
            if (!variable.StartsWith('!'))
            {
                yield return variable.Trim();
            }

            index = end + 1;
        }
    }
}

/// <summary>One entry of the Resources block and what it depends on (DependsOn plus Ref/GetAtt/Sub).</summary>
internal sealed class TemplateResource(string logicalId, string type, JsonObject definition)
{
    public string LogicalId { get; } = logicalId;

    public string Type { get; } = type;

    public JsonObject Definition { get; } = definition;

    public JsonObject Properties => Definition[nameof(Properties)] as JsonObject ?? [];

    public string? Condition => Definition[nameof(Condition)] is JsonValue value && value.TryGetValue<string>(out var name) ? name : null;

    public string DeletionPolicy => Definition[nameof(DeletionPolicy)] is JsonValue value && value.TryGetValue<string>(out var policy) ? policy : "Delete";

    public IEnumerable<string> ExplicitDependsOn => Definition["DependsOn"] switch
    {
        JsonValue one when one.TryGetValue<string>(out var name) => [name],
        JsonArray many => many.Select(n => n!.GetValue<string>()),
        _ => [],
    };

    public HashSet<string> Dependencies { get; } = new(StringComparer.Ordinal);
}
