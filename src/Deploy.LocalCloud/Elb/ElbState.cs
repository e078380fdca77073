namespace Deploy.LocalCloud.Elb;

/// <summary>elb.json: load balancers (with their loopback port), target groups, listeners. Targets live in memory (ECS re-registers them on start).</summary>
internal sealed class ElbState
{
    public List<LoadBalancerRecord> LoadBalancers { get; set; } = [];

    public List<TargetGroupRecord> TargetGroups { get; set; } = [];

    public List<ListenerRecord> Listeners { get; set; } = [];
}

internal sealed class LoadBalancerRecord
{
    public required string Arn { get; set; }

    public required string Name { get; set; }

    /// <summary>The loopback port of this load balancer's HTTP front end; DNSName is 127.0.0.1:&lt;port&gt;.</summary>
    public int Port { get; set; }

    public string Scheme { get; set; } = "internet-facing";

    public string Type { get; set; } = "application";

    public string IpAddressType { get; set; } = "ipv4";

    public required string VpcId { get; set; }

    public List<string> Subnets { get; set; } = [];

    public List<string> SecurityGroups { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public Dictionary<string, string> Tags { get; set; } = [];
}

internal sealed class TargetGroupRecord
{
    public required string Arn { get; set; }

    public required string Name { get; set; }

    public string Protocol { get; set; } = "HTTP";

    public int Port { get; set; } = 80;

    public required string VpcId { get; set; }

    public string TargetType { get; set; } = "ip";

    public string HealthCheckProtocol { get; set; } = "HTTP";

    public string HealthCheckPort { get; set; } = "traffic-port";

    public bool HealthCheckEnabled { get; set; } = true;

    public string HealthCheckPath { get; set; } = "/";

    public int HealthCheckIntervalSeconds { get; set; } = 30;

    public int HealthCheckTimeoutSeconds { get; set; } = 5;

    public int HealthyThresholdCount { get; set; } = 5;

    public int UnhealthyThresholdCount { get; set; } = 2;

    public string Matcher { get; set; } = "200";

    public int DeregistrationDelaySeconds { get; set; } = 300;

    public Dictionary<string, string> Tags { get; set; } = [];
}

internal sealed class ListenerRecord
{
    public required string Arn { get; set; }

    public required string LoadBalancerArn { get; set; }

    public int Port { get; set; }

    public string Protocol { get; set; } = "HTTP";

    /// <summary>The default action: forward to this target group.</summary>
    public required string TargetGroupArn { get; set; }
}
