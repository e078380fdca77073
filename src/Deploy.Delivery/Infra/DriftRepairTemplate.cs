using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deploy.Delivery.Infra;

/// <summary>A stack resource that drift detection found deleted outside CloudFormation.</summary>
public sealed record DeletedResource(string LogicalId, string ResourceType, string PhysicalId);

/// <summary>The first step of a drift repair cannot be written; the message names the resource, the reason and what to do.</summary>
public sealed class DriftRepairException(string message) : Exception(message);

/// <summary>
/// CloudFormation never recreates a resource that was deleted behind its back: an unchanged template is "no changes", and
/// a change to it updates a resource that is gone. What it does do is create a resource that is added to the stack. So a
/// repair takes two updates: the first removes the deleted resources from the stack (deleting what is already gone
/// succeeds), the second applies the real template, which adds them back. This class writes the first step's template:
/// the real one without the deleted resources, every <c>Ref</c>, <c>Fn::GetAtt</c> and <c>${...}</c> of them replaced by
/// the value it resolved to, so that nothing else changes in that step (the caller checks the change set says so).
/// Values come from the resource's physical id, from stack outputs that expose them, and from the ARN formats AWS
/// documents for the types the platform uses.
/// </summary>
public static partial class DriftRepairTemplate
{
    /// <summary>ARN formats by type (what <c>Fn::GetAtt Arn</c> returns), <c>{0}</c> = the physical id.</summary>
    private static readonly Dictionary<string, string> ArnFormats = new(StringComparer.Ordinal)
    {
        ["AWS::ECR::Repository"] = "arn:${{AWS::Partition}}:ecr:${{AWS::Region}}:${{AWS::AccountId}}:repository/{0}",
        ["AWS::Logs::LogGroup"] = "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{0}:*",
        ["AWS::ECS::Cluster"] = "arn:${{AWS::Partition}}:ecs:${{AWS::Region}}:${{AWS::AccountId}}:cluster/{0}",
        ["AWS::S3::Bucket"] = "arn:${{AWS::Partition}}:s3:::{0}",
        ["AWS::CodeBuild::Project"] = "arn:${{AWS::Partition}}:codebuild:${{AWS::Region}}:${{AWS::AccountId}}:project/{0}",
        ["AWS::Events::Rule"] = "arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/{0}",
    };

    /// <summary>Attributes that equal the physical id for their type.</summary>
    private static readonly Dictionary<string, string[]> IdAttributes = new(StringComparer.Ordinal)
    {
        ["AWS::EC2::SecurityGroup"] = ["GroupId"],
        ["AWS::ElasticLoadBalancingV2::TargetGroup"] = ["TargetGroupArn"],
        ["AWS::ElasticLoadBalancingV2::LoadBalancer"] = ["LoadBalancerArn"],
        ["AWS::ElasticLoadBalancingV2::Listener"] = ["ListenerArn"],
    };

    /// <summary>The template of the repair's first step.</summary>
    /// <exception cref="DriftRepairException">A value a remaining resource or output takes from a deleted resource is not known.</exception>
    public static JsonObject StepOne(JsonObject template, IReadOnlyList<DeletedResource> deleted, IReadOnlyDictionary<string, string> outputs)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(deleted);
        ArgumentNullException.ThrowIfNull(outputs);
        var result = template.DeepClone().AsObject();
        var resources = result["Resources"]?.AsObject() ?? throw new DriftRepairException("The template has no Resources.");
        var byId = deleted.ToDictionary(d => d.LogicalId, StringComparer.Ordinal);
        var values = new Values(template, byId, outputs);
        foreach (var resource in deleted)
        {
            resources.Remove(resource.LogicalId);
        }

        var unknown = new List<string>();
        foreach (var (logicalId, definition) in resources.ToList())
        {
            if (definition is JsonObject body)
            {
                RemoveDependsOn(body, byId);
                body["Properties"] = Replace(body["Properties"], values, logicalId, unknown);
            }
        }

        if (result["Outputs"] is JsonObject declared)
        {
            foreach (var (name, output) in declared.ToList())
            {
                declared[name] = Replace(output, values, "output " + name, unknown);
            }
        }

        if (unknown.Count > 0)
        {
            throw new DriftRepairException(string.Join("; ", unknown.Distinct(StringComparer.Ordinal)));
        }

