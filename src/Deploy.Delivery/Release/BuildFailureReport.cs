using System.Text;
using Deploy.Aws;
using Deploy.Aws.CodeBuild;
using Deploy.Aws.Logs;

namespace Deploy.Delivery.Release;

/// <summary>
/// Why a CodeBuild run failed, for the failure message: the phase that failed with its contexts (where CodeBuild puts a
/// buildspec's YAML error, an unknown key, or "no matching artifact paths found") and the last lines of its log.
/// </summary>
internal sealed class BuildFailureReport(BuildLogTail buildLogs, LogsClient logs, int lines)
{
    public async Task<string> DescribeAsync(string buildId, CancellationToken cancellationToken)
    {
        Build? build;
        try
        {
            build = await buildLogs.DescribeAsync(buildId, cancellationToken);
        }
        catch (AwsServiceException e)
        {
            return $"\nBuild {buildId} could not be described: {e.Message}";
        }

        var text = new StringBuilder($"\nBuild {buildId}: {build?.BuildStatus ?? "unknown to CodeBuild"}");
        var failed = (build?.Phases ?? []).FirstOrDefault(p => p.PhaseStatus is not (null or "SUCCEEDED" or "IN_PROGRESS"));
        if (failed is not null)
        {
            text.Append($" in phase {failed.PhaseType} ({failed.PhaseStatus})");
            foreach (var context in (failed.Contexts ?? []).Where(c => !string.IsNullOrWhiteSpace(c.Message)))
            {
                text.Append($"\n  {(string.IsNullOrEmpty(context.StatusCode) ? "" : context.StatusCode + ": ")}{context.Message!.Trim()}");
            }
        }

        var (location, last) = await LastLinesAsync(buildId, build, cancellationToken);
        if (last.Count == 0)
        {
            return text.Append($"\nThe build wrote no log lines{(location is null ? "" : $" ({location})")}.").ToString();
        }

        text.Append($"\nLast {last.Count} lines of the build log{(location is null ? "" : $" ({location})")}:");
        foreach (var line in last)
        {
            text.Append("\n  | ").Append(line);
        }

        return text.ToString();
    }

    /// <summary>What was streamed, else (the build failed before we saw its log) the stream's last events.</summary>
    private async Task<(string? Location, IReadOnlyList<string> Lines)> LastLinesAsync(string buildId, Build? build, CancellationToken cancellationToken)
    {
        var streamed = buildLogs.LastLines(buildId);
        if (streamed.Count > 0)
        {
            return (buildLogs.Location(buildId), streamed);
        }

        if (build?.Logs is not { GroupName: { } group, StreamName: { } stream })
        {
            return (null, []);
        }

        try
        {
            var events = await logs.GetLastEventsAsync(group, stream, lines, cancellationToken);
            return ($"{group} {stream}", [.. events.SelectMany(e => (e.Message ?? "").TrimEnd('\r', '\n').Split('\n')).TakeLast(lines)]);
        }
        catch (AwsServiceException e)
        {
            return ($"{group} {stream}: {e.Code}", []);
        }
    }
}
