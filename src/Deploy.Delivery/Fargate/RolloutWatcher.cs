using Deploy.Aws;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;
using Deploy.Engine;

namespace Deploy.Delivery.Fargate;

/// <summary>What to watch: the service and the deployment a deploy or rollback started.</summary>
/// <param name="Cluster">The cluster.</param>
/// <param name="Service">The service.</param>
/// <param name="Target">The deployment.</param>
/// <param name="StartedAt">When it started (the deployment's createdAt, server time): earlier service events are not shown.</param>
/// <param name="Containers">The containers of the revision, for the log locations of failed ones.</param>
public sealed record RolloutWatch(string Cluster, string Service, RolloutTarget Target, DateTimeOffset StartedAt, IReadOnlyList<ContainerDefinition> Containers);

/// <summary>
/// Waits for a rollout: polls DescribeServices from every 1 s up to every 5 s (back to 1 s whenever something moved),
/// prints progress (running/desired, our new tasks' states, the service's events since the start, each once) and decides
/// with <see cref="RolloutDecision"/>. Failure → <see cref="DeploymentFailedException"/> with the rollout's reason, the
/// stopped tasks' reasons and exit codes and the failed containers' last log lines; timeout →
/// <see cref="DeploymentTimeoutException"/> naming what is still pending.
/// </summary>
public sealed class RolloutWatcher(
    EcsClient ecs,
    LogsClient logs,
    IBuildLog log,
    TimeProvider? clock = null,
    Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    public static readonly TimeSpan FirstPoll = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(5);

    /// <summary>Log lines shown per failed container.</summary>
    public const int LogLines = StoppedTasksReport.LogLines;

    private readonly StoppedTasksReport stoppedTasks = new(ecs, logs);
    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly Func<TimeSpan, CancellationToken, Task> delay = delay ?? ((d, ct) => Task.Delay(d, clock ?? TimeProvider.System, ct));

    /// <summary>The poll interval after <paramref name="previous"/> when nothing moved: doubled, at most <see cref="MaxPoll"/>.</summary>
    public static TimeSpan NextPoll(TimeSpan previous) => previous * 2 < MaxPoll ? previous * 2 : MaxPoll;

    /// <summary>Waits until the rollout succeeds; throws when it fails or times out.</summary>
    public async Task<RolloutVerdict> WaitAsync(RolloutWatch watch, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(watch);
        var deadline = clock.GetUtcNow() + timeout;
        var revision = RolloutDecision.Revision(watch.Target.TaskDefinitionArn);
        log.Information($"Waiting for {watch.Service} to roll out {revision} (timeout {Describe(timeout)})");
        try
        {
            return await PollAsync(watch, deadline, timeout, revision, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C stops our waiting, not ECS: say where the rollout stands and what the user can do about it.
            log.Warning(
                $"Stopped waiting; the rollout of {revision} continues in ECS. Follow it: aws ecs describe-services --cluster {watch.Cluster} "
                + $"--services {watch.Service} --query 'services[0].deployments'; undo it: ./build.sh Rollback.");
            throw;
        }
    }

    private async Task<RolloutVerdict> PollAsync(RolloutWatch watch, DateTimeOffset deadline, TimeSpan timeout, string revision, CancellationToken cancellationToken)
    {
        var seenEvents = new HashSet<string>(StringComparer.Ordinal);
        var taskStates = new Dictionary<string, string>(StringComparer.Ordinal);
        string? lastProgress = null;
        var poll = FirstPoll;
        while (true)
        {
            var response = await ecs.DescribeServicesAsync(
                new DescribeServicesRequest { Cluster = watch.Cluster, Services = [watch.Service] }, cancellationToken);
            var verdict = RolloutDecision.Evaluate(response, watch.Target);
            var moved = ReportEvents(response, watch.StartedAt, seenEvents);
            if (verdict.Summary != lastProgress)
            {
                log.Information($"{watch.Service}: {verdict.Summary}");
                moved |= lastProgress is not null;
                lastProgress = verdict.Summary;
                if (verdict.State == RolloutState.InProgress)
                {
                    await ReportTasksAsync(watch, taskStates, cancellationToken);
                }
            }

            switch (verdict.State)
            {
                case RolloutState.Succeeded:
                    log.Information($"{watch.Service} runs {revision}: {verdict.Summary}");
                    return verdict;
                case RolloutState.Failed:
                    throw new DeploymentFailedException(await DescribeFailureAsync(watch, verdict, cancellationToken));
            }

            var remaining = deadline - clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new DeploymentTimeoutException(
                    $"{watch.Service} did not finish rolling out {revision} within {Describe(timeout)}: {verdict.Summary}. "
                    + "The rollout goes on in ECS; raise --timeout to wait longer, or run Rollback.")
                {
                    Revision = revision,
                };
            }

            poll = moved ? FirstPoll : poll;
            await delay(poll < remaining ? poll : remaining, cancellationToken);
            poll = NextPoll(poll);
        }
    }

    /// <summary>Service events since the start, oldest first, each once; true when there was a new one.</summary>
    private bool ReportEvents(DescribeServicesResponse response, DateTimeOffset startedAt, HashSet<string> seen)
    {
        var events = response.Services is { Count: > 0 } services ? services[0].Events ?? [] : [];
        var fresh = events
            .Where(e => e.Id is not null && e.CreatedAt >= startedAt && !seen.Contains(e.Id))
            .OrderBy(e => e.CreatedAt)
            .ToList();
        foreach (var e in fresh)
        {
            seen.Add(e.Id!);
            log.Information($"  {e.CreatedAt:HH:mm:ss} {e.Message}");
        }

        return fresh.Count > 0;
    }

    /// <summary>Our revision's tasks and their states, printed when a state changes.</summary>
    private async Task ReportTasksAsync(RolloutWatch watch, Dictionary<string, string> states, CancellationToken cancellationToken)
    {
        IReadOnlyList<EcsTask> tasks;
        try
        {
            tasks = await stoppedTasks.TasksAsync(watch, "RUNNING", cancellationToken);
        }
        catch (AwsServiceException e)
        {
            // Progress detail only: the verdict comes from DescribeServices.
            log.Debug($"Task states unavailable: {e.Message}");
            return;
        }

        foreach (var task in tasks)
        {
            var state = task.LastStatus + (task.HealthStatus is { } health and not "UNKNOWN" ? $" ({health})" : "");
            var id = StoppedTasksReport.TaskId(task.TaskArn);
            if (!states.TryGetValue(id, out var before) || before != state)
            {
                states[id] = state;
                log.Information($"  task {id}: {(before is null ? "" : before + " → ")}{state}");
            }
        }
    }

    private async Task<RolloutFailure> DescribeFailureAsync(RolloutWatch watch, RolloutVerdict verdict, CancellationToken cancellationToken)
    {
        var revision = RolloutDecision.Revision(watch.Target.TaskDefinitionArn);
        var (tasks, unavailable) = await stoppedTasks.ReadAsync(watch, cancellationToken);
        return new RolloutFailure(watch.Service, revision, verdict.Summary, verdict.RolledBackTo, tasks, unavailable);
    }

    private static string Describe(TimeSpan span) => span.TotalMinutes >= 1 && span.Seconds == 0
        ? $"{span.TotalMinutes:0} min"
        : $"{span.TotalSeconds:0} s";
}
