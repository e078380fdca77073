using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ec2;

/// <summary>AWS::EC2::SecurityGroup (stored, not enforced). Ref = sg id; ingress rules are replaced on update.</summary>
internal sealed class SecurityGroupProvider(Ec2Store store) : IResourceProvider
{
    public string ResourceType => "AWS::EC2::SecurityGroup";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "GroupName", "GroupDescription", "VpcId" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "GroupId", "VpcId" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var description = request.RequiredString("GroupDescription");
        var name = request.String("GroupName") ?? request.PhysicalName(255);
        var group = store.Update(state =>
        {
            var vpcId = request.String("VpcId") ?? state.Vpcs.First(v => v.IsDefault).VpcId;
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
                Ingress = Rules(request.Properties["SecurityGroupIngress"], "CidrIp", "SourceSecurityGroupId"),
                Egress = request.Properties["SecurityGroupEgress"] is null
                    ? [new PermissionRecord { IpProtocol = "-1", CidrIps = ["0.0.0.0/0"] }]
                    : Rules(request.Properties["SecurityGroupEgress"], "CidrIp", "DestinationSecurityGroupId"),
                Tags = Tags(request.Properties["Tags"]),
            };
            state.SecurityGroups.Add(created);
            return created;
        });
        return Task.FromResult(Result(group));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var group = store.Update(state =>
        {
            var group = state.SecurityGroups.FirstOrDefault(g => g.GroupId == previous.PhysicalId)
                        ?? throw new ResourceProviderException($"The security group '{previous.PhysicalId}' does not exist");
            group.Ingress = Rules(request.Properties["SecurityGroupIngress"], "CidrIp", "SourceSecurityGroupId");
            if (request.Properties["SecurityGroupEgress"] is not null)
            {
                group.Egress = Rules(request.Properties["SecurityGroupEgress"], "CidrIp", "DestinationSecurityGroupId");
            }

            group.Tags = Tags(request.Properties["Tags"]);
            return group;
        });
        return Task.FromResult(Result(group));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        store.Update(state => state.SecurityGroups.RemoveAll(g => g.GroupId == current.PhysicalId));
        return Task.CompletedTask;
    }

    private static ProvisionedResource Result(SecurityGroupRecord group) =>
        ProvisionedResource.Of(group.GroupId, ("GroupId", group.GroupId), ("VpcId", group.VpcId));

    internal static PermissionRecord Rule(JsonObject rule, string cidrProperty, string groupProperty) => new()
    {
        IpProtocol = rule["IpProtocol"]?.ToString() ?? throw new ResourceProviderException("Property validation failure: [The property {/IpProtocol} is required]"),
        FromPort = rule["FromPort"] is { } from ? int.Parse(from.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null,
        ToPort = rule["ToPort"] is { } to ? int.Parse(to.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null,
        CidrIps = rule[cidrProperty] is { } cidr ? [cidr.ToString()] : [],
        SourceGroupIds = rule[groupProperty] is { } source ? [source.ToString()] : [],
    };

    private static List<PermissionRecord> Rules(JsonNode? rules, string cidrProperty, string groupProperty) =>
        [.. (rules as JsonArray ?? []).OfType<JsonObject>().Select(r => Rule(r, cidrProperty, groupProperty))];

    private static Dictionary<string, string> Tags(JsonNode? tags) =>
        (tags as JsonArray ?? []).OfType<JsonObject>().ToDictionary(t => t["Key"]?.ToString() ?? string.Empty, t => t["Value"]?.ToString() ?? string.Empty, StringComparer.Ordinal);
}

/// <summary>AWS::EC2::SecurityGroupIngress: one rule added to a group (Ref = a rule id). Every property change replaces it.</summary>
internal sealed class SecurityGroupIngressProvider(Ec2Store store) : IResourceProvider
{
    public string ResourceType => "AWS::EC2::SecurityGroupIngress";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "GroupId", "GroupName", "IpProtocol", "FromPort", "ToPort", "CidrIp", "SourceSecurityGroupId",
    };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Id" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var rule = SecurityGroupProvider.Rule(request.Properties, "CidrIp", "SourceSecurityGroupId");
        var id = Ec2Store.NewId("sgr");
        store.Update(state =>
        {
            var group = Find(state, request);
            group.Ingress.Add(rule);
            return 0;
        });
        return Task.FromResult(ProvisionedResource.Of(id, ("Id", id)));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken) =>
        Task.FromResult(previous);

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        var rule = SecurityGroupProvider.Rule(request.Properties, "CidrIp", "SourceSecurityGroupId");
        store.Update(state =>
        {
            var id = request.String("GroupId");
            var group = state.SecurityGroups.FirstOrDefault(g => g.GroupId == id || (id is null && g.GroupName == request.String("GroupName")));
            var existing = group?.Ingress.FirstOrDefault(p => p.IpProtocol == rule.IpProtocol && p.FromPort == rule.FromPort && p.ToPort == rule.ToPort
                                                               && p.CidrIps.SequenceEqual(rule.CidrIps) && p.SourceGroupIds.SequenceEqual(rule.SourceGroupIds));
            return existing is not null && group!.Ingress.Remove(existing);
        });
        return Task.CompletedTask;
    }

    private static SecurityGroupRecord Find(Ec2State state, ResourceRequest request)
    {
        var id = request.String("GroupId");
        var name = request.String("GroupName");
        return state.SecurityGroups.FirstOrDefault(g => (id is not null && g.GroupId == id) || (id is null && name is not null && g.GroupName == name))
               ?? throw new AwsServiceException("InvalidGroup.NotFound", $"The security group '{id ?? name}' does not exist");
    }
}
