using System.Text.Json.Nodes;
using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Aws.Ecr;
using Deploy.Aws.Ecs;

namespace Deploy.Delivery.Infra;

/// <summary>An ECS service found in the stack's cluster, and whether this checkout's DeployFargate made it (and why we think so).</summary>
public sealed record ClusterService(string Cluster, string Name, string Status, int Running, bool Owned, string Why);

/// <summary>A stack resource that still holds something CloudFormation will not delete it with.</summary>
public sealed record HeldData(string LogicalId, string ResourceType, string PhysicalId, string What, string EmptyIt);

/// <summary>What a stack holds besides its own resources, read before anything is deleted.</summary>
public sealed record StackHoldings(
    IReadOnlyList<StackResource> Resources,
    IReadOnlyList<ClusterService> Services,
    IReadOnlyList<string> StandaloneTasks,
    IReadOnlyList<HeldData> Data);

/// <summary>
/// Reads what the platform stack holds: its live resources, the services and tasks in its cluster, the images in its
/// repository and the object versions in its bucket. DeployFargate's service is not part of the stack; it is recognised by
/// what DeployFargate gives it: the stack's <c>ServiceName</c> output as its name and the stack's target group as its load balancer.
/// </summary>
public sealed class PlatformInventory(CloudFormationClient cloudFormation, EcsClient ecs, EcrClient ecr, IBucketContents buckets)
{
    /// <summary>Counting stops here: "at least this many" is all a decision needs.</summary>
    private const int CountLimit = 1000;

    public async Task<StackHoldings> ReadAsync(StackDescription stack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var id = stack.StackId ?? stack.StackName ?? throw new ArgumentException("The stack has neither id nor name.", nameof(stack));
        var resources = (await cloudFormation.DescribeStackResourcesAsync(new DescribeStackResourcesRequest { StackName = id }, cancellationToken)).StackResources
            .Where(r => r.ResourceStatus is not ("DELETE_COMPLETE" or "DELETE_SKIPPED") && r.PhysicalResourceId is not null)
            .ToList();
        var outputs = PlatformStackOutputs.OutputsOf(stack);
        var template = JsonNode.Parse((await cloudFormation.GetTemplateAsync(new GetTemplateRequest { StackName = id }, cancellationToken)).TemplateBody ?? "{}");

        var services = new List<ClusterService>();
        var standalone = new List<string>();
        var data = new List<HeldData>();
        foreach (var resource in resources)
        {
            var physicalId = resource.PhysicalResourceId!;
            switch (resource.ResourceType)
            {
                case "AWS::ECS::Cluster":
                    var (found, tasks) = await ClusterAsync(physicalId, outputs, cancellationToken);
                    services.AddRange(found);
                    standalone.AddRange(tasks);
                    break;
                case "AWS::ECR::Repository" when !EmptiedOnDelete(template, resource.LogicalResourceId):
                    var images = await ImagesAsync(physicalId, cancellationToken);
                    if (images > 0)
                    {
                        data.Add(new HeldData(resource.LogicalResourceId!, resource.ResourceType, physicalId, Count(images, "image id"),
                            $"aws ecr delete-repository --repository-name {physicalId} --force"));
                    }

                    break;
                case "AWS::S3::Bucket":
                    if (await buckets.CountVersionsAsync(physicalId, CountLimit, cancellationToken) is int versions && versions > 0)
                    {
                        data.Add(new HeldData(resource.LogicalResourceId!, resource.ResourceType, physicalId, Count(versions, "object version"),
                            $"aws s3api delete-objects --bucket {physicalId} over aws s3api list-object-versions --bucket {physicalId}"));
                    }

                    break;
            }
        }

        return new StackHoldings(resources, services, standalone, data);
    }

    private async Task<(List<ClusterService> Services, List<string> StandaloneTasks)> ClusterAsync(
        string cluster, IReadOnlyDictionary<string, string> outputs, CancellationToken cancellationToken)
    {
        var arns = new List<string>();
        try
        {
            await foreach (var arn in ecs.ListAllServicesAsync(new ListServicesRequest { Cluster = cluster }, cancellationToken))
            {
                arns.Add(arn);
            }
        }
        catch (AwsServiceException e) when (e.Code == "ClusterNotFoundException")
        {
            return ([], []);
        }

        var services = new List<ClusterService>();
        var serviceTasks = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in arns.Chunk(10))
        {
            var described = await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = batch }, cancellationToken);
            foreach (var service in (described.Services ?? []).Where(s => s.Status != "INACTIVE"))
            {
                var name = service.ServiceName ?? "?";
                var (owned, why) = Ownership(service, outputs);
                services.Add(new ClusterService(cluster, name, service.Status ?? "?", service.RunningCount ?? 0, owned, why));
                await foreach (var task in ecs.ListAllTasksAsync(new ListTasksRequest { Cluster = cluster, ServiceName = name }, cancellationToken))
                {
                    serviceTasks.Add(task);
                }
            }
        }

        var standalone = new List<string>();
        await foreach (var task in ecs.ListAllTasksAsync(new ListTasksRequest { Cluster = cluster }, cancellationToken))
        {
            if (!serviceTasks.Contains(task))
            {
                standalone.Add(task);
            }
        }

        return (services, standalone);
    }

    /// <summary>DeployFargate names the service after the stack's ServiceName output and registers it with the stack's target group.</summary>
    private static (bool Owned, string Why) Ownership(EcsService service, IReadOnlyDictionary<string, string> outputs)
    {
        var expectedName = outputs.GetValueOrDefault(PlatformOutputNames.ServiceName);
        var targetGroup = outputs.GetValueOrDefault(PlatformOutputNames.TargetGroupArn);
        if (expectedName is null || service.ServiceName != expectedName)
        {
            return (false, $"not the stack's service (its ServiceName output is {expectedName ?? "missing"})");
        }

        var groups = (service.LoadBalancers ?? []).Select(l => l.TargetGroupArn).OfType<string>().ToList();
        if (groups.Count > 0 && (targetGroup is null || !groups.Contains(targetGroup, StringComparer.Ordinal)))
        {
            return (false, "named like the stack's service but registered with another target group");
        }

        return (true, groups.Count > 0
            ? "DeployFargate created it: named after the stack's ServiceName output and registered with the stack's target group"
            : "DeployFargate created it: named after the stack's ServiceName output");
    }

    private async Task<int> ImagesAsync(string repository, CancellationToken cancellationToken)
    {
        var count = 0;
        try
        {
            await foreach (var _ in ecr.ListAllImagesAsync(new ListImagesRequest { RepositoryName = repository }, cancellationToken))
            {
                if (++count >= CountLimit)
                {
                    break;
                }
            }
        }
        catch (AwsServiceException e) when (e.Code == "RepositoryNotFoundException")
        {
            return 0;
        }

        return count;
    }

    /// <summary>A repository with <c>EmptyOnDelete: true</c> is deleted with its images: they do not block.</summary>
    private static bool EmptiedOnDelete(JsonNode? template, string? logicalId) =>
        logicalId is not null && template?["Resources"]?[logicalId]?["Properties"]?["EmptyOnDelete"]?.ToString() == "true";

    private static string Count(int count, string what) =>
        $"{(count >= CountLimit ? "at least " : "")}{count} {what}{(count == 1 ? "" : "s")}";
}
