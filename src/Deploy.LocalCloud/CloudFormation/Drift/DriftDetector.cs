using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CloudFormation.Drift;

/// <summary>
/// DetectStackDrift's engine: compares every resource of a stack whose type has an <see cref="IResourceDriftReader"/> with
/// what its service reports (gone → <c>DELETED</c>, a set property changed → <c>MODIFIED</c>, else <c>IN_SYNC</c>), records
/// the results on the detection, the stack and its resources, and runs in the background like other stack work.
/// </summary>
internal sealed class DriftDetector(CloudFormationStore store, StackEngine engine, IEnumerable<IResourceDriftReader> readers)
{
    /// <summary>Detections kept per stack (AWS keeps the results of the last one; older ids stop answering).</summary>
    private const int KeptPerStack = 5;

    private readonly Dictionary<string, IResourceDriftReader> byType = readers.ToDictionary(r => r.ResourceType, StringComparer.Ordinal);

    /// <summary>Whether resources of <paramref name="resourceType"/> can be checked.</summary>
    public bool Supports(string resourceType) => byType.ContainsKey(resourceType);

    /// <summary>Starts a detection (optionally of some resources only) and returns its id.</summary>
    public string Start(string stackName, IReadOnlyList<string> logicalIds)
    {
        var (detectionId, stackId) = store.Update(state =>
        {
            var stack = CloudFormationStore.Stack(state, stackName);
            if (stack.IsBusy || stack.Status is StackStatus.ReviewInProgress or StackStatus.DeleteComplete)
            {
                throw new AwsServiceException("ValidationError", $"Drift detection cannot be performed on stack [{stack.StackName}] while it is in status {stack.Status}.");
            }

            var unknown = logicalIds.Where(id => !stack.Resources.ContainsKey(id)).ToList();
            if (unknown.Count > 0)
            {
                throw new AwsServiceException("ValidationError", $"Resources [{string.Join(", ", unknown)}] do not exist in stack [{stack.StackName}].");
            }

            var detection = new DriftDetectionRecord
            {
                DetectionId = Guid.NewGuid().ToString(),
                StackId = stack.StackId,
                DetectionStatusReason = "User Initiated",
                Timestamp = store.Now,
            };
            state.DriftDetections.Add(detection);
            var old = state.DriftDetections.Where(d => d.StackId == stack.StackId).SkipLast(KeptPerStack).ToList();
            state.DriftDetections.RemoveAll(old.Contains);
            return (detection.DetectionId, stack.StackId);
        });
        engine.Start("DetectStackDrift", _ => DetectAsync(detectionId, stackId, logicalIds));
        return detectionId;
    }

    private Task DetectAsync(string detectionId, string stackId, IReadOnlyList<string> logicalIds)
    {
        var resources = store.Read(state => CloudFormationStore.StackById(state, stackId).Resources.Values
            .Where(r => r.PhysicalId is not null && r.Status != StackStatus.DeleteComplete && (logicalIds.Count == 0 || logicalIds.Contains(r.LogicalId)))
            .Select(r => (r.LogicalId, r.PhysicalId!, r.Type, Properties: r.Properties.DeepClone().AsObject()))
            .ToList());
        var results = new List<ResourceDriftRecord>();
        foreach (var (logicalId, physicalId, type, expected) in resources)
        {
            if (byType.TryGetValue(type, out var reader))
            {
                results.Add(Check(reader, logicalId, physicalId, type, expected));
            }
        }

        var drifted = results.Count(r => r.Status is DriftStatus.Deleted or DriftStatus.Modified);
        var failed = results.Where(r => r.Status == DriftStatus.Unknown).Select(r => r.LogicalId).ToList();
        var stackStatus = drifted > 0 ? DriftStatus.Drifted : failed.Count > 0 ? DriftStatus.Unknown : DriftStatus.InSync;
        store.Update(state =>
        {
            var now = store.Now;
            var stack = CloudFormationStore.StackById(state, stackId);
            stack.DriftStatus = stackStatus;
            stack.DriftCheckedAt = now;
            foreach (var result in results)
            {
                if (stack.Resources.TryGetValue(result.LogicalId, out var record))
                {
                    record.DriftStatus = result.Status;
                    record.DriftCheckedAt = now;
                }
            }

            if (state.DriftDetections.FirstOrDefault(d => d.DetectionId == detectionId) is { } detection)
            {
                detection.Resources = results;
                detection.StackDriftStatus = stackStatus;
                detection.DriftedCount = drifted;
                detection.DetectionStatus = failed.Count > 0 ? DriftStatus.Failed : DriftStatus.Complete;
                detection.DetectionStatusReason = failed.Count > 0 ? $"Failed to detect drift on resources [{string.Join(", ", failed)}]" : null;
                detection.Timestamp = now;
            }
        });
        return Task.CompletedTask;
    }

    private ResourceDriftRecord Check(IResourceDriftReader reader, string logicalId, string physicalId, string type, JsonObject expected)
    {
        var expectedText = expected.ToJsonString();
        JsonObject? actual;
        try
        {
            actual = reader.ReadActual(physicalId, expected);
        }
        catch (Exception failure) when (failure is AwsServiceException or ResourceProviderException or InvalidOperationException)
        {
            return new ResourceDriftRecord(logicalId, physicalId, type, DriftStatus.Unknown, expectedText, null, [], failure.Message, store.Now);
        }

        if (actual is null)
        {
            return new ResourceDriftRecord(logicalId, physicalId, type, DriftStatus.Deleted, expectedText, null, [], null, store.Now);
        }

        var differences = PropertyDrift.Differences(expected, actual);
        return new ResourceDriftRecord(logicalId, physicalId, type, differences.Count > 0 ? DriftStatus.Modified : DriftStatus.InSync,
            expectedText, PropertyDrift.Actual(expected, actual).ToJsonString(), differences, null, store.Now);
    }
}
