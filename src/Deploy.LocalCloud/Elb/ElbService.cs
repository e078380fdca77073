using System.Globalization;
using System.Xml.Linq;
using Deploy.LocalCloud.Ec2;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Elb;

/// <summary>
/// ELBv2 (query 2015-12-01), minimal: application load balancers with HTTP listeners forwarding to one target
/// group. The load balancer's DNSName is the loopback host:port of its front end (<see cref="ElbRuntime"/>).
/// </summary>
internal sealed class ElbService(ElbStore store, ElbRuntime runtime, ElbTargets targets, Ec2Store ec2, TimeProvider clock) : IQueryApiService
{
    private static readonly XNamespace Ns = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

    private static readonly HashSet<string> Actions =
    [
        "CreateLoadBalancer", "DescribeLoadBalancers", "DeleteLoadBalancer", "CreateTargetGroup", "DescribeTargetGroups",
        "DeleteTargetGroup", "CreateListener", "DescribeListeners", "DeleteListener", "DescribeTargetHealth",
        "RegisterTargets", "DeregisterTargets",
    ];

    public string SigningName => "elasticloadbalancing";

    public XNamespace XmlNamespace => Ns;

    public bool Supports(string action) => Actions.Contains(action);

    public IEnumerable<XElement> Handle(string action, QueryParameters parameters) => action switch
    {
        "CreateLoadBalancer" => CreateLoadBalancer(parameters),
        "DescribeLoadBalancers" => DescribeLoadBalancers(parameters),
        "DeleteLoadBalancer" => DeleteLoadBalancer(parameters),
        "CreateTargetGroup" => CreateTargetGroup(parameters),
        "DescribeTargetGroups" => DescribeTargetGroups(parameters),
        "DeleteTargetGroup" => DeleteTargetGroup(parameters),
        "CreateListener" => CreateListener(parameters),
        "DescribeListeners" => DescribeListeners(parameters),
        "DeleteListener" => DeleteListener(parameters),
        "DescribeTargetHealth" => DescribeTargetHealth(parameters),
        "RegisterTargets" => RegisterTargets(parameters),
        "DeregisterTargets" => DeregisterTargets(parameters),
        _ => throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {parameters.Optional("Version")}"),
    };

    private static XElement E(string name, params object?[] content) => new(Ns + name, content);

    private static XElement Members(string name, IEnumerable<XElement> items) => E(name, items.Select(i => E("member", i.Nodes())));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int? Int(QueryParameters parameters, string name) =>
        parameters.Optional(name) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw new AwsServiceException("ValidationError", $"Invalid value for {name}")
            : null;

