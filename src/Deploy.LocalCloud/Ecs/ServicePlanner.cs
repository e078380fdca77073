namespace Deploy.LocalCloud.Ecs;

/// <summary>
/// One scheduler decision for one service, made inside the state lock: count failures, trip the circuit
/// breaker (and roll back), start primary tasks up to maximumPercent, stop old tasks while at least
/// minimumHealthyPercent stay healthy, retire drained deployments, and mark COMPLETED / steady state.
/// Returns the ARNs of the tasks it created (the caller launches them).
/// </summary>
internal sealed class ServicePlanner(EcsStore store, EcsState state, ServiceRecord service, DateTimeOffset now, Func<string, int, string?> targetState)
{
    private const string CircuitBreakerReason = "ECS deployment circuit breaker: tasks failed to start.";

    private readonly List<string> started = [];
    private readonly List<string> stopped = [];

    /// <summary>AWS: threshold = 0.5 × desired count, at least 3 and at most 200.</summary>
    public static int FailureThreshold(int desiredCount) => Math.Clamp((int)Math.Ceiling(desiredCount * 0.5), 3, 200);

    public List<string> Plan()
    {
        var primary = service.Deployments.FirstOrDefault(d => d.Status == "PRIMARY");
        if (primary is null)
        {
            return [];
        }

        CountFailures();
        primary = TripCircuitBreaker(primary);
        StopTasksFailingLoadBalancerHealthChecks();
        var alive = Alive();
        if (service.Status == "DRAINING")
        {
            foreach (var task in alive)
            {
                Stop(task, "Service is being deleted", "ServiceSchedulerInitiated");
            }

            if (!state.Tasks.Values.Any(t => t.ServiceArn == service.Arn && EcsStore.IsAlive(t)))
            {
                service.Status = "INACTIVE";
                service.Deployments.Clear();
            }

            return [];
        }

        var desired = service.DesiredCount;
        var maxTotal = Math.Max(desired, desired * service.MaximumPercent / 100);
        var minHealthy = (int)Math.Ceiling(desired * service.MinimumHealthyPercent / 100.0);
        var primaryAlive = alive.Where(t => t.DeploymentId == primary.Id).ToList();

        // Start: up to the desired count for the primary, within maximumPercent of all running tasks.
        if (primary.RolloutState != "FAILED")
        {
            var room = maxTotal - alive.Count;
            var toStart = Math.Min(desired - primaryAlive.Count, room);
            for (var i = 0; i < toStart; i++)
            {
                var task = TaskFactory.Create(store, EcsStore.Cluster(state, service.ClusterArn), EcsStore.TaskDefinition(state, primary.TaskDefinitionArn),
                    $"service:{service.Name}", primary.Id, service.Arn, primary.Id, service.LaunchType, null);
                state.Tasks[task.Arn] = task;
                started.Add(task.Arn);
                alive.Add(task);
            }
        }

        // Stop: old deployments' tasks — unhealthy ones at once, healthy ones only while minimumHealthyPercent holds.
        var budget = alive.Count(IsHealthy) - minHealthy;
        foreach (var task in alive.Where(t => t.DeploymentId != primary.Id).OrderBy(IsHealthy).ThenBy(t => t.CreatedAt))
        {
            if (!IsHealthy(task))
            {
                Stop(task, $"Scaling activity initiated by (deployment {primary.Id})", "ServiceSchedulerInitiated");
            }
            else if (budget > 0)
            {
                budget--;
                Stop(task, $"Scaling activity initiated by (deployment {primary.Id})", "ServiceSchedulerInitiated");
            }
        }

        // Scale in: more primary tasks than desired.
        foreach (var task in primaryAlive.OrderBy(IsHealthy).ThenByDescending(t => t.CreatedAt).Skip(0).Take(Math.Max(0, primaryAlive.Count - desired)))
        {
            Stop(task, $"Scaling activity initiated by (deployment {primary.Id})", "ServiceSchedulerInitiated");
        }

        RetireDrainedDeployments(primary);
        Complete(primary);
        Report();
        return started;
    }

