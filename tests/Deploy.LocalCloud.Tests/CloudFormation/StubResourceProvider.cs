using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>
/// A test-only provider keeping resources in memory: stands in for the ECS/EC2/ELBv2 types (owned by another part of
/// the local cloud) and can be told to reject a property value, to drive failures and rollbacks.
/// </summary>
internal sealed class StubResourceProvider(string type, string[] replacement, Func<string, ResourceRequest, (string Name, JsonNode? Value)[]> attributes, Func<ResourceRequest, string> physicalId) : IResourceProvider
{
    public ConcurrentDictionary<string, JsonObject> Live { get; } = new(StringComparer.Ordinal);

    /// <summary>Property name and value that make create/update fail, as a real provider rejecting a value would.</summary>
    public (string Property, string Value)? Reject { get; set; }

    public string ResourceType => type;

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(replacement, StringComparer.Ordinal);

    public IReadOnlySet<string> AttributeNames => attributes("probe", Probe).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);

    private ResourceRequest Probe => new("probe", type, [], "stack", "arn:stack", "us-east-1", "000000000000");

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        Check(request);
        var id = physicalId(request);
        Live[id] = request.Properties;
        return Task.FromResult(new ProvisionedResource(id, attributes(id, request).ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal)));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        Check(request);
        Live[previous.PhysicalId] = request.Properties;
        return Task.FromResult(new ProvisionedResource(previous.PhysicalId, attributes(previous.PhysicalId, request).ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal)));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        Live.TryRemove(current.PhysicalId, out _);
        return Task.CompletedTask;
    }

    private void Check(ResourceRequest request)
    {
        if (Reject is var (property, value) && request.String(property) == value)
        {
            throw new ResourceProviderException($"Invalid request provided: {property} '{value}' is not supported (stub provider)");
        }
    }

    /// <summary>The <paramref name="fromEnd"/>-th '/'-separated part of an ARN counted from the end (1 = last), or empty.</summary>
    private static string Part(string arn, int fromEnd)
    {
        var parts = arn.Split('/');
        return parts.Length >= fromEnd ? parts[^fromEnd] : string.Empty;
    }

    /// <summary>Stubs for the platform template's types that the ECS/EC2/ELBv2 part of the local cloud provides.</summary>
    public static Dictionary<string, StubResourceProvider> RegisterPlatformStubs(TestCloud cloud)
    {
        const string Elb = "arn:aws:elasticloadbalancing:us-east-1:000000000000:";
        var stubs = new[]
        {
            new StubResourceProvider("AWS::ECS::Cluster", ["ClusterName"],
                (id, _) => [("Arn", $"arn:aws:ecs:us-east-1:000000000000:cluster/{id}")],
                r => r.String("ClusterName") ?? r.PhysicalName()),
            new StubResourceProvider("AWS::EC2::SecurityGroup", ["GroupName", "VpcId", "GroupDescription"],
                (id, r) => [("GroupId", id), ("VpcId", r.String("VpcId"))],
                _ => "sg-" + Guid.NewGuid().ToString("N")[..17]),
            new StubResourceProvider("AWS::ElasticLoadBalancingV2::LoadBalancer", ["Name", "Scheme", "Type"],
                (id, r) => [("DNSName", "127.0.0.1:18080"), ("LoadBalancerName", Part(id, 2)), ("LoadBalancerFullName", $"app/{Part(id, 2)}/{Part(id, 1)}"),
                    ("CanonicalHostedZoneID", "Z35SXDOTRQ7X7K"), ("LoadBalancerArn", id), ("SecurityGroups", r.Properties["SecurityGroups"]?.DeepClone())],
                r => $"{Elb}loadbalancer/app/{r.String("Name") ?? r.PhysicalName(32)}/{Guid.NewGuid():N}"[..^16]),
            new StubResourceProvider("AWS::ElasticLoadBalancingV2::TargetGroup", ["Name", "Port", "Protocol", "VpcId", "TargetType"],
                (id, _) => [("TargetGroupArn", id), ("TargetGroupName", Part(id, 2)), ("TargetGroupFullName", $"targetgroup/{Part(id, 2)}/{Part(id, 1)}"), ("LoadBalancerArns", new JsonArray())],
                r => $"{Elb}targetgroup/{r.String("Name") ?? r.PhysicalName(32)}/{Guid.NewGuid():N}"[..^16]),
            new StubResourceProvider("AWS::ElasticLoadBalancingV2::Listener", ["LoadBalancerArn"],
                (id, _) => [("ListenerArn", id)],
                r => $"{Elb}listener/app/{Guid.NewGuid():N}"),
        };
        var registry = cloud.Instance.Services.GetRequiredService<ResourceProviderRegistry>();
        foreach (var stub in stubs)
        {
            registry.Register(stub);
        }

        return stubs.ToDictionary(s => s.ResourceType, StringComparer.Ordinal);
    }
}
