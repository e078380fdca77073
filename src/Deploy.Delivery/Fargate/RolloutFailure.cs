using System.Globalization;
using System.Text;

namespace Deploy.Delivery.Fargate;

/// <summary>
/// Why a rollout failed, as data: the rollout's reason, the revision the circuit breaker went back to, and the stopped
/// tasks with their containers and last log lines. <see cref="Text"/> is the message of <see cref="DeploymentFailedException"/>;
/// notifications pick the parts they have room for.
/// </summary>
/// <param name="Service">The service.</param>
/// <param name="Revision"><c>family:revision</c> that failed to roll out.</param>
/// <param name="Reason">The verdict's one line (rolloutStateReason, or what replaced or removed the deployment).</param>
/// <param name="RolledBackTo"><c>family:revision</c> the circuit breaker rolled the service back to; null when it did not (or not yet).</param>
/// <param name="StoppedTasks">The latest stopped tasks of <paramref name="Revision"/>, latest first.</param>
/// <param name="StoppedTasksUnavailable">Why the stopped tasks could not be read, when they could not.</param>
public sealed record RolloutFailure(
    string Service,
    string Revision,
    string Reason,
    string? RolledBackTo,
    IReadOnlyList<StoppedTask> StoppedTasks,
    string? StoppedTasksUnavailable = null)
{
    /// <summary>The full explanation, one fact per line: reason, stopped tasks, exit codes, log lines.</summary>
    public string Text => $"Deployment of {Revision} to {Service} failed: {Reason}." + DescribeStoppedTasks(Revision, StoppedTasks, StoppedTasksUnavailable);

    /// <summary>The stopped tasks as lines, each starting with a line break (also what Release shows for a failed ECS action).</summary>
    public static string DescribeStoppedTasks(string revision, IReadOnlyList<StoppedTask> stoppedTasks, string? unavailable)
    {
        ArgumentNullException.ThrowIfNull(stoppedTasks);
        if (unavailable is not null)
        {
            return $"\n(stopped tasks unavailable: {unavailable})";
        }

        if (stoppedTasks.Count == 0)
        {
            return $"\nNo stopped tasks of {revision} were found.";
        }

        var text = new StringBuilder($"\nStopped tasks of {revision} (latest first):");
        foreach (var task in stoppedTasks)
        {
            text.Append($"\n  {task.Line}");
            foreach (var container in task.Containers)
            {
                text.Append($"\n    {container.Line}");
            }

            foreach (var log in task.Logs)
            {
                text.Append(log.Text);
            }
        }

        return text.ToString();
    }
}

/// <param name="Id">The task id (the last part of its ARN).</param>
/// <param name="StoppedReason">ECS's stoppedReason.</param>
/// <param name="StopCode">ECS's stopCode.</param>
/// <param name="Containers">Its containers' exit codes and reasons.</param>
/// <param name="Logs">The last log lines of its failed containers (of all when none failed visibly).</param>
public sealed record StoppedTask(string Id, string? StoppedReason, string? StopCode, IReadOnlyList<StoppedContainer> Containers, IReadOnlyList<ContainerLog> Logs)
{
    /// <summary><c>task abc: Essential container in task exited (EssentialContainerExited)</c>.</summary>
    public string Line => $"task {Id}: {StoppedReason ?? "no stopped reason"}{(StopCode is { } code ? $" ({code})" : "")}";
}

/// <param name="Name">The container's name.</param>
/// <param name="ExitCode">Its exit code, when it exited.</param>
/// <param name="Reason">ECS's reason (e.g. CannotPullContainerError).</param>
public sealed record StoppedContainer(string? Name, int? ExitCode, string? Reason)
{
    /// <summary><c>container web: exit code 3, reason</c>.</summary>
    public string Line => $"container {Name}: exit code {ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}" + (Reason is { } reason ? $", {reason}" : "");
}

/// <summary>The last lines of one container's awslogs stream, or why there are none.</summary>
/// <param name="Container">The container.</param>
/// <param name="Group">The log group, when the container logs to awslogs.</param>
/// <param name="Stream">The log stream.</param>
/// <param name="Lines">The last lines, oldest first (empty when unavailable).</param>
/// <param name="Unavailable">The error code when the stream could not be read.</param>
public sealed record ContainerLog(string? Container, string? Group, string? Stream, IReadOnlyList<string> Lines, string? Unavailable = null)
{
    /// <summary>Where the lines come from: <c>/ecs/app ecs/app/abc</c>.</summary>
    public string Source => $"{Group} {Stream}";

    /// <summary>The lines as <see cref="RolloutFailure.Text"/> shows them (each line starting with a newline).</summary>
    public string Text
    {
        get
        {
            if (Group is null || Stream is null)
            {
                return $"\n    (no awslogs stream for container {Container})";
            }

            if (Unavailable is not null)
            {
                return $"\n    (log stream {Source} unavailable: {Unavailable})";
            }

            if (Lines.Count == 0)
            {
                return $"\n    log stream {Source} is empty";
            }

            var text = new StringBuilder($"\n    last {Lines.Count} log lines of {Container} ({Source}):");
            foreach (var line in Lines)
            {
                text.Append("\n      | ").Append(line);
            }

            return text.ToString();
        }
    }
}
