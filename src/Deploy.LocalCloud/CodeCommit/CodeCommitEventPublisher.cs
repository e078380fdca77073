using System.Text.Json.Nodes;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.CodeCommit;

/// <summary>How far the publisher got in the ref-change log (<c>codecommit/eventbridge-cursor.json</c>).</summary>
internal sealed class EventBridgeCursor
{
    public long Sequence { get; set; }
}

/// <summary>
/// Turns every ref change the git endpoint recorded (<see cref="CodeCommitEvents"/>) into CodeCommit's "CodeCommit
/// Repository State Change" event on the default bus. The log is durable and the cursor is saved after each event, so a
/// push recorded just before a stop is published after the restart and none is published twice.
/// </summary>
internal sealed partial class CodeCommitEventPublisher(
    CodeCommitEvents log,
    IEventBus bus,
    LocalCloudOptions options,
    ILogger<CodeCommitEventPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly JsonStateFile<EventBridgeCursor> cursor = new(Path.Combine(options.StateDirectory, "codecommit"), "eventbridge-cursor.json");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        InitializeCursor();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                PublishPending();
            }
#pragma warning disable CA1031 // one bad round must not end publishing for the process's lifetime
            catch (Exception failure)
#pragma warning restore CA1031
            {
                LogPublishFailed(logger, failure);
            }

            try
            {
                await Task.Delay(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing CodeCommit events failed; retrying")]
    private static partial void LogPublishFailed(ILogger logger, Exception failure);

    /// <summary>A state directory from before this publisher existed starts after its history: old pushes start nothing.</summary>
    private void InitializeCursor()
    {
        var path = Path.Combine(options.StateDirectory, "codecommit", "eventbridge-cursor.json");
        if (!File.Exists(path))
        {
            var last = log.ReadSince(0, int.MaxValue).Cursor;
            cursor.Update(c => c.Sequence = last);
        }
    }

    private void PublishPending()
    {
        var since = cursor.Read(c => c.Sequence);
        foreach (var change in log.ReadSince(since).Events)
        {
            bus.Publish(StateChange(change));
            cursor.Update(c => c.Sequence = change.Sequence);
        }
    }

    /// <summary>The event as CodeCommit sends it (Monitoring CodeCommit events: referenceCreated/Updated/Deleted).</summary>
    private BusEvent StateChange(CodeCommitReferenceEvent change)
    {
        var detail = new JsonObject
        {
            ["callerUserArn"] = $"arn:aws:iam::{options.AccountId}:user/local",
            ["event"] = change.Event,
            ["referenceFullName"] = change.ReferenceFullName,
            ["referenceName"] = change.ReferenceName,
            ["referenceType"] = change.ReferenceType,
            ["repositoryId"] = change.RepositoryId,
            ["repositoryName"] = change.RepositoryName,
        };
        if (change.CommitId is not null)
        {
            detail["commitId"] = change.CommitId;
        }

        if (change.OldCommitId is not null)
        {
            detail["oldCommitId"] = change.OldCommitId;
        }

        var arn = $"arn:aws:codecommit:{options.Region}:{options.AccountId}:{change.RepositoryName}";
        return new BusEvent("aws.codecommit", "CodeCommit Repository State Change", detail, [arn], change.Time);
    }
}
