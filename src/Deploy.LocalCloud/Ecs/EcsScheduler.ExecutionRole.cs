using System.Text.Json.Nodes;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

internal sealed partial class EcsScheduler
{
    /// <summary>
    /// What ECS's agent does as the task execution role before a container runs: fetch the registry token and pull
    /// from ECR, create the awslogs stream and write to it (the shape of AWS's AmazonECSTaskExecutionRolePolicy). The
    /// local agent pulls with its own token and appends logs itself, so the role's permissions are checked here, and a
    /// role that may not do it stops the task with ECS's reason. Null when the task may start.
    /// </summary>
    private string? ExecutionRoleDenial(TaskRecord task, JsonObject definition)
    {
        var roleArn = definition.OptionalString("executionRoleArn");
        var pullsFromEcr = task.Containers.Any(c => c.Image.StartsWith(address.RegistryHost + "/", StringComparison.Ordinal));
        var writesLogs = task.Containers.Any(c => c.LogGroup is not null);
        if (roleArn is null || (!pullsFromEcr && !writesLogs))
        {
            return null; // nothing the agent does for this task needs the role (RegisterTaskDefinition checked the rest)
        }

        var taskId = task.Arn[(task.Arn.LastIndexOf('/') + 1)..];
        ServiceRoleSession session;
        try
        {
            session = roleSessions.Assume(roleArn, "ecs-tasks.amazonaws.com", taskId, "ECS");
        }
        catch (RoleSessionDeniedException denied)
        {
            return $"ResourceInitializationError: unable to pull secrets or registry auth: {denied.Message}";
        }

        // The registry token first, once for the task (as the agent fetches it before any pull).
        if (pullsFromEcr && RegistryAuthDenial(session) is { } authDenial)
        {
            return authDenial;
        }

        foreach (var container in task.Containers)
        {
            try
            {
                if (container.Image.StartsWith(address.RegistryHost + "/", StringComparison.Ordinal))
                {
                    var repository = RepositoryArn(container.Image);
                    session.Require("ecr:BatchGetImage", repository);
                    session.Require("ecr:GetDownloadUrlForLayer", repository);
                }
            }
            catch (RoleSessionDeniedException denied)
            {
                return $"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {container.Image}: denied: {denied.Message}";
            }

            try
            {
                if (container.LogGroup is { } group && container.LogStream is { } stream)
                {
                    var streamArn = $"arn:aws:logs:{options.Region}:{options.AccountId}:log-group:{group}:log-stream:{stream}";
                    session.Require("logs:CreateLogStream", streamArn);
                    session.Require("logs:PutLogEvents", streamArn);
                }
            }
            catch (RoleSessionDeniedException denied)
            {
                return $"ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: {denied.Message}";
            }
        }

        return null;
    }

    /// <summary>The agent's ecr:GetAuthorizationToken, refused as ECS reports it (before any pull).</summary>
    private static string? RegistryAuthDenial(ServiceRoleSession session)
    {
        try
        {
            session.Require("ecr:GetAuthorizationToken", "*");
            return null;
        }
        catch (RoleSessionDeniedException denied)
        {
            return $"ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: AccessDeniedException: {denied.Message}";
        }
    }

    /// <summary>The ECR repository ARN of a local registry image (<c>host/name:tag</c> or <c>host/name@digest</c>).</summary>
    private string RepositoryArn(string image)
    {
        var path = image[(address.RegistryHost.Length + 1)..];
        var end = path.IndexOfAny(['@', ':']);
        return $"arn:aws:ecr:{options.Region}:{options.AccountId}:repository/{(end < 0 ? path : path[..end])}";
    }
}
