using System.Text.Json.Nodes;
using Deploy.LocalCloud.Ec2;
using Deploy.LocalCloud.Elb;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.S3;

namespace Deploy.LocalCloud.CloudFormation.Drift;

// Drift readers for the types whose local service is not a JSON API (IAM and ELBv2 are query APIs, EC2 has its own
// endpoint, S3 is REST): they read the service's store, the same state its API answers from.

internal sealed class IamRoleDriftReader(IamStore store) : IResourceDriftReader
{
    public string ResourceType => "AWS::IAM::Role";

    public JsonObject? ReadActual(string physicalId, JsonObject expected) => store.Read(state => state.Roles.GetValueOrDefault(physicalId) is { } role
        ? new JsonObject
        {
            ["RoleName"] = role.RoleName,
            ["Path"] = role.Path,
            ["Description"] = role.Description,
            ["MaxSessionDuration"] = role.MaxSessionDuration,
        }
        : null);
}

internal sealed class S3BucketDriftReader(S3Store store) : IResourceDriftReader
{
    public string ResourceType => "AWS::S3::Bucket";

    public JsonObject? ReadActual(string physicalId, JsonObject expected) => store.Read(state => state.Buckets.GetValueOrDefault(physicalId) is { } bucket
        ? new JsonObject
        {
            ["BucketName"] = bucket.Name,
            ["VersioningConfiguration"] = bucket.Versioning is null ? null : new JsonObject { ["Status"] = bucket.Versioning },
        }
        : null);
}

internal sealed class SecurityGroupDriftReader(Ec2Store store) : IResourceDriftReader
{
    public string ResourceType => "AWS::EC2::SecurityGroup";

    public JsonObject? ReadActual(string physicalId, JsonObject expected) => store.Read(state => state.SecurityGroups.FirstOrDefault(g => g.GroupId == physicalId) is { } group
        ? new JsonObject { ["GroupDescription"] = group.Description, ["VpcId"] = group.VpcId }
        : null);
}

internal sealed class LoadBalancerDriftReader(ElbStore store) : IResourceDriftReader
{
    public string ResourceType => "AWS::ElasticLoadBalancingV2::LoadBalancer";

    public JsonObject? ReadActual(string physicalId, JsonObject expected) => store.Read(state => state.LoadBalancers.FirstOrDefault(l => l.Arn == physicalId) is { } balancer
        ? new JsonObject { ["Scheme"] = balancer.Scheme, ["Type"] = balancer.Type, ["IpAddressType"] = balancer.IpAddressType }
        : null);
}

internal sealed class TargetGroupDriftReader(ElbStore store) : IResourceDriftReader
{
    public string ResourceType => "AWS::ElasticLoadBalancingV2::TargetGroup";

    public JsonObject? ReadActual(string physicalId, JsonObject expected) => store.Read(state => state.TargetGroups.FirstOrDefault(g => g.Arn == physicalId) is { } group
        ? new JsonObject
        {
            ["Port"] = group.Port,
            ["Protocol"] = group.Protocol,
            ["TargetType"] = group.TargetType,
            ["HealthCheckPath"] = group.HealthCheckPath,
        }
        : null);
}

internal sealed class ListenerDriftReader(ElbStore store) : IResourceDriftReader
{
    public string ResourceType => "AWS::ElasticLoadBalancingV2::Listener";

    public JsonObject? ReadActual(string physicalId, JsonObject expected) => store.Read(state => state.Listeners.FirstOrDefault(l => l.Arn == physicalId) is { } listener
        ? new JsonObject { ["Port"] = listener.Port, ["Protocol"] = listener.Protocol }
        : null);
}
