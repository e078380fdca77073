using System.Net;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests.Elb;

/// <summary>ELBv2, minimal: load balancers on loopback ports, target groups with HTTP health checks, a forwarding listener.</summary>
public sealed class ElbTests
{
    [Fact]
    public async Task A_load_balancer_forwards_round_robin_to_healthy_targets_and_stops_sending_to_deregistered_ones()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var first = await TinyServer.StartAsync("first");
        await using var second = await TinyServer.StartAsync("second");
        var cli = cloud.Cli;
        var balancer = (await cli.JsonAsync("elbv2", "create-load-balancer", "--name", "rr"))["LoadBalancers"]![0]!;
        var dns = balancer["DNSName"]!.GetValue<string>();
        var group = (await cli.JsonAsync("elbv2", "create-target-group", "--name", "rr", "--protocol", "HTTP", "--port", "80", "--target-type", "ip",
            "--health-check-path", "/health", "--health-check-interval-seconds", "5", "--healthy-threshold-count", "2"))["TargetGroups"]![0]!;
        var groupArn = group["TargetGroupArn"]!.GetValue<string>();
        await cli.JsonAsync("elbv2", "create-listener", "--load-balancer-arn", balancer["LoadBalancerArn"]!.GetValue<string>(), "--protocol", "HTTP", "--port", "80",
            "--default-actions", $"Type=forward,TargetGroupArn={groupArn}");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var empty = await client.GetAsync(new Uri($"http://{dns}/"));
        await cli.JsonAsync("elbv2", "register-targets", "--target-group-arn", groupArn, "--targets", $"Id=127.0.0.1,Port={first.Port}", $"Id=127.0.0.1,Port={second.Port}");
        var healthy = await EcsTestKit.WaitForAsync(() => cli.JsonAsync("elbv2", "describe-target-health", "--target-group-arn", groupArn),
            h => h["TargetHealthDescriptions"]!.AsArray().Count(t => t!["TargetHealth"]!["State"]!.GetValue<string>() == "healthy") == 2,
            TimeSpan.FromSeconds(20), "both targets to be healthy");
        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await client.GetStringAsync(new Uri($"http://{dns}/")));
        }

        await cli.JsonAsync("elbv2", "deregister-targets", "--target-group-arn", groupArn, "--targets", $"Id=127.0.0.1,Port={first.Port}");
        var afterDeregister = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            afterDeregister.Add(await client.GetStringAsync(new Uri($"http://{dns}/")));
        }

        var described = await cli.JsonAsync("elbv2", "describe-load-balancers", "--names", "rr");
        var listeners = await cli.JsonAsync("elbv2", "describe-listeners", "--load-balancer-arn", balancer["LoadBalancerArn"]!.GetValue<string>());
        var groups = await cli.JsonAsync("elbv2", "describe-target-groups", "--load-balancer-arn", balancer["LoadBalancerArn"]!.GetValue<string>());
        var inUse = await cli.ErrorCodeAsync("elbv2", "delete-target-group", "--target-group-arn", groupArn);
        await cli.JsonAsync("elbv2", "delete-listener", "--listener-arn", listeners["Listeners"]![0]!["ListenerArn"]!.GetValue<string>());
        await cli.JsonAsync("elbv2", "delete-target-group", "--target-group-arn", groupArn);
        await cli.JsonAsync("elbv2", "delete-load-balancer", "--load-balancer-arn", balancer["LoadBalancerArn"]!.GetValue<string>());
        var gone = await cli.JsonAsync("elbv2", "describe-load-balancers");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, empty.StatusCode);
        Assert.Matches(@"^127\.0\.0\.1:\d+$", dns);
        Assert.Equal(2, healthy["TargetHealthDescriptions"]!.AsArray().Count);
        Assert.Equal(3, answers.Count(a => a == "first"));
        Assert.Equal(3, answers.Count(a => a == "second"));
        Assert.All(afterDeregister, a => Assert.Equal("second", a));
        Assert.Equal(dns, described["LoadBalancers"]![0]!["DNSName"]!.GetValue<string>());
        Assert.Equal(groupArn, groups["TargetGroups"]![0]!["TargetGroupArn"]!.GetValue<string>());
        Assert.Equal("/health", groups["TargetGroups"]![0]!["HealthCheckPath"]!.GetValue<string>());
        Assert.Equal("ResourceInUse", inUse);
        Assert.Empty(gone["LoadBalancers"]!.AsArray());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Elb_mistakes_get_the_same_error_codes_as_moto()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var moto = await MotoServer.StartAsync();
        var fakeBalancer = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/none/0123456789abcdef";
        var fakeGroup = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/none/0123456789abcdef";
        string[][] mistakes =
        [
            ["elbv2", "describe-load-balancers", "--names", "missing"],
            ["elbv2", "describe-target-groups", "--names", "missing"],
            ["elbv2", "describe-target-health", "--target-group-arn", fakeGroup],
            ["elbv2", "create-listener", "--load-balancer-arn", fakeBalancer, "--protocol", "HTTP", "--port", "80", "--default-actions", $"Type=forward,TargetGroupArn={fakeGroup}"],
            ["elbv2", "describe-listeners", "--load-balancer-arn", fakeBalancer],
        ];
        foreach (var mistake in mistakes)
        {
            var expected = await moto.Cli.ErrorCodeAsync(mistake);
            var actual = await cloud.Cli.ErrorCodeAsync(mistake);
            Assert.True(expected == actual, $"{string.Join(' ', mistake)}: moto {expected}, local cloud {actual}");
        }

        cloud.AssertResponsesMatchBotocore();
    }
}

/// <summary>A loopback HTTP server answering its name on / and 200 on /health: a load balancer target without Docker.</summary>
internal sealed class TinyServer : IAsyncDisposable
{
    private readonly HttpListener listener;
    private readonly Task loop;

    private TinyServer(HttpListener listener, int port, string name)
    {
        this.listener = listener;
        Port = port;
        loop = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    break;
                }

                var body = System.Text.Encoding.UTF8.GetBytes(context.Request.Url?.AbsolutePath == "/health" ? "ok" : name);
                context.Response.StatusCode = 200;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
    }

    public int Port { get; }

    public static Task<TinyServer> StartAsync(string name)
    {
        var port = FreePort.Next();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        return Task.FromResult(new TinyServer(listener, port, name));
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}
