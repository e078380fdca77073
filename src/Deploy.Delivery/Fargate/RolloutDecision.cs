using Deploy.Aws.Ecs;

namespace Deploy.Delivery.Fargate;

/// <summary>Where a rollout stands after one DescribeServices.</summary>
public enum RolloutState
{
    /// <summary>Keep waiting.</summary>
    InProgress,

    /// <summary>Our deployment is PRIMARY, its rolloutState is COMPLETED and all its tasks run.</summary>
    Succeeded,

    /// <summary>Our deployment failed, was rolled back or was replaced; it will not complete.</summary>
    Failed,
}

/// <param name="State">The verdict.</param>
/// <param name="Summary">Why, in one line: what is pending, or why it failed.</param>
/// <param name="Deployment">Our deployment as last seen, when it is still on the service.</param>
/// <param name="RolledBackTo">
/// For a failure: <c>family:revision</c> the circuit breaker rolled the service back to (our deployment failed, and the
/// PRIMARY deployment runs another revision); null when it was replaced by another deploy, or nothing was rolled back.
/// </param>
public sealed record RolloutVerdict(RolloutState State, string Summary, Deployment? Deployment, string? RolledBackTo = null);

/// <summary>The deployment a rollout is about: the one UpdateService/CreateService started.</summary>
/// <param name="DeploymentId">Its id (<c>ecs-svc/…</c>); when null, the deployment running <paramref name="TaskDefinitionArn"/> is ours.</param>
/// <param name="TaskDefinitionArn">The revision it rolls out.</param>
public sealed record RolloutTarget(string? DeploymentId, string TaskDefinitionArn);

/// <summary>
/// The wait's decision, a pure function of one DescribeServices response: success ONLY when the PRIMARY deployment is
/// ours (our id, our task definition), its rolloutState is COMPLETED and its running count equals its desired count.
/// "One deployment and running == desired" is not enough: after the circuit breaker rolls back, exactly that holds for
/// the previous revision (the mistake of <c>aws ecs wait services-stable</c>).
/// </summary>
public static class RolloutDecision
{
    public static RolloutVerdict Evaluate(DescribeServicesResponse response, RolloutTarget target)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(target);
        var service = response.Services is { Count: > 0 } services ? services[0] : null;
        if (service is null || service.Status is "INACTIVE" or "DRAINING")
        {
            var why = response.Failures is { Count: > 0 } failures ? $" ({failures[0].Reason})" : "";
            return new(RolloutState.Failed, $"the service is {service?.Status ?? "missing"}{why}: it was deleted during the rollout", null);
        }

        var deployments = service.Deployments ?? [];
        var primary = service.PrimaryDeployment;
        var ours = target.DeploymentId is { } id
            ? deployments.FirstOrDefault(d => d.Id == id)
            : deployments.FirstOrDefault(d => d.TaskDefinition == target.TaskDefinitionArn);
        var revision = Revision(target.TaskDefinitionArn);

        // Rolled back: ours failed (rolloutState FAILED, or ECS's "deployment failed" event) and the PRIMARY deployment
        // runs another revision. Without that evidence another revision as PRIMARY is a replacement, not a rollback.
        var failureEvent = FailureEvent(service, target.DeploymentId);
        var otherPrimary = primary is not null && primary.TaskDefinition != target.TaskDefinitionArn ? Revision(primary.TaskDefinition) : null;
        var rolledBackTo = ours?.RolloutState == "FAILED" || failureEvent.Length > 0 ? otherPrimary : null;
        if (ours is null)
        {
            return new(RolloutState.Failed, primary?.TaskDefinition == target.TaskDefinitionArn
                ? $"deployment {target.DeploymentId} of {revision} was replaced by deployment {primary.Id}"
                : $"deployment {target.DeploymentId ?? "of " + revision} is gone; the PRIMARY deployment runs {Revision(primary?.TaskDefinition)} (rolled back or replaced){failureEvent}", null, rolledBackTo);
        }

        if (ours.RolloutState == "FAILED")
        {
            var rolledBack = primary is not null && primary != ours ? $"; rolled back to {Revision(primary.TaskDefinition)}" : "";
            return new(RolloutState.Failed, $"rollout of {revision} FAILED: {ours.RolloutStateReason?.TrimEnd('.', ' ') ?? "no reason given"}{rolledBack}", ours, rolledBackTo);
        }

        if (ours.Status != "PRIMARY")
        {
            return new(RolloutState.Failed, primary?.TaskDefinition == target.TaskDefinitionArn
                ? $"deployment {ours.Id} of {revision} was replaced by deployment {primary.Id}"
                : $"{revision} is no longer PRIMARY ({ours.Status}); the PRIMARY deployment runs {Revision(primary?.TaskDefinition)} (rolled back or replaced)", ours, rolledBackTo);
        }

        var running = ours.RunningCount ?? 0;
        var desired = ours.DesiredCount ?? 0;
        if (ours.RolloutState == "COMPLETED" && running == desired)
        {
            return new(RolloutState.Succeeded, $"{running} of {desired} tasks running, rolloutState COMPLETED", ours);
        }

        var pending = $"{running} of {desired} tasks running";
        if (ours.PendingCount is > 0)
        {
            pending += $", {ours.PendingCount} pending";
        }

        if (ours.FailedTasks is > 0)
        {
            pending += $", {ours.FailedTasks} failed to start";
        }

        pending += $", rolloutState {ours.RolloutState ?? "not reported"}";
        var older = deployments.Count(d => d != ours);
        if (older > 0)
        {
            pending += $", {older} older deployment{(older == 1 ? "" : "s")} still active";
        }

        return new(RolloutState.InProgress, pending, ours);
    }

    /// <summary>
    /// A rollback can finish between two polls, removing our deployment from the response; the service event
    /// "deployment ... deployment failed: ..." is then the only place left that says why.
    /// </summary>
    private static string FailureEvent(EcsService service, string? deploymentId) =>
        deploymentId is not null
        && service.Events?.FirstOrDefault(e => e.Message is { } m && m.Contains(deploymentId, StringComparison.Ordinal) && m.Contains("deployment failed", StringComparison.Ordinal))?.Message is { } failed
            ? "; service event: " + failed.TrimEnd('.', ' ')
            : "";

    /// <summary><c>family:revision</c> of a task definition ARN (the ARN itself when it has another form).</summary>
    public static string Revision(string? taskDefinitionArn)
    {
        if (taskDefinitionArn is null)
        {
            return "(none)";
        }

        var slash = taskDefinitionArn.LastIndexOf('/');
        return slash >= 0 ? taskDefinitionArn[(slash + 1)..] : taskDefinitionArn;
    }
}
