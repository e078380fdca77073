using Deploy.Delivery.Fargate;

namespace Deploy.Delivery.Notifications;

/// <summary>How a deploy, rollback or release ended, as far as the team's channel is concerned.</summary>
public enum NotificationOutcome
{
    /// <summary>A new revision rolled out (or a release went through).</summary>
    Succeeded,

    /// <summary>Nothing changed: the service already ran this content. Not notified by default.</summary>
    Unchanged,

    /// <summary>It failed: a bad template, a missing image, an AWS error, a rollout that failed without a rollback.</summary>
    Failed,

    /// <summary>The circuit breaker rolled a failed rollout back, or the Rollback target rolled the service back.</summary>
    RolledBack,

    /// <summary>The rollout did not finish within --timeout; it goes on in ECS.</summary>
    TimedOut,
}

/// <summary>Which outcome a deploy result or failure is.</summary>
public static class NotificationOutcomes
{
    /// <summary>What <c>--notify-on</c> selects when not given: everything but <see cref="NotificationOutcome.Unchanged"/>.</summary>
    public static IReadOnlyList<NotificationOutcome> Default { get; } =
        [NotificationOutcome.Succeeded, NotificationOutcome.Failed, NotificationOutcome.RolledBack, NotificationOutcome.TimedOut];

    /// <summary>The outcome of a finished command; null for a dry run, which notifies nobody.</summary>
    public static NotificationOutcome? Of(DeployResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome switch
        {
            DeployOutcome.Deployed => NotificationOutcome.Succeeded,
            DeployOutcome.Unchanged => NotificationOutcome.Unchanged,
            DeployOutcome.RolledBack => NotificationOutcome.RolledBack,
            _ => null,
        };
    }

    /// <summary>
    /// The outcome of a failure, looking through wrappers (the build wraps deploy errors): a rollout the circuit breaker
    /// rolled back, a timeout, else failed.
    /// </summary>
    public static NotificationOutcome Of(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Find<DeploymentFailedException>(failure)?.Failure?.RolledBackTo is not null ? NotificationOutcome.RolledBack
            : Find<DeploymentTimeoutException>(failure) is not null ? NotificationOutcome.TimedOut
            : NotificationOutcome.Failed;
    }

    /// <summary>The first exception of type <typeparamref name="T"/> in the chain of inner exceptions.</summary>
    public static T? Find<T>(Exception? failure)
        where T : Exception
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary><c>rolled-back</c>: the spelling of <c>--notify-on</c>.</summary>
    public static string Name(NotificationOutcome outcome) => outcome switch
    {
        NotificationOutcome.RolledBack => "rolled-back",
        NotificationOutcome.TimedOut => "timed-out",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
