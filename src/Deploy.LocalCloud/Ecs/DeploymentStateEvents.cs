using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Events;

namespace Deploy.LocalCloud.Ecs;

/// <summary>
/// ECS's "ECS Deployment State Change" events (source <c>aws.ecs</c>, AWS's "Amazon ECS service deployment state change
/// events"): SERVICE_DEPLOYMENT_IN_PROGRESS (a new deployment, or the one a circuit breaker rolls back to, its reason naming
/// it), SERVICE_DEPLOYMENT_COMPLETED and SERVICE_DEPLOYMENT_FAILED, with <c>deploymentId</c>, <c>updatedAt</c> and
/// <c>reason</c>. Collected inside the ECS state lock (each deployment remembers the state last published) and published
/// after it, so a rule's target never runs inside the lock.
/// </summary>
internal static class DeploymentStateEvents
{
    /// <summary>The events for every rollout state change of the service since the last call; marks them published.</summary>
    /// <param name="service">The service, inside the state lock.</param>
    /// <param name="startedAt">When this local cloud started: a deployment last changed before it was reported by an earlier run.</param>
    public static List<BusEvent> Collect(ServiceRecord service, DateTimeOffset startedAt)
    {
        var events = new List<BusEvent>();
        // A failure comes before the rollback it causes, as ECS reports them.
        foreach (var deployment in service.Deployments.OrderBy(d => d.RolloutState == "FAILED" ? 0 : 1))
        {
            if (deployment.PublishedRolloutState == deployment.RolloutState)
            {
                continue;
            }

            if (deployment.PublishedRolloutState is null && deployment.UpdatedAt < startedAt)
            {
                deployment.PublishedRolloutState = deployment.RolloutState;
                continue;
            }

            if (deployment.PublishedRolloutState is null && deployment.RolloutState != "IN_PROGRESS")
            {
                // Started and ended between two scheduler ticks: ECS would have reported the start too.
                events.Add(Event(service, deployment, "IN_PROGRESS", $"ECS deployment {deployment.Id} in progress."));
            }

            events.Add(Event(service, deployment, deployment.RolloutState, deployment.RolloutState == "IN_PROGRESS" && !deployment.RolledBackTo
                ? $"ECS deployment {deployment.Id} in progress."
                : deployment.RolloutStateReason ?? $"ECS deployment {deployment.Id} {deployment.RolloutState.ToLowerInvariant()}."));
            deployment.PublishedRolloutState = deployment.RolloutState;
        }

        return events;
    }

    private static BusEvent Event(ServiceRecord service, DeploymentRecord deployment, string state, string reason) =>
        new("aws.ecs", "ECS Deployment State Change", new JsonObject
        {
            ["eventType"] = state == "FAILED" ? "ERROR" : "INFO",
            ["eventName"] = "SERVICE_DEPLOYMENT_" + state,
            ["deploymentId"] = deployment.Id,
            ["updatedAt"] = deployment.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["reason"] = reason,
        }, [service.Arn], deployment.UpdatedAt);
}
