using System.Globalization;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ec2;

/// <summary>EC2's flavour of query parameters: lists are <c>Name.N</c> and structures <c>Name.N.Member</c> (no <c>.member.</c>).</summary>
internal sealed class Ec2Parameters(IReadOnlyDictionary<string, string> values)
{
    public string? Optional(string name) => values.TryGetValue(name, out var value) ? value : null;

    public string Required(string name) =>
        Optional(name) ?? throw new AwsServiceException("MissingParameter", $"The request must contain the parameter {name}");

    public int? OptionalInt(string name) =>
        Optional(name) is { } text
            ? int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new AwsServiceException("InvalidParameterValue", $"Invalid value '{text}' for {name}")
            : null;

    public IReadOnlyList<string> List(string name)
    {
        var items = new List<string>();
        for (var i = 1; values.TryGetValue($"{name}.{i}", out var item); i++)
        {
            items.Add(item);
        }

        return items;
    }

    public IReadOnlyList<(string Name, IReadOnlyList<string> Values)> Filters()
    {
        var filters = new List<(string, IReadOnlyList<string>)>();
        for (var i = 1; values.TryGetValue($"Filter.{i}.Name", out var name); i++)
        {
            filters.Add((name, List($"Filter.{i}.Value")));
        }

        return filters;
    }

    public List<PermissionRecord> Permissions()
    {
        var permissions = new List<PermissionRecord>();
        for (var i = 1; values.TryGetValue($"IpPermissions.{i}.IpProtocol", out var protocol); i++)
        {
            var prefix = $"IpPermissions.{i}";
            var cidrs = new List<string>();
            for (var j = 1; values.TryGetValue($"{prefix}.IpRanges.{j}.CidrIp", out var cidr); j++)
            {
                cidrs.Add(cidr);
            }

            var groups = new List<string>();
            for (var j = 1; values.TryGetValue($"{prefix}.Groups.{j}.GroupId", out var group); j++)
            {
                groups.Add(group);
            }

            permissions.Add(new PermissionRecord
            {
                IpProtocol = protocol,
                FromPort = OptionalInt($"{prefix}.FromPort"),
                ToPort = OptionalInt($"{prefix}.ToPort"),
                CidrIps = cidrs,
                SourceGroupIds = groups,
            });
        }

        return permissions;
    }

    public Dictionary<string, string> TagSpecifications(string resourceType)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; values.TryGetValue($"TagSpecification.{i}.ResourceType", out var type); i++)
        {
            for (var j = 1; type == resourceType && values.TryGetValue($"TagSpecification.{i}.Tag.{j}.Key", out var key); j++)
            {
                tags[key] = values.GetValueOrDefault($"TagSpecification.{i}.Tag.{j}.Value") ?? string.Empty;
            }
        }

        return tags;
    }
}
