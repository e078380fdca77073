using Deploy.Aws;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;

namespace Deploy.Delivery.Fargate;

/// <summary>
/// What a failed rollout left behind: the revision's stopped tasks (latest first) with their stopped reasons and exit
/// codes, and the last log lines of the containers that failed. Shared by <see cref="RolloutWatcher"/> (as data in
/// <see cref="RolloutFailure"/>, which notifications read) and Release (a pipeline's ECS deploy action that failed).
/// </summary>
public sealed class StoppedTasksReport(EcsClient ecs, LogsClient logs)
{
    /// <summary>Log lines shown per failed container.</summary>
    public const int LogLines = 20;

    private const int MaxStoppedTasks = 3;

    /// <summary>The latest stopped tasks of <paramref name="watch"/>'s revision, or why they could not be read.</summary>
    public async Task<(IReadOnlyList<StoppedTask> Tasks, string? Unavailable)> ReadAsync(RolloutWatch watch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(watch);
        IReadOnlyList<EcsTask> stopped;
        try
        {
            stopped = [.. (await TasksAsync(watch, "STOPPED", cancellationToken))
                .OrderByDescending(t => t.StoppedAt ?? t.CreatedAt)
                .Take(MaxStoppedTasks)];
        }
        catch (AwsServiceException e)
        {
            return ([], e.Message);
        }

        var tasks = new List<StoppedTask>();
        foreach (var task in stopped)
        {
            var id = TaskId(task.TaskArn);
            var containers = task.Containers ?? [];
            var failed = containers.Where(c => c.ExitCode is not null and not 0 || c.Reason is not null).ToList();
            var lines = new List<ContainerLog>();
            foreach (var container in failed.Count > 0 ? failed : containers)
            {
                lines.Add(await LastLinesAsync(watch, container.Name, id, cancellationToken));
            }

            tasks.Add(new StoppedTask(id, task.StoppedReason, task.StopCode, [.. containers.Select(c => new StoppedContainer(c.Name, c.ExitCode, c.Reason))], lines));
        }

        return (tasks, null);
    }

    /// <summary>Lines (each starting with a line break) about the stopped tasks of <paramref name="watch"/>'s revision.</summary>
    public async Task<string> DescribeAsync(RolloutWatch watch, CancellationToken cancellationToken = default)
    {
        var (tasks, unavailable) = await ReadAsync(watch, cancellationToken);
        return RolloutFailure.DescribeStoppedTasks(RolloutDecision.Revision(watch.Target.TaskDefinitionArn), tasks, unavailable);
    }

    /// <summary>The service's tasks of <paramref name="watch"/>'s revision with that desired status.</summary>
    public async Task<IReadOnlyList<EcsTask>> TasksAsync(RolloutWatch watch, string desiredStatus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(watch);
        var listed = await ecs.ListTasksAsync(
            new ListTasksRequest { Cluster = watch.Cluster, ServiceName = watch.Service, DesiredStatus = desiredStatus, MaxResults = 100 },
            cancellationToken);
        if (listed.TaskArns is not { Count: > 0 } arns)
        {
            return [];
        }

        var described = await ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = watch.Cluster, Tasks = arns }, cancellationToken);
        return [.. (described.Tasks ?? []).Where(t => t.TaskDefinitionArn == watch.Target.TaskDefinitionArn)];
    }

    /// <summary>The task id at the end of a task ARN.</summary>
    public static string TaskId(string? taskArn) => taskArn is null ? "?" : taskArn[(taskArn.LastIndexOf('/') + 1)..];

    private async Task<ContainerLog> LastLinesAsync(RolloutWatch watch, string? container, string taskId, CancellationToken cancellationToken)
    {
        var definition = watch.Containers.FirstOrDefault(c => c.Name == container);
        var options = definition?.LogConfiguration is { LogDriver: "awslogs", Options: { } o } ? o : null;
        if (container is null || options is null
            || !options.TryGetValue("awslogs-group", out var group)
            || !options.TryGetValue("awslogs-stream-prefix", out var prefix))
        {
            return new ContainerLog(container, null, null, []);
        }

        var stream = $"{prefix}/{container}/{taskId}";
        try
        {
            var events = await logs.GetLastEventsAsync(group, stream, LogLines, cancellationToken);
            return new ContainerLog(container, group, stream, [.. events.Select(e => e.Message?.TrimEnd() ?? "")]);
        }
        catch (AwsServiceException e)
        {
            return new ContainerLog(container, group, stream, [], e.Code);
        }
    }
}
