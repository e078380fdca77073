using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation.Providers;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>
/// Deploy/AWS/ECS, the standard ECS deploy action: a new revision of the task definition the service runs, with the
/// images of <c>imagedefinitions.json</c> replaced by container name; UpdateService; then wait until the new PRIMARY
/// deployment's rolloutState is COMPLETED, and fail with the reason on FAILED (circuit breaker rollback) or after
/// <c>DeploymentTimeout</c> minutes. ECS is called in process through its JSON operations, so its validation applies;
/// each call is authorized first as the pipeline's role, with the resource the API request would name, and so are
/// s3:GetObject of the input artifact and iam:PassRole of the task definition's roles.
/// </summary>
internal sealed class DeployEcsAction(JsonServiceCalls calls, PipelineArtifacts artifacts, LocalCloudOptions options) : IPipelineAction
{
    private const string Ecs = "AmazonEC2ContainerServiceV20141113";

    /// <summary>The members of a task definition that RegisterTaskDefinition accepts back.</summary>
    private static readonly string[] RegistrableMembers =
    [
        "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes", "placementConstraints",
        "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode", "proxyConfiguration", "inferenceAccelerators",
        "ephemeralStorage", "runtimePlatform", "enableFaultInjection",
    ];

    /// <summary>The roles a task definition passes to ECS (iam:PassRole, passed to ecs-tasks.amazonaws.com).</summary>
    private static readonly string[] PassedRoleMembers = ["taskRoleArn", "executionRoleArn"];

    public string Category => "Deploy";

