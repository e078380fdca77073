using Deploy.Aws;
using Deploy.Aws.Ecr;
using Deploy.Engine;

namespace Deploy.Delivery.Registry;

/// <summary>
/// Awaits an image's scan-on-push result with DescribeImageScanFindings, polling with backoff (1 s doubling to 10 s)
/// up to a timeout. A scan that is not there yet or still running is waited for; a scan that failed or cannot run
/// is a warning (there is nothing to gate on); a scan still running at the timeout fails.
/// </summary>
internal sealed class ScanFindingsWaiter(EcrClient ecr, IBuildLog log, TimeProvider? clock = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly Func<TimeSpan, CancellationToken, Task> delay = delay ?? Task.Delay;

    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);
    private static readonly string[] Waiting = ["IN_PROGRESS", "PENDING"];
    private static readonly string[] Finished = ["COMPLETE", "ACTIVE"];

    /// <summary>The finished scan, or null when there is none to check (a warning says why). Without <c>awaitScan</c>: one look, no waiting.</summary>
    public async Task<ScanReport?> AwaitAsync(
        string repository, string? registryId, string digest, bool scanOnPush, bool awaitScan, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var wait = FirstDelay;
        var lastState = "";
        while (true)
        {
            string state;
            try
            {
                var first = await ecr.DescribeImageScanFindingsAsync(Request(repository, registryId, digest, null), cancellationToken);
                var status = first.ImageScanStatus?.Status ?? "UNKNOWN";
                if (Finished.Contains(status, StringComparer.OrdinalIgnoreCase))
                {
                    return await ReportAsync(first, repository, registryId, digest, status, cancellationToken);
                }

                if (!Waiting.Contains(status, StringComparer.OrdinalIgnoreCase))
                {
                    log.Warning($"The image scan of {EcrPushResult.Abbreviate(digest)} ended {status}"
                        + (first.ImageScanStatus?.Description is { Length: > 0 } why ? $" ({why})" : "") + "; findings not checked.");
                    return null;
                }

                state = status;
            }
            catch (EcrException e) when (e.Code == "ScanNotFoundException")
            {
                if (!scanOnPush)
                {
                    // Basic scanning runs only with scan-on-push; enhanced (registry-level) scanning would have answered.
                    log.Warning($"Repository '{repository}' does not scan on push and no scan of {EcrPushResult.Abbreviate(digest)} exists; findings not checked.");
                    return null;
                }

                state = "not started";
            }

            if (!awaitScan)
            {
                log.Information($"Image scan {state}; not awaited (no severity fails the push).");
                return null;
            }

            var elapsed = clock.GetUtcNow() - started;
            if (elapsed >= timeout)
            {
                throw new BuildFailedException(
                    $"The image scan of {EcrPushResult.Abbreviate(digest)} in '{repository}' is still {state} after {Format(timeout)}; "
                    + "the severity gate cannot be checked. Raise --scan-timeout, or pass --fail-on-severity None to push without the gate.");
            }

            if (state != lastState)
            {
                log.Information($"Waiting for the image scan ({state})…");
                lastState = state;
            }

            var remaining = timeout - elapsed;
            await delay(wait < remaining ? wait : remaining, cancellationToken);
            wait = wait * 2 < MaxDelay ? wait * 2 : MaxDelay;
        }
    }

    private async Task<ScanReport> ReportAsync(
        DescribeImageScanFindingsResponse first, string repository, string? registryId, string digest, string status, CancellationToken cancellationToken)
    {
        var findings = new List<ScanFinding>();
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (severity, count) in first.ImageScanFindings?.FindingSeverityCounts ?? new Dictionary<string, int>())
        {
            counts[severity] = count;
        }

        var page = first;
        while (true)
        {
            findings.AddRange((page.ImageScanFindings?.Findings ?? []).Select(ScanFinding.From));
            findings.AddRange((page.ImageScanFindings?.EnhancedFindings ?? []).Select(ScanFinding.From));
            if (string.IsNullOrEmpty(page.NextToken))
            {
                break;
            }

            page = await ecr.DescribeImageScanFindingsAsync(Request(repository, registryId, digest, page.NextToken), cancellationToken);
        }

        var ordered = findings.OrderByDescending(f => ScanSeverity.Rank(f.Severity)).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        return new ScanReport(status.ToUpperInvariant(), counts, ordered);
    }

    private static DescribeImageScanFindingsRequest Request(string repository, string? registryId, string digest, string? nextToken) => new()
    {
        RegistryId = registryId,
        RepositoryName = repository,
        ImageId = ImageIdentifier.ForDigest(digest),
        NextToken = nextToken,
    };

    private static string Format(TimeSpan span) => span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0} min" : $"{span.TotalSeconds:0} s";
}
