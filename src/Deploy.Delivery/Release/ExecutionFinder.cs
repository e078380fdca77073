using Deploy.Aws.CodePipeline;
using Deploy.Engine;

namespace Deploy.Delivery.Release;

/// <summary>
/// Finds the execution a commit started: ListPipelineExecutions (newest first) until one names the commit as its source
/// revision, within a bounded wait that ends naming the EventBridge rule and the branch to check; and, when an execution
/// was superseded, the newer one that overtook it.
/// </summary>
internal sealed class ExecutionFinder(
    CodePipelineClient pipelines,
    IBuildLog log,
    TimeProvider clock,
    Func<TimeSpan, CancellationToken, Task> delay)
{
    // One page is plenty: the commit's execution is among the newest unless dozens of pushes came after it.
    private const int PageSize = 25;

    /// <summary>The newest execution whose source revision is <paramref name="commit"/>; waits up to <see cref="ReleaseOptions.StartTimeout"/>.</summary>
    /// <exception cref="ReleaseException">None started in time: the message names the rule, repository and branch to check.</exception>
    public async Task<PipelineExecutionSummary> FindAsync(ReleaseOptions options, PipelineLayout layout, string commit, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + options.StartTimeout;
        var announced = false;
        while (true)
        {
            var executions = await NewestAsync(layout.Name, cancellationToken);
            var ours = executions.FirstOrDefault(e => Built(e, layout) == commit);
            if (ours is not null)
            {
                return ours;
            }

            var remaining = deadline - clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new ReleaseException(NoExecution(options, layout, commit, executions.Count > 0 ? executions[0] : null));
            }

            if (!announced)
            {
                log.Information($"Waiting for pipeline {layout.Name} to start an execution for {PipelineText.Short(commit)} (up to {PipelineText.Duration(options.StartTimeout)})");
                announced = true;
            }

            await delay(options.PollInterval < remaining ? options.PollInterval : remaining, cancellationToken);
        }
    }

    /// <summary>
    /// The execution that overtook <paramref name="superseded"/>: among those started after it, the earliest that is not
    /// itself superseded (the one that got furthest), else the newest; null when there is none.
    /// </summary>
    public async Task<PipelineExecutionSummary?> SuccessorAsync(string pipeline, PipelineExecutionSummary superseded, CancellationToken cancellationToken)
    {
        var since = superseded.StartTime ?? DateTimeOffset.MinValue;
        var newer = (await NewestAsync(pipeline, cancellationToken))
            .Where(e => e.PipelineExecutionId != superseded.PipelineExecutionId && (e.StartTime ?? DateTimeOffset.MinValue) > since)
            .OrderBy(e => e.StartTime)
            .ToList();
        return newer.FirstOrDefault(e => e.Status != "Superseded") ?? newer.LastOrDefault();
    }

    /// <summary>The summary of one execution (the list is where start time, trigger and source revisions live).</summary>
    public async Task<PipelineExecutionSummary?> SummaryAsync(string pipeline, string executionId, CancellationToken cancellationToken) =>
        (await NewestAsync(pipeline, cancellationToken)).FirstOrDefault(e => e.PipelineExecutionId == executionId);

    /// <summary>The commit an execution builds: the revision of the CodeCommit source action (any source when unknown).</summary>
    public static string? Built(PipelineExecutionSummary execution, PipelineLayout layout)
    {
        var revisions = execution.SourceRevisions ?? [];
        return (revisions.FirstOrDefault(r => r.ActionName == layout.Source?.ActionName) ?? (revisions.Count > 0 ? revisions[0] : null))?.RevisionId;
    }

    /// <summary>The commit message an execution's source revision carries.</summary>
    public static string? Message(PipelineExecutionSummary execution, PipelineLayout layout) =>
        (execution.SourceRevisions ?? []).FirstOrDefault(r => r.ActionName == layout.Source?.ActionName)?.RevisionSummary;

    private async Task<IReadOnlyList<PipelineExecutionSummary>> NewestAsync(string pipeline, CancellationToken cancellationToken) =>
        (await pipelines.ListPipelineExecutionsAsync(new ListPipelineExecutionsRequest { PipelineName = pipeline, MaxResults = PageSize }, cancellationToken))
            .PipelineExecutionSummaries ?? [];

    private static string NoExecution(ReleaseOptions options, PipelineLayout layout, string commit, PipelineExecutionSummary? newest)
    {
        var rule = options.TriggerRuleName is { } name
            ? $"the EventBridge rule {name}"
            : $"the EventBridge rule of the stack {options.StackName ?? "(platform stack)"} (logical id PipelineTriggerRule; run ProvisionInfra to get its name as an output)";
        var branch = layout.Source is { } source ? $"branch {source.BranchName} of CodeCommit repository {source.RepositoryName}" : "the pipeline's source branch";
        var latest = newest is null
            ? "The pipeline has no executions at all."
            : $"Its newest execution {newest.PipelineExecutionId} ({newest.Status}, started {PipelineText.Time(newest.StartTime)} UTC) built {PipelineText.Short(Built(newest, layout))}.";
        return $"No execution of pipeline {layout.Name} started for commit {PipelineText.Short(commit)} within {PipelineText.Duration(options.StartTimeout)}. "
            + $"{latest} Check {rule}: it must be ENABLED and match pushes to {branch}, and its target role must allow "
            + $"codepipeline:StartPipelineExecution; check that {branch} is at {commit} (Mirror pushes it there). "
            + "Raise --release-start-timeout if the pipeline is just slow to start.";
    }
}