    private List<TaskRecord> Alive() =>
        [.. state.Tasks.Values.Where(t => t.ServiceArn == service.Arn && EcsStore.IsAlive(t) && t.DesiredStatus == "RUNNING")];

    /// <summary>RUNNING, container health HEALTHY when a health check is defined, and healthy in every target group.</summary>
    private bool IsHealthy(TaskRecord task)
    {
        if (task.LastStatus != "RUNNING" || task.DesiredStatus != "RUNNING")
        {
            return false;
        }

        if (task.Containers.Any(c => c.HasHealthCheck) && task.HealthStatus != "HEALTHY")
        {
            return false;
        }

        foreach (var binding in service.LoadBalancers)
        {
            var port = task.Containers.FirstOrDefault(c => c.Name == binding.ContainerName)?.HostPort;
            if (port is null || binding.TargetGroupArn is null || targetState(binding.TargetGroupArn, port.Value) != "healthy")
            {
                return false;
            }
        }

        task.HealthyAt ??= now;
        return true;
    }

    private void Stop(TaskRecord task, string reason, string code)
    {
        if (task.DesiredStatus == "STOPPED")
        {
            return;
        }

        task.DesiredStatus = "STOPPED";
        task.StoppedReason ??= reason;
        task.StopCode ??= code;
        task.StoppingAt ??= now;
        if (task.LastStatus == "RUNNING")
        {
            stopped.Add(task.Arn);
        }
    }

    private void CountFailures()
    {
        foreach (var task in state.Tasks.Values.Where(t => t.ServiceArn == service.Arn && !t.CountedAsFailure && t.DesiredStatus == "STOPPED" && IsFailure(t)))
        {
            task.CountedAsFailure = true;
            var deployment = service.Deployments.FirstOrDefault(d => d.Id == task.DeploymentId);
            if (deployment is { RolloutState: "IN_PROGRESS" })
            {
                deployment.FailedTasks++;
                deployment.UpdatedAt = now;
            }

            if (task.StoppedReason == "Task failed container health checks")
            {
                EcsStore.AddEvent(service, now, $"(task {EcsStore.TaskId(task.Arn)}) failed container health checks.");
            }
        }
    }

    /// <summary>A registered task its target group finds unhealthy, past the service's health check grace period, is replaced.</summary>
    private void StopTasksFailingLoadBalancerHealthChecks()
    {
        var grace = TimeSpan.FromSeconds(service.HealthCheckGracePeriodSeconds ?? 0);
        foreach (var task in Alive().Where(t => t.LastStatus == "RUNNING" && t.StartedAt + grace < now))
        {
            foreach (var binding in service.LoadBalancers.Where(b => b.TargetGroupArn is not null && task.RegisteredTargetGroups.Contains(b.TargetGroupArn)))
            {
                var port = task.Containers.FirstOrDefault(c => c.Name == binding.ContainerName)?.HostPort;
                if (port is not null && targetState(binding.TargetGroupArn!, port.Value) == "unhealthy")
                {
                    EcsStore.AddEvent(service, now, $"(task {EcsStore.TaskId(task.Arn)}) (port {port}) is unhealthy in (target-group {binding.TargetGroupArn}) due to (reason Health checks failed).");
                    Stop(task, $"Task failed ELB health checks in (target-group {binding.TargetGroupArn})", "ServiceSchedulerInitiated");
                    break;
                }
            }
        }
    }

    private static bool IsFailure(TaskRecord task) =>
        task.StopCode is "TaskFailedToStart" or "EssentialContainerExited" or "TerminationNotice"
        || task.StoppedReason?.StartsWith("Task failed", StringComparison.Ordinal) == true;

