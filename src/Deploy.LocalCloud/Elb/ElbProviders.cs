using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Elb;

/// <summary>Runs ELBv2 actions in process with query-style parameters, so CloudFormation gets the API's validation and errors.</summary>
internal static class ElbCalls
{
    public static XElement Call(ElbService service, string action, Dictionary<string, string> parameters)
    {
        parameters["Action"] = action;
        return new XElement("Result", service.Handle(action, new QueryParameters(parameters)));
    }

    public static string Value(XElement result, string name) =>
        result.Descendants().First(e => e.Name.LocalName == name).Value;

    public static void AddList(Dictionary<string, string> parameters, string name, JsonNode? values)
    {
        var index = 1;
        foreach (var value in values as JsonArray ?? [])
        {
            parameters[FormattableString.Invariant($"{name}.member.{index++}")] = value?.ToString() ?? string.Empty;
        }
    }

    public static void AddTags(Dictionary<string, string> parameters, JsonNode? tags)
    {
        var index = 1;
        foreach (var tag in (tags as JsonArray ?? []).OfType<JsonObject>())
        {
            parameters[FormattableString.Invariant($"Tags.member.{index}.Key")] = tag["Key"]?.ToString() ?? string.Empty;
            parameters[FormattableString.Invariant($"Tags.member.{index++}.Value")] = tag["Value"]?.ToString() ?? string.Empty;
        }
    }

    /// <summary>Deletes that find nothing succeed (CloudFormation retries deletes during rollbacks).</summary>
    public static void Delete(ElbService service, string action, Dictionary<string, string> parameters)
    {
        try
        {
            Call(service, action, parameters);
        }
        catch (AwsServiceException failure) when (failure.Code.EndsWith("NotFound", StringComparison.Ordinal))
        {
            // already gone
        }
    }
}

/// <summary>AWS::ElasticLoadBalancingV2::LoadBalancer (application, HTTP on a loopback port). Ref = ARN.</summary>
internal sealed class LoadBalancerProvider(IServiceProvider services, ElbStore store) : IResourceProvider
{
    public string ResourceType => "AWS::ElasticLoadBalancingV2::LoadBalancer";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "Name", "Scheme", "Type" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "DNSName", "LoadBalancerArn", "LoadBalancerFullName", "LoadBalancerName", "CanonicalHostedZoneID", "SecurityGroups",
    };

    private ElbService Elb => services.GetServices<IQueryApiService>().OfType<ElbService>().Single();

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["Name"] = request.String("Name") ?? request.PhysicalName(32) };
        if (request.String("Scheme") is { } scheme)
        {
            parameters["Scheme"] = scheme;
        }

        if (request.String("Type") is { } type)
        {
            parameters["Type"] = type;
        }

        ElbCalls.AddList(parameters, "Subnets", request.Properties["Subnets"]);
        ElbCalls.AddList(parameters, "SecurityGroups", request.Properties["SecurityGroups"]);
        ElbCalls.AddTags(parameters, request.Properties["Tags"]);
        var result = ElbCalls.Call(Elb, "CreateLoadBalancer", parameters);
        return Task.FromResult(Result(ElbCalls.Value(result, "LoadBalancerArn")));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        store.Update(state =>
        {
            var balancer = ElbStore.LoadBalancer(state, previous.PhysicalId);
            if (request.Properties["SecurityGroups"] is JsonArray groups)
            {
                balancer.SecurityGroups = [.. groups.Select(g => g?.ToString() ?? string.Empty)];
            }

            if (request.Properties["Subnets"] is JsonArray subnets)
            {
                balancer.Subnets = [.. subnets.Select(s => s?.ToString() ?? string.Empty)];
            }

            return 0;
        });
        return Task.FromResult(Result(previous.PhysicalId));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        ElbCalls.Delete(Elb, "DeleteLoadBalancer", new Dictionary<string, string>(StringComparer.Ordinal) { ["LoadBalancerArn"] = current.PhysicalId });
        return Task.CompletedTask;
    }

    private ProvisionedResource Result(string arn)
    {
        var balancer = store.Read(state => ElbStore.LoadBalancer(state, arn));
        var fullName = arn[(arn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];
        return ProvisionedResource.Of(arn,
            ("DNSName", $"127.0.0.1:{balancer.Port.ToString(CultureInfo.InvariantCulture)}"),
            ("LoadBalancerArn", arn),
            ("LoadBalancerFullName", fullName),
            ("LoadBalancerName", balancer.Name),
            ("CanonicalHostedZoneID", "Z35SXDOTRQ7X7K"),
            ("SecurityGroups", new JsonArray([.. balancer.SecurityGroups.Select(g => (JsonNode)JsonValue.Create(g))])));
    }
}

