namespace Deploy.Delivery.Release;

/// <summary>What <see cref="PipelineFollower.FollowAsync"/> follows, and how long.</summary>
public sealed record ReleaseOptions
{
    /// <summary>The default overall wait: a CodeBuild run (the project's 30-minute timeout) plus an ECS rollout, with room.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(60);

    /// <summary>The default wait for an execution to appear: EventBridge usually starts the pipeline within a minute of a push.</summary>
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Between two looks at the execution: modest enough for CodePipeline's API limits, quick enough to feel live.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(3);

    /// <summary>The pipeline (the platform stack's <c>PipelineName</c> output).</summary>
    public required string PipelineName { get; init; }

    /// <summary>The commit whose execution to follow; default: the head of the pipeline's source branch in CodeCommit
    /// (what Mirror pushed there).</summary>
    public string? Commit { get; init; }

    /// <summary>The commit this checkout is at; when the branch head differs, Release says it follows the branch, not this
    /// checkout (a developer on a feature branch would otherwise take the branch's deploy for theirs).</summary>
    public string? CheckoutCommit { get; init; }

    /// <summary>The EventBridge rule that starts the pipeline, named when no execution starts; null when unknown.</summary>
    public string? TriggerRuleName { get; init; }

    /// <summary>The platform stack, named with the rule's logical id when <see cref="TriggerRuleName"/> is unknown.</summary>
    public string? StackName { get; init; }

    /// <summary>Printed on success (the load balancer's URL).</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>How long to wait for the pipeline to start an execution for the commit.</summary>
    public TimeSpan StartTimeout { get; init; } = DefaultStartTimeout;

    /// <summary>How long to follow in all (the start wait included).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    /// <summary>Build log lines shown when a build fails.</summary>
    public int FailedBuildLogLines { get; init; } = 20;

    /// <summary>
    /// Creates the ECS service when the pipeline's deploy action finds none (the first release of a new platform: the ECS
    /// action only updates a service, and DeployFargate owns it): given the commit the pipeline built, deploys its image
    /// as DeployFargate does and returns <c>family:revision</c>. Null: a missing service fails the release with the
    /// command that creates it.
    /// </summary>
    public Func<string, CancellationToken, Task<string>>? CreateMissingService { get; init; }
}

/// <param name="ExecutionId">The execution that deployed (ours, or the newer one that superseded it).</param>
/// <param name="Commit">The commit that execution built.</param>
/// <param name="TaskDefinition"><c>family:revision</c> the service runs now; null when the pipeline has no ECS deploy action.</param>
/// <param name="ServiceUrl">Where the service answers.</param>
/// <param name="Duration">From the start of following to the end of the execution.</param>
public sealed record ReleaseResult(string ExecutionId, string Commit, string? TaskDefinition, Uri? ServiceUrl, TimeSpan Duration)
{
    /// <summary>One line for the build summary: <c>deployed sample-service:8 (1a2b3c4) in 212 s</c>.</summary>
    public string Summary =>
        $"{(TaskDefinition is null ? "pipeline succeeded" : "deployed " + TaskDefinition)} ({PipelineText.Short(Commit)}) in {(long)Math.Round(Duration.TotalSeconds)} s";
}

/// <summary>The release did not land: no execution started, it failed, was stopped, or the wait ran out. The message says
/// which stage and action, why, and what the build log or the ECS service showed.</summary>
public sealed class ReleaseException : Exception
{
    public ReleaseException()
        : this("The release failed.")
    {
    }

    public ReleaseException(string message)
        : base(message)
    {
    }

    public ReleaseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
