using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>What <see cref="StackDestroyer"/> deletes and how long it may wait.</summary>
public sealed record StackDestroyOptions
{
    public required string StackName { get; init; }

    /// <summary>
    /// For a stack whose earlier delete failed (DELETE_FAILED): delete it while keeping the resources CloudFormation could not
    /// delete (a repository with images, a bucket with objects). They stay in the account and must be deleted by hand.
    /// </summary>
    public bool RetainFailed { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Deletes the platform stack with its events streamed. CloudFormation refuses to delete an image repository that still
/// holds images and a bucket that still holds objects (any version); those resources end DELETE_FAILED, and so does the
/// stack. This class does not empty them (that would destroy images and pipeline artifacts without asking): it names them
/// and says what to do, and with <see cref="StackDestroyOptions.RetainFailed"/> deletes the stack while keeping them.
/// </summary>
public sealed class StackDestroyer(CloudFormationClient cloudFormation, IBuildLog log, TimeProvider? clock = null)
{
    /// <summary>What DestroyInfra prints when a resource could not be deleted (also the README's text).</summary>
    public const string DataLossGuidance =
        "CloudFormation does not delete an ECR repository that still contains images, nor an S3 bucket that still contains objects "
        + "(with versioning on, that includes every old version and delete marker), nor an ECS cluster that still runs a service "
        + "(DeployFargate's service is not part of the stack). Either empty them and run DestroyInfra again "
        + "(aws ecr batch-delete-image / aws ecr delete-repository --force; aws s3api delete-objects over list-object-versions; "
        + "aws ecs delete-service --force), or run DestroyInfra --retain-failed to delete the stack and keep them: they stay in the "
        + "account under their names (and keep costing storage) until you delete them, and the repository's name stays taken, "
        + "so provisioning the same service again fails until it is gone.";

    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>Deletes the stack; returns false when there was none. Throws with the resources left when the delete fails.</summary>
    public async Task<bool> DestroyAsync(StackDestroyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return await DeleteAsync(options, cancellationToken);
        }
        catch (AwsServiceException e)
        {
            throw new BuildFailedException(e.Message, e);
        }
    }

    private async Task<bool> DeleteAsync(StackDestroyOptions options, CancellationToken cancellationToken)
    {
        var name = options.StackName;
        var watcher = new StackWatcher(cloudFormation, log, clock, options.PollInterval);
        var stack = await cloudFormation.FindStackAsync(name, cancellationToken);
        if (stack is null)
        {
            log.Information($"Stack {name} does not exist; nothing to delete.");
            return false;
        }

        var id = stack.StackId ?? name;
        var events = await watcher.StartStreamAsync(id, cancellationToken);
        if (stack.StackStatus != "REVIEW_IN_PROGRESS" && StackStatuses.IsInProgress(stack.StackStatus))
        {
            log.Information($"Stack {name} is {stack.StackStatus}; waiting up to {StackWatcher.Duration(options.Timeout)} before deleting it.");
            stack = await watcher.FollowAsync(id, events, options.Timeout, 0, Waited(name, options), justStarted: false, cancellationToken);
            if (stack is null || stack.StackStatus == "DELETE_COMPLETE")
            {
                log.Information($"Stack {name} was deleted meanwhile.");
                return true;
            }
        }

        IReadOnlyList<string>? retain = null;
        if (options.RetainFailed && stack.StackStatus == "DELETE_FAILED")
        {
            var resources = await cloudFormation.DescribeStackResourcesAsync(new DescribeStackResourcesRequest { StackName = id }, cancellationToken);
            retain = [.. resources.StackResources.Where(r => r.ResourceStatus == "DELETE_FAILED").Select(r => r.LogicalResourceId!)];
            log.Information($"Keeping what could not be deleted: {string.Join(", ", retain)} (delete them by hand later).");
        }

        log.Information($"Deleting stack {name} ({stack.StackStatus})");
        await cloudFormation.DeleteStackAsync(new DeleteStackRequest { StackName = id, RetainResources = retain }, cancellationToken);
        var final = await watcher.FollowAsync(id, events, options.Timeout, 0, Waited(name, options), justStarted: true, cancellationToken);
        if (final is null || final.StackStatus == "DELETE_COMPLETE")
        {
            log.Information($"Stack {name} deleted.");
            return true;
        }

        var failed = StackWatcher.FirstFailure(events.Shown) ?? final.StackStatusReason ?? "no resource reported a reason";
        throw new BuildFailedException($"Deleting stack {name} failed ({final.StackStatus}): {failed}. {DataLossGuidance}");
    }

    private static Func<string?, string> Waited(string name, StackDestroyOptions options) =>
        status => $"Stack {name} is still {status} after {StackWatcher.Duration(options.Timeout)}; run DestroyInfra again to keep waiting.";
}
