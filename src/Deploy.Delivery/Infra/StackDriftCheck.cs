using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>What one drift detection found: resources deleted or changed outside CloudFormation, and how many were checked.</summary>
internal sealed record DriftReport(IReadOnlyList<StackResourceDrift> Deleted, IReadOnlyList<StackResourceDrift> Modified, int Checked)
{
    public IReadOnlyList<DeletedResource> DeletedResources =>
        [.. Deleted.Select(d => new DeletedResource(d.LogicalResourceId ?? "?", d.ResourceType ?? "?", d.PhysicalResourceId ?? "?"))];
}

/// <summary>
/// Runs CloudFormation's drift detection once (DetectStackDrift, then polls DescribeStackDriftDetectionStatus, then reads
/// DescribeStackResourceDrifts) and prints what is deleted or modified. A template that did not change says nothing about
/// resources deleted or edited by hand; this does. It never fails the run: a detection that cannot run (no permission, a
/// stack state that does not allow it) is reported and skipped.
/// </summary>
internal sealed class StackDriftCheck(CloudFormationClient cloudFormation, IBuildLog log, TimeProvider clock)
{
    public async Task<DriftReport?> CheckAsync(string stackName, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        log.Information($"Checking stack {stackName} for drift (one DetectStackDrift per run): are its resources still there and as deployed?");
        try
        {
            var id = (await cloudFormation.DetectStackDriftAsync(new DetectStackDriftRequest { StackName = stackName }, cancellationToken)).StackDriftDetectionId
                ?? throw new BuildFailedException($"DetectStackDrift of stack {stackName} returned no detection id.");
            var status = await WaitAsync(id, timeout, pollInterval, cancellationToken);
            if (status is null)
            {
                log.Warning($"Drift detection {id} of stack {stackName} did not finish within {StackWatcher.Duration(timeout)}; skipped (CloudFormation keeps detecting).");
                return null;
            }

            if (status.DetectionStatus == DriftStatuses.DetectionFailed)
            {
                log.Warning($"Drift detection of stack {stackName} could not check every resource: {status.DetectionStatusReason ?? "no reason given"}.");
            }

            var drifts = await cloudFormation.DescribeAllStackResourceDriftsAsync(new DescribeStackResourceDriftsRequest { StackName = stackName }, cancellationToken)
                .ToListAsync(cancellationToken);
            var report = new DriftReport(
                [.. drifts.Where(d => d.StackResourceDriftStatus == DriftStatuses.Deleted)],
                [.. drifts.Where(d => d.StackResourceDriftStatus == DriftStatuses.Modified)],
                drifts.Count);
            Print(stackName, report);
            return report;
        }
        catch (AwsServiceException e)
        {
            log.Warning($"Drift check of stack {stackName} skipped: {e.Code}: {e.ErrorMessage}");
            return null;
        }
    }

    private void Print(string stackName, DriftReport report)
    {
        if (report.Deleted.Count == 0 && report.Modified.Count == 0)
        {
            log.Information($"No drift: the {report.Checked} resource(s) of stack {stackName} CloudFormation can check are as deployed.");
            return;
        }

        foreach (var deleted in report.Deleted)
        {
            log.Warning($"Drift: {deleted.LogicalResourceId} ({deleted.ResourceType}, {deleted.PhysicalResourceId}) was DELETED outside CloudFormation.");
        }

        foreach (var modified in report.Modified)
        {
            var differences = (modified.PropertyDifferences ?? [])
                .Select(p => $"{p.PropertyPath} is {p.ActualValue} (template: {p.ExpectedValue})");
            log.Warning($"Drift: {modified.LogicalResourceId} ({modified.ResourceType}, {modified.PhysicalResourceId}) was MODIFIED outside CloudFormation: "
                + string.Join("; ", differences) + ".");
        }

        if (report.Modified.Count > 0)
        {
            log.Warning("ProvisionInfra leaves hand edits in place (CloudFormation applies a property only when the template changes it): "
                + "set the value back by hand, or change the platform setting so the template says what you want.");
        }
    }

    private async Task<DescribeStackDriftDetectionStatusResponse?> WaitAsync(string id, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var interval = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var status = await cloudFormation.DescribeStackDriftDetectionStatusAsync(id, cancellationToken);
            if (status.DetectionStatus != DriftStatuses.DetectionInProgress)
            {
                return status;
            }

            if (clock.GetElapsedTime(started) >= timeout)
            {
                return null;
            }

            await Task.Delay(interval, clock, cancellationToken);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, Math.Max(pollInterval.Ticks, interval.Ticks)));
        }
    }
}
