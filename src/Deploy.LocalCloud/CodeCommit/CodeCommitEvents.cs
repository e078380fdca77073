using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.CodeCommit;

/// <summary>
/// One ref change made by a push, shaped like the detail of CodeCommit's "CodeCommit Repository State Change" event
/// (<c>event</c> referenceCreated / referenceUpdated / referenceDeleted, <c>referenceType</c> branch / tag), numbered in
/// order. <see cref="CommitId"/> is null for a deletion, <see cref="OldCommitId"/> for a creation; tags are peeled to their commit.
/// </summary>
internal sealed record CodeCommitReferenceEvent(
    long Sequence,
    DateTimeOffset Time,
    string RepositoryName,
    string RepositoryId,
    string Event,
    string ReferenceType,
    string ReferenceName,
    string ReferenceFullName,
    string? CommitId,
    string? OldCommitId);

/// <summary>Events read after a cursor, and the cursor to pass next time.</summary>
internal sealed record CodeCommitEventBatch(IReadOnlyList<CodeCommitReferenceEvent> Events, long Cursor);

internal sealed class CodeCommitEventLog
{
    public long LastSequence { get; set; }

    public List<CodeCommitReferenceEvent> Events { get; set; } = [];
}

/// <summary>
/// The append-only log of ref changes pushed to the git endpoint (<c>&lt;state-dir&gt;/codecommit/events.json</c>), for a
/// pipeline executor to consume: <see cref="ReadSince"/> with the last cursor it saw (0 at first).
/// </summary>
internal sealed class CodeCommitEvents(LocalCloudOptions options, TimeProvider clock)
{
    private readonly JsonStateFile<CodeCommitEventLog> file = new(Path.Combine(options.StateDirectory, "codecommit"), "events.json");

    /// <summary>Appends one event per ref that differs between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public IReadOnlyList<CodeCommitReferenceEvent> Record(
        string repositoryName,
        string repositoryId,
        IReadOnlyDictionary<string, GitRef> before,
        IReadOnlyDictionary<string, GitRef> after)
    {
        var changed = before.Keys.Union(after.Keys)
            .Order(StringComparer.Ordinal)
            .Select(name => (Name: name, Old: before.GetValueOrDefault(name), New: after.GetValueOrDefault(name)))
            .Where(c => c.Old?.ObjectId != c.New?.ObjectId)
            .ToList();
        if (changed.Count == 0)
        {
            return [];
        }

        var now = clock.GetUtcNow();
        return file.Update(log =>
        {
            var added = new List<CodeCommitReferenceEvent>();
            foreach (var (name, old, current) in changed)
            {
                var isTag = name.StartsWith("refs/tags/", StringComparison.Ordinal);
                var kind = old is null ? "referenceCreated" : current is null ? "referenceDeleted" : "referenceUpdated";
                added.Add(new CodeCommitReferenceEvent(
                    ++log.LastSequence,
                    now,
                    repositoryName,
                    repositoryId,
                    kind,
                    isTag ? "tag" : "branch",
                    name[(isTag ? "refs/tags/" : "refs/heads/").Length..],
                    name,
                    current?.CommitId,
                    old?.CommitId));
            }

            log.Events.AddRange(added);
            return added;
        });
    }

    /// <summary>The events after <paramref name="cursor"/> (a sequence number; 0 = from the start), oldest first, at most
    /// <paramref name="limit"/>; the returned cursor is the last one returned (unchanged when there is nothing new).</summary>
    public CodeCommitEventBatch ReadSince(long cursor, int limit = 1000) => file.Read(log =>
    {
        var events = log.Events.Where(e => e.Sequence > cursor).Take(limit).ToList();
        return new CodeCommitEventBatch(events, events.Count == 0 ? cursor : events[^1].Sequence);
    });
}
