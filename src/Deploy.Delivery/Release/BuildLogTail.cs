using Deploy.Aws;
using Deploy.Aws.CodeBuild;
using Deploy.Aws.Logs;
using Deploy.Engine;

namespace Deploy.Delivery.Release;

/// <summary>
/// A CodeBuild run's log as it arrives: BatchGetBuilds gives the log group and stream once the build has them, then
/// GetLogEvents reads forward from the head with <c>startFromHead</c> and the last <c>nextForwardToken</c>, so each event
/// is printed once however often it is pumped (the token comes back unchanged at the end of the stream). Keeps the last
/// lines for a failure message.
/// </summary>
internal sealed class BuildLogTail(CodeBuildClient codeBuild, LogsClient logs, IBuildLog log, int keepLines)
{
    // A chatty build can write more than one page between two looks; a server that never repeats its token must not spin us.
    private const int MaxPagesPerPump = 50;

    private readonly Dictionary<string, BuildLog> builds = new(StringComparer.Ordinal);

    /// <summary>Prints the events of build <paramref name="buildId"/> that arrived since the last pump.</summary>
    public async Task PumpAsync(string buildId, CancellationToken cancellationToken)
    {
        var state = builds.TryGetValue(buildId, out var known) ? known : builds[buildId] = new BuildLog();
        if (state.Unavailable)
        {
            return;
        }

        if (state.Group is null || state.Stream is null)
        {
            var build = await DescribeAsync(buildId, cancellationToken);
            if (build?.Logs is not { GroupName: { } group, StreamName: { } stream })
            {
                return; // queued or provisioning: CodeBuild names the stream once the build starts
            }

            (state.Group, state.Stream) = (group, stream);
        }

        for (var page = 0; page < MaxPagesPerPump; page++)
        {
            GetLogEventsResponse response;
            try
            {
                response = await logs.GetLogEventsAsync(
                    new GetLogEventsRequest { LogGroupName = state.Group, LogStreamName = state.Stream, StartFromHead = true, NextToken = state.Token },
                    cancellationToken);
            }
            catch (AwsServiceException e) when (e.Code == "ResourceNotFoundException")
            {
                return; // the stream appears with the build's first line
            }
            catch (AwsServiceException e)
            {
                state.Unavailable = true;
                log.Warning($"The build log {state.Group} {state.Stream} cannot be read ({e.Code}: {e.ErrorMessage}); following the pipeline without it.");
                return;
            }

            foreach (var line in (response.Events ?? []).SelectMany(e => (e.Message ?? "").TrimEnd('\r', '\n').Split('\n')))
            {
                Print(state, line.TrimEnd('\r'));
            }

            var sent = state.Token;
            state.Token = response.NextForwardToken ?? sent;
            if (state.Token == sent)
            {
                return;
            }
        }
    }

    /// <summary>The build as BatchGetBuilds describes it now (phases, status, log location); null when CodeBuild does not know it.</summary>
    public async Task<Build?> DescribeAsync(string buildId, CancellationToken cancellationToken) =>
        (await codeBuild.BatchGetBuildsAsync(new BatchGetBuildsRequest([buildId]), cancellationToken)).Builds?.FirstOrDefault(b => b.Id == buildId);

    /// <summary>The last lines printed for the build (at most the number given at construction).</summary>
    public IReadOnlyList<string> LastLines(string buildId) => builds.TryGetValue(buildId, out var state) ? [.. state.Recent] : [];

    /// <summary>Where the build's log is, once known: <c>group stream</c>.</summary>
    public string? Location(string buildId) => builds.TryGetValue(buildId, out var state) && state.Group is not null ? $"{state.Group} {state.Stream}" : null;

    private void Print(BuildLog state, string line)
    {
        log.Information("    | " + line);
        state.Recent.Enqueue(line);
        while (state.Recent.Count > keepLines)
        {
            state.Recent.Dequeue();
        }
    }

    private sealed class BuildLog
    {
        public string? Group { get; set; }

        public string? Stream { get; set; }

        public string? Token { get; set; }

        public bool Unavailable { get; set; }

        public Queue<string> Recent { get; } = new();
    }
}