    private DeploymentRecord TripCircuitBreaker(DeploymentRecord primary)
    {
        if (!service.CircuitBreakerEnable || primary.RolloutState != "IN_PROGRESS" || primary.FailedTasks < FailureThreshold(primary.DesiredCount))
        {
            return primary;
        }

        primary.RolloutState = "FAILED";
        primary.RolloutStateReason = CircuitBreakerReason;
        primary.UpdatedAt = now;
        EcsStore.AddEvent(service, now, $"deployment {primary.Id} deployment failed: tasks failed to start.");
        if (!service.CircuitBreakerRollback || service.LastCompletedDeploymentId is null || service.LastCompletedDeploymentId == primary.Id)
        {
            return primary;
        }

        var target = service.Deployments.FirstOrDefault(d => d.Id == service.LastCompletedDeploymentId);
        if (target is null)
        {
            target = new DeploymentRecord
            {
                Id = service.LastCompletedDeploymentId,
                TaskDefinitionArn = service.LastCompletedTaskDefinitionArn!,
                CreatedAt = now,
            };
            service.Deployments.Add(target);
        }

        primary.Status = "ACTIVE";
        target.Status = "PRIMARY";
        target.RolloutState = "IN_PROGRESS";
        target.RolloutStateReason = $"ECS deployment circuit breaker: rolling back to deploymentId {target.Id}.";
        target.RolledBackTo = true;
        target.DesiredCount = service.DesiredCount;
        target.UpdatedAt = now;
        service.Deployments.Remove(target);
        service.Deployments.Insert(0, target);
        service.TaskDefinitionArn = target.TaskDefinitionArn;
        service.SteadySince = null;
        EcsStore.AddEvent(service, now, $"rolling back to deployment {target.Id}.");
        foreach (var task in Alive().Where(t => t.DeploymentId == primary.Id))
        {
            Stop(task, $"Scaling activity initiated by (deployment {target.Id})", "ServiceSchedulerInitiated");
        }

        return target;
    }

    /// <summary>Non-primary deployments leave the list once their tasks are gone (a FAILED one stays until the primary completes).</summary>
    private void RetireDrainedDeployments(DeploymentRecord primary)
    {
        service.Deployments.RemoveAll(d => d != primary
            && !state.Tasks.Values.Any(t => t.ServiceArn == service.Arn && t.DeploymentId == d.Id && EcsStore.IsAlive(t))
            && (d.RolloutState != "FAILED" || primary.RolloutState == "COMPLETED"));
        foreach (var deployment in service.Deployments.Where(d => d != primary && d.Status == "ACTIVE"))
        {
            deployment.DesiredCount = 0;
        }
    }

    private void Complete(DeploymentRecord primary)
    {
        var alive = Alive();
        var primaryTasks = alive.Where(t => t.DeploymentId == primary.Id).ToList();
        var othersAlive = state.Tasks.Values.Any(t => t.ServiceArn == service.Arn && t.DeploymentId != primary.Id && EcsStore.IsAlive(t));
        var settled = primaryTasks.Count == service.DesiredCount && primaryTasks.All(IsHealthy) && !othersAlive;
        if (primary.RolloutState == "IN_PROGRESS" && settled)
        {
            primary.RolloutState = "COMPLETED";
            primary.RolloutStateReason = $"ECS deployment {primary.Id} completed.";
            primary.UpdatedAt = now;
            service.LastCompletedDeploymentId = primary.Id;
            service.LastCompletedTaskDefinitionArn = primary.TaskDefinitionArn;
            service.Deployments.RemoveAll(d => d != primary);
            EcsStore.AddEvent(service, now, $"(deployment {primary.Id}) deployment completed.");
        }

        var steady = settled && service.Deployments.Count == 1 && primary.RolloutState == "COMPLETED";
        if (steady && service.SteadySince is null)
        {
            service.SteadySince = now;
            EcsStore.AddEvent(service, now, "has reached a steady state.");
        }
        else if (!steady)
        {
            service.SteadySince = null;
        }
    }

    private void Report()
    {
        if (stopped.Count > 0)
        {
            EcsStore.AddEvent(service, now, $"has stopped {stopped.Count} running tasks: {string.Join(' ', stopped.Select(a => $"(task {EcsStore.TaskId(a)})"))}.");
        }

        if (started.Count > 0)
        {
            EcsStore.AddEvent(service, now, $"has started {started.Count} tasks: {string.Join(' ', started.Select(a => $"(task {EcsStore.TaskId(a)})"))}.");
        }
    }
}
