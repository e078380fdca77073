using Deploy.Delivery.Fargate;

namespace Deploy.Delivery.Notifications;

/// <summary>What the build knows about a run whatever its outcome: what ran, on which service, where, from which commit.</summary>
public sealed record NotificationContext
{
    /// <summary>The target that ran: <c>DeployFargate</c>, <c>Rollback</c>, <c>Release</c>.</summary>
    public required string Command { get; init; }

    /// <summary>The ECS service, when the run got far enough to know it.</summary>
    public string? Service { get; init; }

    public string? Cluster { get; init; }

    /// <summary>The build profile (<c>aws</c>), or <c>local cloud</c>.</summary>
    public string? Profile { get; init; }

    /// <summary>The AWS account (STS GetCallerIdentity), when it could be asked.</summary>
    public string? Account { get; init; }

    public string? Region { get; init; }

    public CommitInfo? Commit { get; init; }

    /// <summary>Where the build ran: the GitLab job, the CodeBuild build, or the host.</summary>
    public RunLocation? RanOn { get; init; }

    public Uri? ServiceUrl { get; init; }
}

/// <param name="Sha">The full commit id.</param>
/// <param name="Title">The subject line.</param>
/// <param name="Author">The author's name.</param>
/// <param name="Url">The commit's page (GitLab's <c>CI_PROJECT_URL/-/commit/&lt;sha&gt;</c>).</param>
public sealed record CommitInfo(string Sha, string? Title, string? Author, Uri? Url)
{
    /// <summary>The first 8 characters, as GitLab shows them (and <c>-dirty</c> for a build from uncommitted changes).</summary>
    public string ShortSha => Sha.Length > 8 ? Sha[..8] + (Sha.Contains("-dirty", StringComparison.Ordinal) ? "-dirty" : "") : Sha;
}

/// <param name="Text"><c>GitLab job 123</c>, <c>CodeBuild build app:4e1…</c>, <c>host build-box</c>.</param>
/// <param name="Url">The job's or build's page, when there is one.</param>
public sealed record RunLocation(string Text, Uri? Url);

/// <summary>One message to the team: an outcome and everything there is to act on.</summary>
public sealed record DeployNotification(NotificationOutcome Outcome, NotificationContext Context)
{
    /// <summary>From the start of the command to its outcome.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary><c>family:revision</c> deployed, or that failed to roll out.</summary>
    public string? TaskDefinition { get; init; }

    /// <summary><c>family:revision</c> the service went back to (the circuit breaker's or the Rollback target's).</summary>
    public string? RolledBackTo { get; init; }

    /// <summary>Why it failed, rolled back or timed out, in full.</summary>
    public string? Reason { get; init; }

    /// <summary>The failed rollout as data: stopped tasks with their reasons, exit codes and last log lines.</summary>
    public RolloutFailure? Rollout { get; init; }

    /// <summary>The message for a command that finished; null for a dry run (nobody is told about one).</summary>
    public static DeployNotification? For(NotificationContext context, DeployResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return NotificationOutcomes.Of(result) is not { } outcome
            ? null
            : new DeployNotification(outcome, context)
            {
                Duration = result.Duration,
                TaskDefinition = result.TaskDefinition,
                RolledBackTo = outcome == NotificationOutcome.RolledBack ? result.TaskDefinition : null,
            };
    }

    /// <summary>The message for a command that threw <paramref name="failure"/> after <paramref name="duration"/>.</summary>
    public static DeployNotification For(NotificationContext context, Exception failure, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var rollout = NotificationOutcomes.Find<DeploymentFailedException>(failure)?.Failure;
        return new DeployNotification(NotificationOutcomes.Of(failure), context)
        {
            Duration = duration,
            TaskDefinition = rollout?.Revision ?? NotificationOutcomes.Find<DeploymentTimeoutException>(failure)?.Revision,
            RolledBackTo = rollout?.RolledBackTo,
            Reason = rollout?.Reason ?? failure.Message,
            Rollout = rollout,
        };
    }
}
