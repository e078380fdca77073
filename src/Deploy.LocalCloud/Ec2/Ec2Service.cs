using System.Globalization;
using System.Xml.Linq;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ec2;

/// <summary>
/// EC2 (query 2016-11-15, EC2 flavour: lists as <c>Name.N</c>, responses without a Result wrapper, items
/// named <c>item</c>). Only what the deploy flow reads: the default VPC, subnets, security groups.
/// Security group rules are stored and returned, never enforced.
/// </summary>
internal sealed class Ec2Service(Ec2Store store)
{
    public static readonly XNamespace Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private static readonly HashSet<string> Actions =
    [
        "DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups", "CreateSecurityGroup",
        "AuthorizeSecurityGroupIngress", "DeleteSecurityGroup",
    ];

    public static bool Supports(string action) => Actions.Contains(action);

    public IEnumerable<XElement> Handle(string action, Ec2Parameters parameters) => action switch
    {
        "DescribeVpcs" => DescribeVpcs(parameters),
        "DescribeSubnets" => DescribeSubnets(parameters),
        "DescribeSecurityGroups" => DescribeSecurityGroups(parameters),
        "CreateSecurityGroup" => CreateSecurityGroup(parameters),
        "AuthorizeSecurityGroupIngress" => AuthorizeSecurityGroupIngress(parameters),
        "DeleteSecurityGroup" => DeleteSecurityGroup(parameters),
        _ => throw new AwsServiceException("InvalidAction", $"The action {action} is not valid for this web service."),
    };

    private static XElement E(string name, params object?[] content) => new(Ns + name, content);

    private static XElement Set(string name, IEnumerable<XElement> items) => E(name, items.Select(i => E("item", i.Nodes())));

    private IEnumerable<XElement> DescribeVpcs(Ec2Parameters parameters)
    {
        var ids = parameters.List("VpcId");
        var filters = parameters.Filters();
        var vpcs = store.Read(state => state.Vpcs.ToList());
        var missing = ids.FirstOrDefault(id => vpcs.All(v => v.VpcId != id));
        if (missing is not null)
        {
            throw new AwsServiceException("InvalidVpcID.NotFound", $"The vpc ID '{missing}' does not exist");
        }

        var selected = vpcs.Where(v => (ids.Count == 0 || ids.Contains(v.VpcId)) && Matches(filters, name => name switch
        {
            "vpc-id" => [v.VpcId],
            "is-default" => [v.IsDefault ? "true" : "false"],
            "cidr" or "cidr-block-association.cidr-block" => [v.CidrBlock],
            "state" => ["available"],
            _ => TagValues(v.Tags, name),
        }));
        return [Set("vpcSet", selected.Select(v => E("x",
            E("ownerId", store.Options.AccountId),
            E("instanceTenancy", "default"),
            E("cidrBlockAssociationSet", E("item",
                E("associationId", "vpc-cidr-assoc-" + v.VpcId[4..]),
                E("cidrBlock", v.CidrBlock),
                E("cidrBlockState", E("state", "associated")))),
            E("isDefault", v.IsDefault ? "true" : "false"),
            TagSet(v.Tags),
            E("vpcId", v.VpcId),
            E("state", "available"),
            E("cidrBlock", v.CidrBlock),
            E("dhcpOptionsId", "dopt-" + v.VpcId[4..]))))];
    }

    private IEnumerable<XElement> DescribeSubnets(Ec2Parameters parameters)
    {
        var ids = parameters.List("SubnetId");
        var filters = parameters.Filters();
        var subnets = store.Read(state => state.Subnets.ToList());
        var missing = ids.FirstOrDefault(id => subnets.All(s => s.SubnetId != id));
        if (missing is not null)
        {
            throw new AwsServiceException("InvalidSubnetID.NotFound", $"The subnet ID '{missing}' does not exist");
        }

        var selected = subnets.Where(s => (ids.Count == 0 || ids.Contains(s.SubnetId)) && Matches(filters, name => name switch
        {
            "vpc-id" => [s.VpcId],
            "subnet-id" => [s.SubnetId],
            "default-for-az" or "defaultForAz" => [s.DefaultForAz ? "true" : "false"],
            "availability-zone" or "availabilityZone" => [s.AvailabilityZone],
            "cidr-block" or "cidr" or "cidrBlock" => [s.CidrBlock],
            "state" => ["available"],
            _ => [],
        }));
        return [Set("subnetSet", selected.Select(s => E("x",
            E("subnetArn", $"arn:aws:ec2:{store.Options.Region}:{store.Options.AccountId}:subnet/{s.SubnetId}"),
            E("ownerId", store.Options.AccountId),
            E("assignIpv6AddressOnCreation", "false"),
            E("ipv6CidrBlockAssociationSet"),
            E("tagSet"),
            E("subnetId", s.SubnetId),
            E("state", "available"),
            E("vpcId", s.VpcId),
            E("cidrBlock", s.CidrBlock),
            E("availableIpAddressCount", "4091"),
            E("availabilityZone", s.AvailabilityZone),
            E("availabilityZoneId", "use1-az" + (s.AvailabilityZone[^1] - 'a' + 1).ToString(CultureInfo.InvariantCulture)),
            E("defaultForAz", s.DefaultForAz ? "true" : "false"),
            E("mapPublicIpOnLaunch", s.DefaultForAz ? "true" : "false"))))];
    }

