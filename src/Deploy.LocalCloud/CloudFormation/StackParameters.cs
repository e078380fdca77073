using System.Globalization;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>One <c>Parameters.member.N</c> of a request.</summary>
internal sealed record ParameterInput(string Key, string? Value, bool UsePreviousValue);

/// <summary>Binds request parameters to a template's declarations: defaults, previous values and the declared constraints.</summary>
internal static class StackParameters
{
    public static Dictionary<string, string> Bind(Template template, IReadOnlyList<ParameterInput> inputs, IReadOnlyDictionary<string, string>? previous)
    {
        var unknown = inputs.Select(i => i.Key).Where(k => !template.Parameters.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
        {
            throw Template.Error($"Parameters: [{string.Join(", ", unknown)}] do not exist in the template");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var (name, declaration) in template.Parameters)
        {
            var input = inputs.FirstOrDefault(i => i.Key == name);
            string? value;
            if (input is { UsePreviousValue: true })
            {
                value = previous?.GetValueOrDefault(name)
                        ?? throw Template.Error($"Invalid input for parameter key {name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template");
            }
            else
            {
                value = input?.Value ?? Scalar(declaration["Default"]);
            }

            if (value is null)
            {
                missing.Add(name);
                continue;
            }

            Check(name, declaration, value);
            values[name] = value;
        }

        if (missing.Count > 0)
        {
            throw Template.Error($"Parameters: [{string.Join(", ", missing)}] must have values");
        }

        return values;
    }

    private static void Check(string name, System.Text.Json.Nodes.JsonObject declaration, string value)
    {
        var type = Scalar(declaration["Type"]) ?? "String";
        if (type == "Number" && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            throw Template.Error($"Parameter '{name}' must be a number.");
        }

        if (declaration["AllowedValues"] is System.Text.Json.Nodes.JsonArray allowed && !allowed.Any(a => Scalar(a) == value))
        {
            throw Template.Error($"Parameter '{name}' must be one of AllowedValues");
        }

        if (Scalar(declaration["AllowedPattern"]) is { } pattern && !Regex.IsMatch(value, $"^(?:{pattern})$", RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            throw Template.Error($"Parameter '{name}' must match pattern {pattern}");
        }

        if (Scalar(declaration["MinLength"]) is { } min && value.Length < int.Parse(min, CultureInfo.InvariantCulture))
        {
            throw Template.Error($"Parameter '{name}' must contain at least {min} characters");
        }

        if (Scalar(declaration["MaxLength"]) is { } max && value.Length > int.Parse(max, CultureInfo.InvariantCulture))
        {
            throw Template.Error($"Parameter '{name}' must contain at most {max} characters");
        }

        if (type.StartsWith("AWS::EC2::", StringComparison.Ordinal) || type.StartsWith("List<AWS::EC2::", StringComparison.Ordinal))
        {
            // AWS checks these ids exist; the local cloud only checks their shape (the VPC may belong to the EC2 part).
            var prefix = type.Contains("VPC::Id", StringComparison.Ordinal) ? "vpc-" : type.Contains("Subnet::Id", StringComparison.Ordinal) ? "subnet-" : type.Contains("SecurityGroup::Id", StringComparison.Ordinal) ? "sg-" : null;
            if (prefix is not null && value.Split(',', StringSplitOptions.TrimEntries).Any(v => !v.StartsWith(prefix, StringComparison.Ordinal)))
            {
                throw new AwsServiceException("ValidationError", $"Parameter validation failed: parameter value {value} for parameter name {name} does not exist. Rollback requested by user.");
            }
        }
    }

    private static string? Scalar(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonValue value when value.TryGetValue<string>(out var text) => text,
        System.Text.Json.Nodes.JsonValue value => value.ToJsonString(),
        _ => null,
    };
}