        return result;
    }

    private static JsonNode? Replace(JsonNode? node, Values values, string user, List<string> unknown)
    {
        switch (node)
        {
            case JsonObject { Count: 1 } reference when reference["Ref"] is JsonValue target && values.IsDeleted(target.GetValue<string>()):
                return JsonValue.Create(values.PhysicalId(target.GetValue<string>()));
            case JsonObject { Count: 1 } attribute when attribute.ContainsKey("Fn::GetAtt") && GetAtt(attribute["Fn::GetAtt"]) is ({ } target, { } name) && values.IsDeleted(target):
                return values.Attribute(target, name) switch
                {
                    { } value when values.IsFormula(value) => new JsonObject { ["Fn::Sub"] = value },
                    { } value => JsonValue.Create(value),
                    null => Unknown(unknown, user, target, name),
                };
            case JsonObject { Count: 1 } sub when sub["Fn::Sub"] is JsonValue text:
                return new JsonObject { ["Fn::Sub"] = SubText(text.GetValue<string>(), values, user, unknown) };
            case JsonObject { Count: 1 } sub when sub["Fn::Sub"] is JsonArray { Count: 2 } pair && pair[0] is JsonValue text:
                return new JsonObject { ["Fn::Sub"] = new JsonArray(SubText(text.GetValue<string>(), values, user, unknown), Replace(pair[1], values, user, unknown)) };
            case JsonObject map:
                var copy = new JsonObject();
                foreach (var (key, value) in map)
                {
                    copy[key] = Replace(value, values, user, unknown);
                }

                return copy;
            case JsonArray list:
                return new JsonArray([.. list.Select(item => Replace(item, values, user, unknown))]);
            default:
                return node?.DeepClone();
        }
    }

    private static JsonNode? Unknown(List<string> unknown, string user, string target, string attribute)
    {
        unknown.Add($"{user} uses {target}.{attribute}, which only the deleted {target} knew");
        return null;
    }

    private static string SubText(string text, Values values, string user, List<string> unknown) => SubVariable().Replace(text, match =>
    {
        var variable = match.Groups[1].Value;
        var dot = variable.IndexOf('.', StringComparison.Ordinal);
        var target = dot < 0 ? variable : variable[..dot];
        if (!values.IsDeleted(target))
        {
            return match.Value;
        }

        var value = dot < 0 ? values.PhysicalId(target) : values.Attribute(target, variable[(dot + 1)..]);
        if (value is null)
        {
            Unknown(unknown, user, target, variable[(dot + 1)..]);
            return match.Value;
        }

        // A literal must not read as a variable; a formula (ARN with ${AWS::...}) must.
        return values.IsFormula(value) ? value : value.Replace("${", "${!", StringComparison.Ordinal);
    });

    private static (string Target, string Attribute)? GetAtt(JsonNode? argument) => argument switch
    {
        JsonArray { Count: 2 } pair when pair[0] is JsonValue target && pair[1] is JsonValue name => (target.GetValue<string>(), name.GetValue<string>()),
        JsonValue dotted when dotted.GetValue<string>().Split('.', 2) is [var target, var name] => (target, name),
        _ => null,
    };

    private static void RemoveDependsOn(JsonObject body, Dictionary<string, DeletedResource> deleted)
    {
        switch (body["DependsOn"])
        {
            case JsonValue single when deleted.ContainsKey(single.GetValue<string>()):
                body.Remove("DependsOn");
                break;
            case JsonArray list:
                body["DependsOn"] = new JsonArray([.. list.Where(d => d is JsonValue v && !deleted.ContainsKey(v.GetValue<string>())).Select(d => d!.DeepClone())]);
                break;
        }
    }

    [GeneratedRegex(@"\$\{([^!}][^}]*)\}")]
    private static partial Regex SubVariable();

    /// <summary>Where the deleted resources' values come from.</summary>
    private sealed class Values(JsonObject template, Dictionary<string, DeletedResource> deleted, IReadOnlyDictionary<string, string> outputs)
    {
        private readonly HashSet<string> formulas = new(StringComparer.Ordinal);

        public bool IsDeleted(string logicalId) => deleted.ContainsKey(logicalId);

        public bool IsFormula(string value) => formulas.Contains(value);

        public string PhysicalId(string logicalId) => deleted[logicalId].PhysicalId;

        public string? Attribute(string logicalId, string attribute)
        {
            var resource = deleted[logicalId];
            if (FromOutputs(logicalId, attribute) is { } published)
            {
                return published;
            }

            if (IdAttributes.TryGetValue(resource.ResourceType, out var ids) && ids.Contains(attribute))
            {
                return resource.PhysicalId;
            }

            if (attribute == "Arn" && Arn(resource) is { } arn)
            {
                formulas.Add(arn);
                return arn;
            }

            return null;
        }

        private string? Arn(DeletedResource resource)
        {
            if (resource.ResourceType == "AWS::IAM::Role")
            {
                var path = template["Resources"]?[resource.LogicalId]?["Properties"]?["Path"]?.GetValue<string>() ?? "/";
                return $"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role{path}{resource.PhysicalId}";
            }

            return ArnFormats.TryGetValue(resource.ResourceType, out var format)
                ? string.Format(System.Globalization.CultureInfo.InvariantCulture, format, resource.PhysicalId)
                : null;
        }

        /// <summary>An output whose value is exactly the attribute, or a <c>Fn::Sub</c> text around it (matched against the value).</summary>
        private string? FromOutputs(string logicalId, string attribute)
        {
            foreach (var (name, output) in template["Outputs"]?.AsObject() ?? [])
            {
                if (!outputs.TryGetValue(name, out var value) || output?["Value"] is not { } expression)
                {
                    continue;
                }

                if (expression is JsonObject { Count: 1 } getAtt && getAtt.ContainsKey("Fn::GetAtt") && GetAtt(getAtt["Fn::GetAtt"]) == (logicalId, attribute))
                {
                    return value;
                }

                if (expression["Fn::Sub"] is JsonValue text && Extract(text.GetValue<string>(), $"{logicalId}.{attribute}", value) is { } extracted)
                {
                    return extracted;
                }
            }

            return null;
        }

        /// <summary>The part of <paramref name="value"/> where <paramref name="pattern"/> has <c>${variable}</c>, when it is the only variable.</summary>
        private static string? Extract(string pattern, string variable, string value)
        {
            var variables = SubVariable().Matches(pattern);
            if (variables.Count != 1 || variables[0].Groups[1].Value != variable)
            {
                return null;
            }

            var prefix = pattern[..variables[0].Index].Replace("${!", "${", StringComparison.Ordinal);
            var suffix = pattern[(variables[0].Index + variables[0].Length)..].Replace("${!", "${", StringComparison.Ordinal);
            return value.Length >= prefix.Length + suffix.Length && value.StartsWith(prefix, StringComparison.Ordinal) && value.EndsWith(suffix, StringComparison.Ordinal)
                ? value[prefix.Length..^suffix.Length]
                : null;
        }
    }
}
