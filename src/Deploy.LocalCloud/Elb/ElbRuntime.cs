using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Deploy.LocalCloud.Elb;

/// <summary>
/// The load balancers' data plane: one loopback HTTP front end per load balancer (a small Kestrel app that
/// proxies round-robin to the forward target group of its listener), and the target health checks over HTTP.
/// </summary>
internal sealed class ElbRuntime(ElbStore store, ElbTargets targets, TimeProvider clock) : BackgroundService
{
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private readonly ConcurrentDictionary<string, WebApplication> frontEnds = new(StringComparer.Ordinal);
    private readonly HttpClient proxyClient = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    })
    { Timeout = TimeSpan.FromSeconds(60) };

    private readonly HttpClient healthClient = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.Zero });

    /// <summary>Binds a loopback port for a load balancer (the preferred one when free, else any) and starts proxying.</summary>
    public int StartFrontEnd(string loadBalancerArn, int preferredPort)
    {
        if (frontEnds.TryGetValue(loadBalancerArn, out var running))
        {
            return new Uri(running.Urls.First()).Port;
        }

        var port = preferredPort > 0 && IsFree(preferredPort) ? preferredPort : 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Run(context => ProxyAsync(context, loadBalancerArn));
        app.StartAsync().GetAwaiter().GetResult();
        var bound = new Uri(app.Urls.First()).Port;
        frontEnds[loadBalancerArn] = app;
        return bound;
    }

    public async Task StopFrontEndAsync(string loadBalancerArn)
    {
        if (frontEnds.TryRemove(loadBalancerArn, out var app))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task ProxyAsync(HttpContext context, string loadBalancerArn)
    {
        var targetGroupArn = store.Read(state => state.Listeners
            .Where(l => l.LoadBalancerArn == loadBalancerArn)
            .OrderBy(l => l.Port)
            .Select(l => l.TargetGroupArn)
            .FirstOrDefault());
        if (targetGroupArn is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("503 Service Temporarily Unavailable (no listener)\n", context.RequestAborted);
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var tried = new List<int>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var target = targets.Pick(targetGroupArn, tried);
            if (target is null)
            {
                break;
            }

            tried.Add(target.Port);
            target.Enter();
            try
            {
                using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method),
                    $"http://127.0.0.1:{target.Port}{context.Request.Path}{context.Request.QueryString}");
                if (body.Length > 0 || context.Request.ContentLength is not null)
                {
                    request.Content = new ByteArrayContent(body.ToArray());
                }

                foreach (var (name, values) in context.Request.Headers)
                {
                    if (HopByHopHeaders.Contains(name))
                    {
                        continue;
                    }

                    if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
                    {
                        request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
                    }
                }

                request.Headers.TryAddWithoutValidation("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString());
                request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
                request.Headers.Host = context.Request.Host.Value;
                using var response = await proxyClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                {
                    if (!HopByHopHeaders.Contains(name))
                    {
                        context.Response.Headers[name] = values.ToArray();
                    }
                }

                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
                return;
            }
            catch (HttpRequestException)
            {
                // Connection refused/reset (a task going away): try another target once.
            }
            finally
            {
                target.Leave();
            }
        }

        context.Response.StatusCode = tried.Count == 0 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway;
        await context.Response.WriteAsync(tried.Count == 0 ? "503 Service Temporarily Unavailable\n" : "502 Bad Gateway\n", context.RequestAborted);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var balancer in store.Read(state => state.LoadBalancers.Select(l => (l.Arn, l.Port)).ToList()))
        {
            var port = StartFrontEnd(balancer.Arn, balancer.Port);
            if (port != balancer.Port)
            {
                store.Update(state => state.LoadBalancers.First(l => l.Arn == balancer.Arn).Port = port);
            }
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var groups = store.Read(state => state.TargetGroups.ToDictionary(g => g.Arn, g => (g.HealthCheckPath, g.HealthCheckIntervalSeconds, g.HealthCheckTimeoutSeconds,
                g.HealthyThresholdCount, g.UnhealthyThresholdCount, g.Matcher, g.DeregistrationDelaySeconds, g.HealthCheckEnabled), StringComparer.Ordinal));
            targets.CompleteDraining(arn => TimeSpan.FromSeconds(groups.TryGetValue(arn, out var g) ? g.DeregistrationDelaySeconds : 0));
            var now = clock.GetUtcNow();
            foreach (var (arn, target) in targets.All())
            {
                if (!groups.TryGetValue(arn, out var group) || target.State == "draining" || target.CheckRunning || target.NextCheckAt > now)
                {
                    continue;
                }

                target.CheckRunning = true;
                target.NextCheckAt = now + TimeSpan.FromSeconds(group.HealthCheckIntervalSeconds);
                _ = CheckAsync(target, group.HealthCheckPath, TimeSpan.FromSeconds(group.HealthCheckTimeoutSeconds), group.HealthyThresholdCount,
                    group.UnhealthyThresholdCount, group.Matcher, group.HealthCheckEnabled, stoppingToken);
            }
        }
    }

    private async Task CheckAsync(Target target, string path, TimeSpan timeout, int healthyThreshold, int unhealthyThreshold, string matcher, bool enabled, CancellationToken cancellationToken)
    {
        string? failure = null;
        string? description = null;
        try
        {
            if (enabled)
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(timeout);
                using var response = await healthClient.GetAsync($"http://127.0.0.1:{target.Port}{path}", limit.Token);
                var code = (int)response.StatusCode;
                if (!Matches(matcher, code))
                {
                    failure = "Target.ResponseCodeMismatch";
                    description = $"Health checks failed with these codes: [{code}]";
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = "Target.Timeout";
            description = "Request timed out";
        }
        catch (HttpRequestException)
        {
            failure = "Target.FailedHealthChecks";
            description = "Health checks failed";
        }
        finally
        {
            target.CheckRunning = false;
        }

        if (target.State == "draining")
        {
            return;
        }

        if (failure is null)
        {
            target.ConsecutiveFailures = 0;
            target.ConsecutiveSuccesses++;
            // The first check of a new target counts toward the threshold like AWS's; a healthy target stays healthy.
            if (target.State != "healthy" && target.ConsecutiveSuccesses >= healthyThreshold)
            {
                target.State = "healthy";
                target.Reason = null;
                target.Description = null;
            }
        }
        else
        {
            target.ConsecutiveSuccesses = 0;
            target.ConsecutiveFailures++;
            if (target.ConsecutiveFailures >= unhealthyThreshold)
            {
                target.State = "unhealthy";
                target.Reason = failure;
                target.Description = description;
            }
        }
    }

    /// <summary>Matcher HttpCode: "200", "200,204" or "200-299".</summary>
    private static bool Matches(string matcher, int code) =>
        matcher.Split(',').Any(part =>
        {
            var range = part.Trim().Split('-');
            return range.Length == 2
                ? int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture) <= code && code <= int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture)
                : int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture) == code;
        });

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var arn in frontEnds.Keys.ToList())
        {
            await StopFrontEndAsync(arn);
        }
    }

    public override void Dispose()
    {
        proxyClient.Dispose();
        healthClient.Dispose();
        base.Dispose();
    }
}