    private IEnumerable<XElement> DescribeSecurityGroups(Ec2Parameters parameters)
    {
        var ids = parameters.List("GroupId");
        var names = parameters.List("GroupName");
        var filters = parameters.Filters();
        var groups = store.Read(state => state.SecurityGroups.ToList());
        var missing = ids.FirstOrDefault(id => groups.All(g => g.GroupId != id));
        if (missing is not null)
        {
            throw new AwsServiceException("InvalidGroup.NotFound", $"The security group '{missing}' does not exist");
        }

        var missingName = names.FirstOrDefault(n => groups.All(g => g.GroupName != n));
        if (missingName is not null)
        {
            throw new AwsServiceException("InvalidGroup.NotFound", $"The security group '{missingName}' does not exist in default VPC");
        }

        var selected = groups.Where(g => (ids.Count == 0 || ids.Contains(g.GroupId))
                                         && (names.Count == 0 || names.Contains(g.GroupName))
                                         && Matches(filters, name => name switch
                                         {
                                             "group-id" => [g.GroupId],
                                             "group-name" => [g.GroupName],
                                             "vpc-id" => [g.VpcId],
                                             "description" => [g.Description],
                                             _ => TagValues(g.Tags, name),
                                         }));
        return [Set("securityGroupInfo", selected.Select(g => E("x",
            E("ownerId", store.Options.AccountId),
            E("groupId", g.GroupId),
            E("groupName", g.GroupName),
            E("groupDescription", g.Description),
            E("vpcId", g.VpcId),
            E("securityGroupArn", SecurityGroupArn(g.GroupId)),
            Set("ipPermissions", g.Ingress.Select(PermissionXml)),
            Set("ipPermissionsEgress", g.Egress.Select(PermissionXml)),
            TagSet(g.Tags))))];
    }

    private XElement PermissionXml(PermissionRecord permission) => E("x",
        E("ipProtocol", permission.IpProtocol),
        permission.FromPort is { } from ? E("fromPort", from.ToString(CultureInfo.InvariantCulture)) : null,
        permission.ToPort is { } to ? E("toPort", to.ToString(CultureInfo.InvariantCulture)) : null,
        Set("groups", permission.SourceGroupIds.Select(id => E("x", E("userId", store.Options.AccountId), E("groupId", id)))),
        Set("ipRanges", permission.CidrIps.Select(cidr => E("x", E("cidrIp", cidr)))),
        E("ipv6Ranges"),
        E("prefixListIds"));

    private IEnumerable<XElement> CreateSecurityGroup(Ec2Parameters parameters)
    {
        var name = parameters.Required("GroupName");
        var description = parameters.Required("GroupDescription");
        var tags = parameters.TagSpecifications("security-group");
        var group = store.Update(state =>
        {
            var vpcId = parameters.Optional("VpcId") ?? state.Vpcs.First(v => v.IsDefault).VpcId;
            if (state.Vpcs.All(v => v.VpcId != vpcId))
            {
                throw new AwsServiceException("InvalidVpcID.NotFound", $"The vpc ID '{vpcId}' does not exist");
            }

            if (state.SecurityGroups.Any(g => g.VpcId == vpcId && g.GroupName == name))
            {
                throw new AwsServiceException("InvalidGroup.Duplicate", $"The security group '{name}' already exists for VPC '{vpcId}'");
            }

            var created = new SecurityGroupRecord
            {
                GroupId = Ec2Store.NewId("sg"),
                GroupName = name,
                Description = description,
                VpcId = vpcId,
                Egress = [new PermissionRecord { IpProtocol = "-1", CidrIps = ["0.0.0.0/0"] }],
                Tags = tags,
            };
            state.SecurityGroups.Add(created);
            return created;
        });
        return [E("groupId", group.GroupId), TagSet(group.Tags), E("securityGroupArn", SecurityGroupArn(group.GroupId))];
    }

