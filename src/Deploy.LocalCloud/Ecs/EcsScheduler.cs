using System.Collections.Concurrent;
using Deploy.LocalCloud.Docker;
using Deploy.LocalCloud.Ecr;
using Deploy.LocalCloud.Elb;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Logs;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

/// <summary>
/// The service scheduler and task supervisor: a background loop (about one tick a second, sooner when an API
/// call wakes it) that observes the tasks' containers, registers healthy service tasks in their target groups,
/// plans each service's rollout (<see cref="ServicePlanner"/>), and starts/stops tasks. Docker work (pulls,
/// starts, drains and stops) runs in per-task background operations so one slow pull never blocks the loop.
/// </summary>
internal sealed partial class EcsScheduler : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StoppedTaskRetention = TimeSpan.FromHours(1);

    private readonly EcsStore store;
    private readonly DockerEngine docker;
    private readonly LogsStore logs;
    private readonly EcrAuthorizationTokens tokens;
    private readonly LocalCloudAddress address;
    private readonly ElbTargets targets;
    private readonly ElbStore elb;
    private readonly IEventBus bus;
    private readonly ServiceRoleSessions roleSessions;
    private readonly LocalCloudOptions options;
    private readonly DateTimeOffset startedAt;
    private readonly string owner;
    private readonly ConcurrentDictionary<string, Task> operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> logPumps = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim wake = new(0);
    private readonly CancellationTokenSource stopping = new();
    private bool reconciled;

    public EcsScheduler(EcsStore store, DockerEngine docker, LogsStore logs, EcrAuthorizationTokens tokens, LocalCloudAddress address, ElbTargets targets, ElbStore elb, IEventBus bus, ServiceRoleSessions roleSessions, LocalCloudOptions options)
    {
        this.bus = bus;
        this.roleSessions = roleSessions;
        this.options = options;
        startedAt = store.Now;
        this.store = store;
        this.docker = docker;
        this.logs = logs;
        this.tokens = tokens;
        this.address = address;
        this.targets = targets;
        this.elb = elb;
        owner = ContainerLabels.OwnerValue(options.StateDirectory);
    }

    /// <summary>True while Docker answered the last tick (false: tasks are left as they are until it is back).</summary>
    public bool DockerAvailable { get; private set; }

    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    public void ValidateLoadBalancers(IEnumerable<LoadBalancerBinding> bindings)
    {
        foreach (var binding in bindings)
        {
            if (binding.TargetGroupArn is null || binding.ContainerName is null || binding.ContainerPort is null)
            {
                throw new AwsServiceException("InvalidParameterException", "loadBalancers need targetGroupArn, containerName and containerPort.");
            }

            if (!elb.Read(state => state.TargetGroups.Any(g => g.Arn == binding.TargetGroupArn)))
            {
                throw new AwsServiceException("InvalidParameterException", $"The target group {binding.TargetGroupArn} does not exist.");
            }
        }
    }

    /// <summary>Starts the launch of a PROVISIONING task (RunTask and the service scheduler).</summary>
    public void Launch(string taskArn)
    {
        operations.GetOrAdd(taskArn, arn => Task.Run(async () =>
        {
            try
            {
                await LaunchAsync(arn, stopping.Token);
            }
            finally
            {
                operations.TryRemove(arn, out _);
                Wake();
            }
        }));
    }

    /// <summary>Asks for a task to stop; the loop drains and stops it.</summary>
    public void RequestStop(string taskArn, string reason, string stopCode)
    {
        var now = store.Now;
        store.Update(state =>
        {
            if (state.Tasks.TryGetValue(taskArn, out var task) && task.DesiredStatus != "STOPPED")
            {
                task.DesiredStatus = "STOPPED";
                task.StoppedReason ??= reason;
                task.StopCode ??= stopCode;
                task.StoppingAt ??= now;
            }
        });
        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var link = stoppingToken.Register(stopping.Cancel);
        while (address.Port == 0 && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(50, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"local cloud ECS scheduler: {error.GetType().Name}: {error.Message}");
            }

            try
            {
                await wake.WaitAsync(Tick, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
        var pending = operations.Values.Concat(logPumps.Values).ToArray();
        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
    }

    public override void Dispose()
    {
        stopping.Dispose();
        wake.Dispose();
        base.Dispose();
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        DockerAvailable = await docker.AnswersAsync(cancellationToken);
        if (!DockerAvailable)
        {
            return;
        }

        if (!reconciled)
        {
            await ReconcileAsync(cancellationToken);
            reconciled = true;
        }

        await ObserveAsync(cancellationToken);
        RegisterHealthyTargets();
        PlanServices();
        StartStops();
        ForgetOldStoppedTasks();
    }

    /// <summary>Starts a stop operation for every task that should stop and is not busy launching or stopping.</summary>
    private void StartStops()
    {
        var toStop = store.Read(state => state.Tasks.Values
            .Where(t => t.DesiredStatus == "STOPPED" && EcsStore.IsAlive(t) && !operations.ContainsKey(t.Arn))
            .Select(t => t.Arn)
            .ToList());
        foreach (var arn in toStop)
        {
            operations.GetOrAdd(arn, key => Task.Run(async () =>
            {
                try
                {
                    await StopAsync(key, stopping.Token);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    await Console.Error.WriteLineAsync($"local cloud ECS: stopping {key} failed: {error.Message}");
                }
                finally
                {
                    operations.TryRemove(key, out _);
                    Wake();
                }
            }));
        }
    }

    /// <summary>Launches the PROVISIONING tasks the planner created.</summary>
    private void LaunchNewTasks(IEnumerable<string> arns)
    {
        foreach (var arn in arns)
        {
            Launch(arn);
        }
    }

    private void PlanServices()
    {
        var now = store.Now;
        var events = new List<BusEvent>();
        var launches = store.Update(state =>
        {
            var created = new List<string>();
            foreach (var service in state.Services.Values.Where(s => s.Status != "INACTIVE"))
            {
                created.AddRange(new ServicePlanner(store, state, service, now, TargetState).Plan());
                events.AddRange(DeploymentStateEvents.Collect(service, startedAt));
            }

            return created;
        });
        LaunchNewTasks(launches);
        foreach (var deploymentEvent in events)
        {
            bus.Publish(deploymentEvent);
        }
    }

    private string? TargetState(string targetGroupArn, int port) => targets.State(targetGroupArn, port);

    /// <summary>Service tasks that are RUNNING and container-healthy go into their target groups (event as AWS words it).</summary>
    private void RegisterHealthyTargets()
    {
        var now = store.Now;
        var pending = store.Read(state => state.Tasks.Values.Any(t => t.ServiceArn is not null && t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING"
            && state.Services.TryGetValue(t.ServiceArn, out var s) && s.LoadBalancers.Any(lb => lb.TargetGroupArn is not null && !t.RegisteredTargetGroups.Contains(lb.TargetGroupArn))));
        if (!pending)
        {
            return;
        }

        store.Update(state =>
        {
            foreach (var task in state.Tasks.Values.Where(t => t.ServiceArn is not null && t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING"))
            {
                if (!state.Services.TryGetValue(task.ServiceArn!, out var service) || service.LoadBalancers.Count == 0)
                {
                    continue;
                }

                if (task.Containers.Any(c => c.HasHealthCheck) && task.HealthStatus != "HEALTHY")
                {
                    continue;
                }

                foreach (var binding in service.LoadBalancers)
                {
                    var port = task.Containers.FirstOrDefault(c => c.Name == binding.ContainerName)?.HostPort;
                    if (port is null || binding.TargetGroupArn is null || task.RegisteredTargetGroups.Contains(binding.TargetGroupArn))
                    {
                        continue;
                    }

                    targets.Register(binding.TargetGroupArn, port.Value);
                    task.RegisteredTargetGroups.Add(binding.TargetGroupArn);
                    EcsStore.AddEvent(service, now, $"registered 1 targets in (target-group {binding.TargetGroupArn})");
                }
            }
        });
    }

    private void ForgetOldStoppedTasks()
    {
        var cutoff = store.Now - StoppedTaskRetention;
        if (store.Read(state => state.Tasks.Values.Any(t => t.StoppedAt < cutoff)))
        {
            store.Update(state =>
            {
                foreach (var arn in state.Tasks.Values.Where(t => t.StoppedAt < cutoff).Select(t => t.Arn).ToList())
                {
                    state.Tasks.Remove(arn);
                    state.Tags.Remove(arn);
                }
            });
        }
    }
}
