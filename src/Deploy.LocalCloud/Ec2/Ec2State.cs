namespace Deploy.LocalCloud.Ec2;

/// <summary>ec2.json: the default VPC, its subnets and the security groups (stored, never enforced).</summary>
internal sealed class Ec2State
{
    public List<VpcRecord> Vpcs { get; set; } = [];

    public List<SubnetRecord> Subnets { get; set; } = [];

    public List<SecurityGroupRecord> SecurityGroups { get; set; } = [];
}

internal sealed class VpcRecord
{
    public required string VpcId { get; set; }

    public required string CidrBlock { get; set; }

    public bool IsDefault { get; set; }

    public Dictionary<string, string> Tags { get; set; } = [];
}

internal sealed class SubnetRecord
{
    public required string SubnetId { get; set; }

    public required string VpcId { get; set; }

    public required string CidrBlock { get; set; }

    public required string AvailabilityZone { get; set; }

    public bool DefaultForAz { get; set; }
}

internal sealed class SecurityGroupRecord
{
    public required string GroupId { get; set; }

    public required string GroupName { get; set; }

    public required string Description { get; set; }

    public required string VpcId { get; set; }

    public List<PermissionRecord> Ingress { get; set; } = [];

    public List<PermissionRecord> Egress { get; set; } = [];

    public Dictionary<string, string> Tags { get; set; } = [];
}

/// <summary>One IpPermission: protocol, port range, and the sources (CIDRs and other groups).</summary>
internal sealed class PermissionRecord
{
    public required string IpProtocol { get; set; }

    public int? FromPort { get; set; }

    public int? ToPort { get; set; }

    public List<string> CidrIps { get; set; } = [];

    public List<string> SourceGroupIds { get; set; } = [];
}