/// <summary>AWS::ElasticLoadBalancingV2::TargetGroup; health check settings and the deregistration delay update in place. Ref = ARN.</summary>
internal sealed class TargetGroupProvider(IServiceProvider services, ElbStore store) : IResourceProvider
{
    public string ResourceType => "AWS::ElasticLoadBalancingV2::TargetGroup";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "Name", "Port", "Protocol", "VpcId", "TargetType" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "TargetGroupArn", "TargetGroupFullName", "TargetGroupName", "LoadBalancerArns",
    };

    private ElbService Elb => services.GetServices<IQueryApiService>().OfType<ElbService>().Single();

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["Name"] = request.String("Name") ?? request.PhysicalName(32) };
        foreach (var name in new[] { "Protocol", "Port", "VpcId", "TargetType" })
        {
            if (request.String(name) is { } value)
            {
                parameters[name] = value;
            }
        }

        ElbCalls.AddTags(parameters, request.Properties["Tags"]);
        var arn = ElbCalls.Value(ElbCalls.Call(Elb, "CreateTargetGroup", parameters), "TargetGroupArn");
        ApplyHealthCheck(arn, request);
        return Task.FromResult(Result(arn));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        ApplyHealthCheck(previous.PhysicalId, request);
        return Task.FromResult(Result(previous.PhysicalId));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        ElbCalls.Delete(Elb, "DeleteTargetGroup", new Dictionary<string, string>(StringComparer.Ordinal) { ["TargetGroupArn"] = current.PhysicalId });
        return Task.CompletedTask;
    }

    private void ApplyHealthCheck(string arn, ResourceRequest request) => store.Update(state =>
    {
        var group = ElbStore.TargetGroup(state, arn);
        group.HealthCheckPath = request.String("HealthCheckPath") ?? "/";
        group.HealthCheckProtocol = request.String("HealthCheckProtocol") ?? "HTTP";
        group.HealthCheckPort = request.String("HealthCheckPort") ?? "traffic-port";
        group.HealthCheckEnabled = request.Boolean("HealthCheckEnabled") ?? true;
        group.HealthCheckIntervalSeconds = request.Integer("HealthCheckIntervalSeconds") ?? 30;
        group.HealthCheckTimeoutSeconds = request.Integer("HealthCheckTimeoutSeconds") ?? 5;
        group.HealthyThresholdCount = request.Integer("HealthyThresholdCount") ?? 5;
        group.UnhealthyThresholdCount = request.Integer("UnhealthyThresholdCount") ?? 2;
        group.Matcher = request.Properties["Matcher"]?["HttpCode"]?.ToString() ?? "200";
        var delay = (request.Properties["TargetGroupAttributes"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(a => a["Key"]?.ToString() == "deregistration_delay.timeout_seconds")?["Value"]?.ToString();
        group.DeregistrationDelaySeconds = delay is null ? 300 : int.Parse(delay, CultureInfo.InvariantCulture);
        return 0;
    });

    private ProvisionedResource Result(string arn)
    {
        var (group, balancers) = store.Read(state => (ElbStore.TargetGroup(state, arn),
            state.Listeners.Where(l => l.TargetGroupArn == arn).Select(l => l.LoadBalancerArn).Distinct().ToList()));
        return ProvisionedResource.Of(arn,
            ("TargetGroupArn", arn),
            ("TargetGroupFullName", arn[(arn.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..]),
            ("TargetGroupName", group.Name),
            ("LoadBalancerArns", new JsonArray([.. balancers.Select(b => (JsonNode)JsonValue.Create(b))])));
    }
}

/// <summary>AWS::ElasticLoadBalancingV2::Listener: HTTP, default action forward to one target group. Ref = ARN.</summary>
internal sealed class ListenerProvider(IServiceProvider services, ElbStore store) : IResourceProvider
{
    public string ResourceType => "AWS::ElasticLoadBalancingV2::Listener";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "LoadBalancerArn" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "ListenerArn" };

    private ElbService Elb => services.GetServices<IQueryApiService>().OfType<ElbService>().Single();

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LoadBalancerArn"] = request.RequiredString("LoadBalancerArn"),
            ["Protocol"] = request.String("Protocol") ?? "HTTP",
            ["Port"] = request.String("Port") ?? "80",
            ["DefaultActions.member.1.Type"] = "forward",
        };
        if (TargetGroup(request) is { } targetGroup)
        {
            parameters["DefaultActions.member.1.TargetGroupArn"] = targetGroup;
        }

        parameters["DefaultActions.member.1.Type"] = (request.Properties["DefaultActions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()?["Type"]?.ToString() ?? "forward";
        var arn = ElbCalls.Value(ElbCalls.Call(Elb, "CreateListener", parameters), "ListenerArn");
        return Task.FromResult(ProvisionedResource.Of(arn, ("ListenerArn", arn)));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var targetGroup = TargetGroup(request) ?? throw new ResourceProviderException("The local cloud supports only a default 'forward' action to one target group");
        store.Update(state =>
        {
            ElbStore.TargetGroup(state, targetGroup);
            var listener = state.Listeners.FirstOrDefault(l => l.Arn == previous.PhysicalId)
                           ?? throw new ResourceProviderException($"Listener '{previous.PhysicalId}' not found");
            listener.TargetGroupArn = targetGroup;
            listener.Port = request.Integer("Port") ?? listener.Port;
            return 0;
        });
        return Task.FromResult(previous);
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        ElbCalls.Delete(Elb, "DeleteListener", new Dictionary<string, string>(StringComparer.Ordinal) { ["ListenerArn"] = current.PhysicalId });
        return Task.CompletedTask;
    }

    private static string? TargetGroup(ResourceRequest request)
    {
        var action = (request.Properties["DefaultActions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        return action?["TargetGroupArn"]?.ToString()
               ?? (action?["ForwardConfig"]?["TargetGroups"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()?["TargetGroupArn"]?.ToString();
    }
}