    private static Dictionary<string, string> Tags(QueryParameters parameters)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; parameters.Optional($"Tags.member.{i}.Key") is { } key; i++)
        {
            tags[key] = parameters.Optional($"Tags.member.{i}.Value") ?? string.Empty;
        }

        return tags;
    }

    private IEnumerable<XElement> CreateLoadBalancer(QueryParameters parameters)
    {
        var name = parameters.Required("Name");
        var type = parameters.Optional("Type") ?? "application";
        if (type != "application")
        {
            throw new AwsServiceException("ValidationError", "Only application load balancers are supported by the local cloud.");
        }

        var subnets = parameters.List("Subnets");
        var (vpcId, knownSubnets) = ec2.Read(state => (state.Vpcs.First(v => v.IsDefault).VpcId, state.Subnets.ToDictionary(s => s.SubnetId, s => s.AvailabilityZone, StringComparer.Ordinal)));
        var unknown = subnets.FirstOrDefault(s => !knownSubnets.ContainsKey(s));
        if (unknown is not null)
        {
            throw new AwsServiceException("SubnetNotFound", $"The subnet ID '{unknown}' is not valid");
        }

        var existing = store.Read(state => state.LoadBalancers.FirstOrDefault(l => l.Name == name));
        if (existing is not null)
        {
            return [Members("LoadBalancers", [LoadBalancerXml(existing)])];
        }

        var arn = store.Arn($"loadbalancer/app/{name}/{ElbStore.NewSuffix()}");
        var port = runtime.StartFrontEnd(arn, 0);
        var created = store.Update(state =>
        {
            var record = new LoadBalancerRecord
            {
                Arn = arn,
                Name = name,
                Port = port,
                Scheme = parameters.Optional("Scheme") ?? "internet-facing",
                VpcId = vpcId,
                Subnets = subnets.Count > 0 ? [.. subnets] : [.. knownSubnets.Keys.Take(2)],
                SecurityGroups = [.. parameters.List("SecurityGroups")],
                CreatedAt = clock.GetUtcNow(),
                Tags = Tags(parameters),
            };
            state.LoadBalancers.Add(record);
            return record;
        });
        return [Members("LoadBalancers", [LoadBalancerXml(created)])];
    }

    private XElement LoadBalancerXml(LoadBalancerRecord balancer)
    {
        var zones = ec2.Read(state => state.Subnets.Where(s => balancer.Subnets.Contains(s.SubnetId)).Select(s => (s.SubnetId, s.AvailabilityZone)).ToList());
        return E("x",
            E("LoadBalancerArn", balancer.Arn),
            E("DNSName", $"127.0.0.1:{balancer.Port}"),
            E("CanonicalHostedZoneId", "Z35SXDOTRQ7X7K"),
            E("CreatedTime", balancer.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            E("LoadBalancerName", balancer.Name),
            E("Scheme", balancer.Scheme),
            E("VpcId", balancer.VpcId),
            E("State", E("Code", "active")),
            E("Type", balancer.Type),
            Members("AvailabilityZones", zones.Select(z => E("x", E("ZoneName", z.AvailabilityZone), E("SubnetId", z.SubnetId)))),
            Members("SecurityGroups", balancer.SecurityGroups.Select(g => E("x", g))),
            E("IpAddressType", balancer.IpAddressType));
    }

    private IEnumerable<XElement> DescribeLoadBalancers(QueryParameters parameters)
    {
        var arns = parameters.List("LoadBalancerArns");
        var names = parameters.List("Names");
        var all = store.Read(state => state.LoadBalancers.ToList());
        var missing = arns.Where(a => all.All(l => l.Arn != a)).Concat(names.Where(n => all.All(l => l.Name != n))).ToList();
        if (missing.Count > 0)
        {
            throw new AwsServiceException("LoadBalancerNotFound", $"Load balancers '[{string.Join(", ", missing)}]' not found");
        }

        var selected = all.Where(l => (arns.Count == 0 || arns.Contains(l.Arn)) && (names.Count == 0 || names.Contains(l.Name)));
        return [Members("LoadBalancers", selected.Select(LoadBalancerXml))];
    }

    private IEnumerable<XElement> DeleteLoadBalancer(QueryParameters parameters)
    {
        var arn = parameters.Required("LoadBalancerArn");
        var removed = store.Update(state =>
        {
            state.Listeners.RemoveAll(l => l.LoadBalancerArn == arn);
            return state.LoadBalancers.RemoveAll(l => l.Arn == arn) > 0;
        });
        if (removed)
        {
            runtime.StopFrontEndAsync(arn).GetAwaiter().GetResult();
        }

        return [];
    }

    private IEnumerable<XElement> CreateTargetGroup(QueryParameters parameters)
    {
        var name = parameters.Required("Name");
        var defaultVpc = ec2.Read(state => state.Vpcs.First(v => v.IsDefault).VpcId);
        var group = store.Update(state =>
        {
            if (state.TargetGroups.FirstOrDefault(g => g.Name == name) is { } existing)
            {
                return existing;
            }

            var record = new TargetGroupRecord
            {
                Arn = store.Arn($"targetgroup/{name}/{ElbStore.NewSuffix()}"),
                Name = name,
                Protocol = parameters.Optional("Protocol") ?? "HTTP",
                Port = Int(parameters, "Port") ?? 80,
                VpcId = parameters.Optional("VpcId") ?? defaultVpc,
                TargetType = parameters.Optional("TargetType") ?? "instance",
                HealthCheckProtocol = parameters.Optional("HealthCheckProtocol") ?? "HTTP",
                HealthCheckPort = parameters.Optional("HealthCheckPort") ?? "traffic-port",
                HealthCheckEnabled = parameters.Optional("HealthCheckEnabled") != "false",
                HealthCheckPath = parameters.Optional("HealthCheckPath") ?? "/",
                HealthCheckIntervalSeconds = Int(parameters, "HealthCheckIntervalSeconds") ?? 30,
                HealthCheckTimeoutSeconds = Int(parameters, "HealthCheckTimeoutSeconds") ?? 5,
                HealthyThresholdCount = Int(parameters, "HealthyThresholdCount") ?? 5,
                UnhealthyThresholdCount = Int(parameters, "UnhealthyThresholdCount") ?? 2,
                Matcher = parameters.Optional("Matcher.HttpCode") ?? "200",
                Tags = Tags(parameters),
            };
            if (record.HealthCheckIntervalSeconds is < 5 or > 300 || record.HealthyThresholdCount is < 2 or > 10 || record.UnhealthyThresholdCount is < 2 or > 10)
            {
                throw new AwsServiceException("ValidationError", "Health check interval must be 5-300 s and thresholds 2-10.");
            }

            state.TargetGroups.Add(record);
            return record;
        });
        return [Members("TargetGroups", [TargetGroupXml(group)])];
    }

    private XElement TargetGroupXml(TargetGroupRecord group)
    {
        var balancers = store.Read(state => state.Listeners.Where(l => l.TargetGroupArn == group.Arn).Select(l => l.LoadBalancerArn).Distinct().ToList());
        return E("x",
            E("TargetGroupArn", group.Arn),
            E("TargetGroupName", group.Name),
            E("Protocol", group.Protocol),
            E("Port", Text(group.Port)),
            E("VpcId", group.VpcId),
            E("HealthCheckProtocol", group.HealthCheckProtocol),
            E("HealthCheckPort", group.HealthCheckPort),
            E("HealthCheckEnabled", group.HealthCheckEnabled ? "true" : "false"),
            E("HealthCheckIntervalSeconds", Text(group.HealthCheckIntervalSeconds)),
            E("HealthCheckTimeoutSeconds", Text(group.HealthCheckTimeoutSeconds)),
            E("HealthyThresholdCount", Text(group.HealthyThresholdCount)),
            E("UnhealthyThresholdCount", Text(group.UnhealthyThresholdCount)),
            E("HealthCheckPath", group.HealthCheckPath),
            E("Matcher", E("HttpCode", group.Matcher)),
            Members("LoadBalancerArns", balancers.Select(b => E("x", b))),
            E("TargetType", group.TargetType),
            E("ProtocolVersion", "HTTP1"),
            E("IpAddressType", "ipv4"));
    }

    private IEnumerable<XElement> DescribeTargetGroups(QueryParameters parameters)
    {
        var arns = parameters.List("TargetGroupArns");
        var names = parameters.List("Names");
        var balancer = parameters.Optional("LoadBalancerArn");
        var (all, listeners) = store.Read(state => (state.TargetGroups.ToList(), state.Listeners.ToList()));
        var missing = arns.Where(a => all.All(g => g.Arn != a)).Concat(names.Where(n => all.All(g => g.Name != n))).ToList();
        if (missing.Count > 0)
        {
            throw new AwsServiceException("TargetGroupNotFound", $"Target groups '[{string.Join(", ", missing)}]' not found");
        }

        if (balancer is not null)
        {
            store.Read(state => ElbStore.LoadBalancer(state, balancer));
        }

        var selected = all.Where(g => (arns.Count == 0 || arns.Contains(g.Arn))
                                      && (names.Count == 0 || names.Contains(g.Name))
                                      && (balancer is null || listeners.Any(l => l.LoadBalancerArn == balancer && l.TargetGroupArn == g.Arn)));
        return [Members("TargetGroups", selected.Select(TargetGroupXml))];
    }

    private IEnumerable<XElement> DeleteTargetGroup(QueryParameters parameters)
    {
        var arn = parameters.Required("TargetGroupArn");
        store.Update(state =>
        {
            if (state.Listeners.FirstOrDefault(l => l.TargetGroupArn == arn) is { } listener)
            {
                throw new AwsServiceException("ResourceInUse", $"Target group '{arn}' is currently in use by a listener or a rule");
            }

            return state.TargetGroups.RemoveAll(g => g.Arn == arn);
        });
        targets.RemoveGroup(arn);
        return [];
    }

    private IEnumerable<XElement> CreateListener(QueryParameters parameters)
    {
        var balancerArn = parameters.Required("LoadBalancerArn");
        var protocol = parameters.Optional("Protocol") ?? "HTTP";
        if (protocol != "HTTP")
        {
            throw new AwsServiceException("UnsupportedProtocol", $"Protocol '{protocol}' is not supported by the local cloud (HTTP only)");
        }

        var port = Int(parameters, "Port") ?? 80;
        var actionType = parameters.Optional("DefaultActions.member.1.Type") ?? throw AwsServiceException.Validation("DefaultActions");
        var targetGroupArn = parameters.Optional("DefaultActions.member.1.TargetGroupArn")
                             ?? parameters.Optional("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn");
        if (actionType != "forward" || targetGroupArn is null)
        {
            throw new AwsServiceException("ValidationError", "The local cloud supports only a default 'forward' action to one target group");
        }

        var listener = store.Update(state =>
        {
            var balancer = ElbStore.LoadBalancer(state, balancerArn);
            ElbStore.TargetGroup(state, targetGroupArn);
            if (state.Listeners.Any(l => l.LoadBalancerArn == balancerArn && l.Port == port))
            {
                throw new AwsServiceException("DuplicateListener", "A listener already exists on this port for this load balancer");
            }

            var record = new ListenerRecord
            {
                Arn = store.Arn($"listener/app/{balancer.Name}/{balancer.Arn[(balancer.Arn.LastIndexOf('/') + 1)..]}/{ElbStore.NewSuffix()}"),
                LoadBalancerArn = balancerArn,
                Port = port,
                Protocol = protocol,
                TargetGroupArn = targetGroupArn,
            };
            state.Listeners.Add(record);
            return record;
        });
        return [Members("Listeners", [ListenerXml(listener)])];
    }

    private static XElement ListenerXml(ListenerRecord listener) => E("x",
        E("ListenerArn", listener.Arn),
        E("LoadBalancerArn", listener.LoadBalancerArn),
        E("Port", Text(listener.Port)),
        E("Protocol", listener.Protocol),
        Members("DefaultActions", [E("x", E("Type", "forward"), E("TargetGroupArn", listener.TargetGroupArn),
            E("ForwardConfig", Members("TargetGroups", [E("x", E("TargetGroupArn", listener.TargetGroupArn), E("Weight", "1"))])))]));

    private IEnumerable<XElement> DescribeListeners(QueryParameters parameters)
    {
        var balancer = parameters.Optional("LoadBalancerArn");
        var arns = parameters.List("ListenerArns");
        var all = store.Read(state =>
        {
            if (balancer is not null)
            {
                ElbStore.LoadBalancer(state, balancer);
            }

            return state.Listeners.ToList();
        });
        var missing = arns.FirstOrDefault(a => all.All(l => l.Arn != a));
        if (missing is not null)
        {
            throw new AwsServiceException("ListenerNotFound", $"Listeners '[{missing}]' not found");
        }

        var selected = all.Where(l => (balancer is null || l.LoadBalancerArn == balancer) && (arns.Count == 0 || arns.Contains(l.Arn)));
        return [Members("Listeners", selected.Select(ListenerXml))];
    }

    private IEnumerable<XElement> DeleteListener(QueryParameters parameters)
    {
        var arn = parameters.Required("ListenerArn");
        store.Update(state => state.Listeners.RemoveAll(l => l.Arn == arn) > 0
            ? 0
            : throw new AwsServiceException("ListenerNotFound", $"Listener '{arn}' not found"));
        return [];
    }

    private IEnumerable<XElement> DescribeTargetHealth(QueryParameters parameters)
    {
        var arn = parameters.Required("TargetGroupArn");
        var group = store.Read(state => ElbStore.TargetGroup(state, arn));
        return [Members("TargetHealthDescriptions", targets.In(arn).Select(t => E("x",
            E("Target", E("Id", "127.0.0.1"), E("Port", Text(t.Port))),
            E("HealthCheckPort", group.HealthCheckPort == "traffic-port" ? Text(t.Port) : group.HealthCheckPort),
            E("TargetHealth",
                E("State", t.State),
                t.Reason is null ? null : E("Reason", t.Reason),
                t.Description is null ? null : E("Description", t.Description)))))];
    }

    private IEnumerable<XElement> RegisterTargets(QueryParameters parameters)
    {
        var arn = parameters.Required("TargetGroupArn");
        store.Read(state => ElbStore.TargetGroup(state, arn));
        foreach (var port in TargetPorts(parameters))
        {
            targets.Register(arn, port);
        }

        return [];
    }

    private IEnumerable<XElement> DeregisterTargets(QueryParameters parameters)
    {
        var arn = parameters.Required("TargetGroupArn");
        store.Read(state => ElbStore.TargetGroup(state, arn));
        foreach (var port in TargetPorts(parameters))
        {
            targets.Deregister(arn, port);
        }

        return [];
    }

    /// <summary>Targets are loopback ports: Id must be 127.0.0.1 (or localhost) and Port is required.</summary>
    private static List<int> TargetPorts(QueryParameters parameters)
    {
        var ports = new List<int>();
        for (var i = 1; parameters.Optional($"Targets.member.{i}.Id") is { } id; i++)
        {
            if (id is not ("127.0.0.1" or "localhost"))
            {
                throw new AwsServiceException("InvalidTarget", $"The local cloud reaches targets on 127.0.0.1 only, not '{id}'");
            }

            ports.Add(Int(parameters, $"Targets.member.{i}.Port") ?? throw new AwsServiceException("ValidationError", "A target port is required"));
        }

        return ports;
    }
}
