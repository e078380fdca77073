using System.Globalization;
using System.Text;
using Deploy.Aws;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;

namespace Deploy.Delivery.Fargate;

/// <summary>
/// What a failed rollout left behind, for the failure message: the revision's stopped tasks (latest first) with their
/// stopped reasons and exit codes, and the last log lines of the containers that failed. Shared by
/// <see cref="RolloutWatcher"/> and Release (a pipeline's ECS deploy action that failed).
/// </summary>
public sealed class StoppedTasksReport(EcsClient ecs, LogsClient logs)
{
    /// <summary>Log lines shown per failed container.</summary>
    public const int LogLines = 20;

    private const int MaxStoppedTasks = 3;

    /// <summary>Lines (each starting with a line break) about the stopped tasks of <paramref name="watch"/>'s revision.</summary>
    public async Task<string> DescribeAsync(RolloutWatch watch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(watch);
        var revision = RolloutDecision.Revision(watch.Target.TaskDefinitionArn);
        var text = new StringBuilder();
        IReadOnlyList<EcsTask> stopped;
        try
        {
            stopped = [.. (await TasksAsync(watch, "STOPPED", cancellationToken))
                .OrderByDescending(t => t.StoppedAt ?? t.CreatedAt)
                .Take(MaxStoppedTasks)];
        }
        catch (AwsServiceException e)
        {
            return text.Append($"\n(stopped tasks unavailable: {e.Message})").ToString();
        }

        if (stopped.Count == 0)
        {
            return text.Append($"\nNo stopped tasks of {revision} were found.").ToString();
        }

        text.Append($"\nStopped tasks of {revision} (latest first):");
        foreach (var task in stopped)
        {
            var id = TaskId(task.TaskArn);
            text.Append($"\n  task {id}: {task.StoppedReason ?? "no stopped reason"}{(task.StopCode is { } code ? $" ({code})" : "")}");
            var containers = task.Containers ?? [];
            foreach (var container in containers)
            {
                text.Append($"\n    container {container.Name}: exit code {container.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}"
                    + (container.Reason is { } reason ? $", {reason}" : ""));
            }

            var failed = containers.Where(c => c.ExitCode is not null and not 0 || c.Reason is not null).ToList();
            foreach (var container in failed.Count > 0 ? failed : containers)
            {
                text.Append(await LastLinesAsync(watch, container.Name, id, cancellationToken));
            }
        }

        return text.ToString();
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

    private async Task<string> LastLinesAsync(RolloutWatch watch, string? container, string taskId, CancellationToken cancellationToken)
    {
        var definition = watch.Containers.FirstOrDefault(c => c.Name == container);
        var options = definition?.LogConfiguration is { LogDriver: "awslogs", Options: { } o } ? o : null;
        if (container is null || options is null
            || !options.TryGetValue("awslogs-group", out var group)
            || !options.TryGetValue("awslogs-stream-prefix", out var prefix))
        {
            return $"\n    (no awslogs stream for container {container})";
        }

        var stream = $"{prefix}/{container}/{taskId}";
        try
        {
            var events = await logs.GetLastEventsAsync(group, stream, LogLines, cancellationToken);
            if (events.Count == 0)
            {
                return $"\n    log stream {group} {stream} is empty";
            }

            var lines = new StringBuilder($"\n    last {events.Count} log lines of {container} ({group} {stream}):");
            foreach (var e in events)
            {
                lines.Append("\n      | ").Append(e.Message?.TrimEnd());
            }

            return lines.ToString();
        }
        catch (AwsServiceException e)
        {
            return $"\n    (log stream {group} {stream} unavailable: {e.Code})";
        }
    }
}
