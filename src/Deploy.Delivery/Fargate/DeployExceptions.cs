namespace Deploy.Delivery.Fargate;

/// <summary>A deploy or rollback cannot proceed or did not succeed; the message says what and why, in full.</summary>
public class DeployException : Exception
{
    public DeployException()
        : this("The deployment failed.")
    {
    }

    public DeployException(string message)
        : base(message)
    {
    }

    public DeployException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The task definition template cannot be rendered or breaks the ECS model's rules; nothing was registered.</summary>
public sealed class TaskDefinitionTemplateException : DeployException
{
    public TaskDefinitionTemplateException()
    {
    }

    public TaskDefinitionTemplateException(string message)
        : base(message)
    {
    }

    public TaskDefinitionTemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The rollout failed: the circuit breaker stopped it (and rolled back), or another deployment replaced it. The message
/// holds the rollout's reason, the stopped tasks' reasons and exit codes, and the failed containers' last log lines.
/// </summary>
public sealed class DeploymentFailedException : DeployException
{
    public DeploymentFailedException()
    {
    }

    /// <summary>The failure of a watched rollout: its <see cref="RolloutFailure.Text"/> is the message.</summary>
    public DeploymentFailedException(RolloutFailure failure)
        : base((failure ?? throw new ArgumentNullException(nameof(failure))).Text)
    {
        Failure = failure;
    }

    public DeploymentFailedException(string message)
        : base(message)
    {
    }

    public DeploymentFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The failure as data (reason, rollback, stopped tasks, log lines); null when only a message was given.</summary>
    public RolloutFailure? Failure { get; }
}

/// <summary>The rollout did not finish within the timeout; the message names what is still pending.</summary>
public sealed class DeploymentTimeoutException : DeployException
{
    public DeploymentTimeoutException()
    {
    }

    public DeploymentTimeoutException(string message)
        : base(message)
    {
    }

    public DeploymentTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary><c>family:revision</c> whose rollout did not finish, when known.</summary>
    public string? Revision { get; init; }
}