    public string Provider => "ECS";

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public async Task<ActionOutcome> RunAsync(ActionRun run, CancellationToken cancellationToken)
    {
        var cluster = run.RequiredSetting("ClusterName");
        var serviceName = run.RequiredSetting("ServiceName");
        var fileName = run.Setting("FileName") ?? "imagedefinitions.json";
        var timeout = Timeout(run.Setting("DeploymentTimeout"));
        if (run.InputArtifacts.Count != 1)
        {
            throw new PipelineActionException($"The ECS action needs exactly one input artifact (it has {run.InputArtifacts.Count}).");
        }

        run.Authorize("s3:GetObject", run.InputArtifacts[0].Arn);
        var images = ImageDefinitions.Read(artifacts.Read(run.InputArtifacts[0]), fileName, run.InputArtifacts[0].Name);
        var serviceArn = Arn($"service/{cluster}/{serviceName}");
        var service = DescribeService(run, cluster, serviceName);
        run.Authorize("ecs:DescribeTaskDefinition", "*");
        var current = Call("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = service["taskDefinition"]!.DeepClone() })["taskDefinition"]!.AsObject();
        var revision = NewRevision(current, images);
        // The revision is not known before it is registered: the family's, as the request names it.
        run.Authorize("ecs:RegisterTaskDefinition", Arn($"task-definition/{revision["family"]}:*"));
        foreach (var role in PassedRoleMembers.Select(m => revision[m]?.GetValue<string>()).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            run.Authorize("iam:PassRole", role, KeyValuePair.Create("iam:PassedToService", "ecs-tasks.amazonaws.com"));
        }

        var registered = Call("RegisterTaskDefinition", revision)["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        run.Authorize("ecs:UpdateService", serviceArn, KeyValuePair.Create("ecs:cluster", Arn($"cluster/{cluster}")));
        var updated = Call("UpdateService", new JsonObject { ["cluster"] = cluster, ["service"] = serviceName, ["taskDefinition"] = registered })["service"]!.AsObject();
        var deploymentId = Primary(updated)?["id"]?.GetValue<string>()
                           ?? throw new PipelineActionException($"UpdateService of {serviceName} returned no PRIMARY deployment.");
        run.ReportProgress(deploymentId, $"Deploying {registered}");
        return await WaitForRolloutAsync(run, cluster, serviceName, deploymentId, registered, timeout, cancellationToken);
    }

    private string Arn(string resource) => $"arn:aws:ecs:{options.Region}:{options.AccountId}:{resource}";

    private async Task<ActionOutcome> WaitForRolloutAsync(ActionRun run, string cluster, string serviceName, string deploymentId, string taskDefinition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var service = DescribeService(run, cluster, serviceName);
            var deployment = (service["deployments"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(d => d["id"]?.GetValue<string>() == deploymentId);
            var state = deployment?["rolloutState"]?.GetValue<string>();
            if (state == "COMPLETED")
            {
                return new ActionOutcome(deploymentId, $"Deployed {taskDefinition} to service {serviceName}", new Dictionary<string, string>());
            }

            if (state == "FAILED" || deployment is null)
            {
                var reason = deployment?["rolloutStateReason"]?.GetValue<string>() ?? FailureEvent(service, deploymentId) ?? "the deployment was replaced before it completed";
                throw new PipelineActionException($"The ECS deployment {deploymentId} of service {serviceName} failed: {reason}", deploymentId);
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new PipelineActionException(string.Create(CultureInfo.InvariantCulture,
                    $"The ECS deployment {deploymentId} of service {serviceName} did not complete within the DeploymentTimeout of {timeout.TotalMinutes:0} minutes (rolloutState {state})."), deploymentId);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static JsonObject NewRevision(JsonObject current, IReadOnlyList<ImageDefinition> images)
    {
        var revision = new JsonObject();
        foreach (var member in RegistrableMembers.Where(m => current[m] is not null))
        {
            revision[member] = current[member]!.DeepClone();
        }

        var containers = revision["containerDefinitions"]!.AsArray().OfType<JsonObject>().ToList();
        foreach (var image in images)
        {
            var container = containers.FirstOrDefault(c => c["name"]?.GetValue<string>() == image.Name)
                            ?? throw new PipelineActionException(
                                $"The AWS ECS container {image.Name} does not exist in task definition {current["family"]}:{current["revision"]} (containers: {string.Join(", ", containers.Select(c => c["name"]?.GetValue<string>()))}).");
            container["image"] = image.ImageUri;
        }

        return revision;
    }

    private JsonObject DescribeService(ActionRun run, string cluster, string serviceName)
    {
        run.Authorize("ecs:DescribeServices", Arn($"service/{cluster}/{serviceName}"), KeyValuePair.Create("ecs:cluster", Arn($"cluster/{cluster}")));
        var described = Call("DescribeServices", new JsonObject { ["cluster"] = cluster, ["services"] = new JsonArray(serviceName) });
        var service = (described["services"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault();
        if (service is null || service["status"]?.GetValue<string>() != "ACTIVE")
        {
            throw new PipelineActionException($"The ECS service {serviceName} does not exist in cluster {cluster} (ServiceName/ClusterName of the ECS action).");
        }

        return service;
    }

    private JsonObject Call(string operation, JsonObject request)
    {
        try
        {
            return calls.Call(Ecs, operation, request);
        }
        catch (AwsServiceException failure) when (failure.Code == "ClusterNotFoundException")
        {
            throw new PipelineActionException($"The ECS cluster {request["cluster"]} does not exist (ClusterName of the ECS action).");
        }
        catch (AwsServiceException failure)
        {
            throw new PipelineActionException($"ECS {operation} failed: {failure.Code}: {failure.Message}");
        }
    }

    private static JsonObject? Primary(JsonObject service) =>
        (service["deployments"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(d => d["status"]?.GetValue<string>() == "PRIMARY");

    /// <summary>
    /// After a rollback completes ECS drops the failed deployment, often between two polls; its failure is then only in the
    /// service event "deployment … deployment failed: …", from which the reason ECS gave (rolloutStateReason) is rebuilt.
    /// </summary>
    private static string? FailureEvent(JsonObject service, string deploymentId)
    {
        const string Marker = "deployment failed: ";
        var failed = (service["events"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(e => e["message"]?.GetValue<string>())
            .FirstOrDefault(m => m is not null && m.Contains(deploymentId, StringComparison.Ordinal) && m.Contains(Marker, StringComparison.Ordinal));
        if (failed is null)
        {
            return null;
        }

        var reason = failed[(failed.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..];
        return service["deploymentConfiguration"]?["deploymentCircuitBreaker"]?["enable"]?.GetValue<bool>() == true
            ? "ECS deployment circuit breaker: " + reason
            : reason;
    }

    /// <summary>DeploymentTimeout is in minutes, 1 to 60 (the default).</summary>
    private static TimeSpan Timeout(string? setting)
    {
        if (setting is null)
        {
            return TimeSpan.FromMinutes(60);
        }

        return int.TryParse(setting, NumberStyles.Integer, CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= 60
            ? TimeSpan.FromMinutes(minutes)
            : throw new PipelineActionException($"DeploymentTimeout must be a whole number of minutes from 1 to 60, not '{setting}'.");
    }
}