    private IEnumerable<XElement> AuthorizeSecurityGroupIngress(Ec2Parameters parameters)
    {
        var permissions = parameters.Permissions();
        if (parameters.Optional("IpProtocol") is { } protocol)
        {
            permissions.Add(new PermissionRecord
            {
                IpProtocol = protocol,
                FromPort = parameters.OptionalInt("FromPort"),
                ToPort = parameters.OptionalInt("ToPort"),
                CidrIps = parameters.Optional("CidrIp") is { } cidr ? [cidr] : [],
            });
        }

        var (groupId, added) = store.Update(state =>
        {
            var group = FindGroup(state, parameters);
            var rules = new List<PermissionRecord>();
            foreach (var permission in permissions)
            {
                if (group.Ingress.Any(p => Same(p, permission)))
                {
                    throw new AwsServiceException("InvalidPermission.Duplicate", "the specified rule already exists");
                }

                group.Ingress.Add(permission);
                rules.Add(permission);
            }

            return (group.GroupId, rules);
        });
        var ruleXml = added.SelectMany(p => p.CidrIps.Select(c => (Permission: p, Cidr: (string?)c, Source: (string?)null))
                .Concat(p.SourceGroupIds.Select(s => (Permission: p, Cidr: (string?)null, Source: (string?)s))))
            .Select(r => E("x",
                E("securityGroupRuleId", Ec2Store.NewId("sgr")),
                E("groupId", groupId),
                E("groupOwnerId", store.Options.AccountId),
                E("isEgress", "false"),
                E("ipProtocol", r.Permission.IpProtocol),
                E("fromPort", (r.Permission.FromPort ?? -1).ToString(CultureInfo.InvariantCulture)),
                E("toPort", (r.Permission.ToPort ?? -1).ToString(CultureInfo.InvariantCulture)),
                r.Cidr is null ? null : E("cidrIpv4", r.Cidr),
                r.Source is null ? null : E("referencedGroupInfo", E("groupId", r.Source), E("userId", store.Options.AccountId))));
        return [E("return", "true"), Set("securityGroupRuleSet", ruleXml)];
    }

    private IEnumerable<XElement> DeleteSecurityGroup(Ec2Parameters parameters)
    {
        var groupId = store.Update(state =>
        {
            var group = FindGroup(state, parameters);
            if (group.GroupName == "default")
            {
                throw new AwsServiceException("CannotDelete", $"the specified group: \"{group.GroupId}\" name: \"default\" cannot be deleted by a user");
            }

            if (state.SecurityGroups.Any(g => g != group && g.Ingress.Concat(g.Egress).Any(p => p.SourceGroupIds.Contains(group.GroupId))))
            {
                throw new AwsServiceException("DependencyViolation", $"resource {group.GroupId} has a dependent object");
            }

            state.SecurityGroups.Remove(group);
            return group.GroupId;
        });
        return [E("return", "true"), E("groupId", groupId)];
    }

    private static SecurityGroupRecord FindGroup(Ec2State state, Ec2Parameters parameters)
    {
        if (parameters.Optional("GroupId") is { } id)
        {
            return state.SecurityGroups.FirstOrDefault(g => g.GroupId == id)
                   ?? throw new AwsServiceException("InvalidGroup.NotFound", $"The security group '{id}' does not exist");
        }

        var name = parameters.Optional("GroupName")
                   ?? throw new AwsServiceException("MissingParameter", "The request must contain the parameter groupName or groupId");
        var defaultVpc = state.Vpcs.First(v => v.IsDefault).VpcId;
        return state.SecurityGroups.FirstOrDefault(g => g.GroupName == name && g.VpcId == defaultVpc)
               ?? throw new AwsServiceException("InvalidGroup.NotFound", $"The security group '{name}' does not exist in default VPC '{defaultVpc}'");
    }

    private static bool Same(PermissionRecord a, PermissionRecord b) =>
        a.IpProtocol == b.IpProtocol && a.FromPort == b.FromPort && a.ToPort == b.ToPort
        && a.CidrIps.Intersect(b.CidrIps).Any() | a.SourceGroupIds.Intersect(b.SourceGroupIds).Any();

    private string SecurityGroupArn(string groupId) => $"arn:aws:ec2:{store.Options.Region}:{store.Options.AccountId}:security-group/{groupId}";

    private static XElement TagSet(Dictionary<string, string> tags) =>
        Set("tagSet", tags.Select(t => E("x", E("key", t.Key), E("value", t.Value))));

    private static IReadOnlyList<string> TagValues(Dictionary<string, string> tags, string filterName) =>
        filterName.StartsWith("tag:", StringComparison.Ordinal) && tags.TryGetValue(filterName[4..], out var value) ? [value] : [];

    private static bool Matches(IReadOnlyList<(string Name, IReadOnlyList<string> Values)> filters, Func<string, IReadOnlyList<string>> valuesOf) =>
        filters.All(f => valuesOf(f.Name).Any(v => f.Values.Any(pattern => Wildcard(pattern, v))));

    private static bool Wildcard(string pattern, string value) =>
        pattern == "*" || (pattern.EndsWith('*') ? value.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == value);
}
