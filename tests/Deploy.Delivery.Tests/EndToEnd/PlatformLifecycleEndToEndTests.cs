using System.Security.Cryptography;
using Deploy.Aws.Ecr;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Tests.Quality;
using Deploy.Engine;
using Xunit.Abstractions;

namespace Deploy.Delivery.Tests.EndToEnd;

/// <summary>
/// The platform's whole life with a running service, on a real local cloud with real Docker: DestroyInfra with the service
/// up, ProvisionInfra and DeployFargate again afterwards, and a Rollback across the destroy. A world of its own (the
/// platform goes away here).
/// </summary>
[Collection("Docker engine")]
public sealed class PlatformLifecycleEndToEndTests(DeployWorldOnLocalCloud world, ITestOutputHelper output) : IClassFixture<DeployWorldOnLocalCloud>, IDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task DestroyInfra_removes_the_running_service_and_the_stack_DeployFargate_then_comes_back_and_a_rollback_to_the_old_roles_is_refused()
    {
        var before = await world.DeployAsync(world.WebImage, NewCommit());
        Assert.Equal(DeployOutcome.Deployed, before.Outcome);
        var ecs = world.Ecs;
        var ecr = new EcrClient(world.Session);
        var log = new RecordingLog();
        var destroyer = StackDestroyer.For(world.Session, log);
        var options = new StackDestroyOptions { StackName = "deploy-platform", PollInterval = TimeSpan.FromMilliseconds(250), Timeout = TimeSpan.FromMinutes(3) };

        // 1. The repository holds the pushed images: nothing is deleted, the service keeps running.
        var refused = await Assert.ThrowsAsync<BuildFailedException>(() => destroyer.DestroyAsync(options));
        Assert.Contains("Repository (AWS::ECR::Repository sample-service) holds 2 image ids", refused.Message, StringComparison.Ordinal);
        Assert.Equal("CREATE_COMPLETE", (await new Aws.CloudFormation.CloudFormationClient(world.Session).FindStackAsync("deploy-platform"))!.StackStatus);
        Assert.Equal(("ACTIVE", 1), await ServiceAsync(ecs));
        Assert.Contains(log.Lines, l => l.StartsWith("  ECS service sample-service in cluster sample-service, first (1 running task(s); not part of the stack: DeployFargate created it", StringComparison.Ordinal));

        // 2. Emptied as the README says (list-images, batch-delete-image), DestroyInfra deletes and drains the service, then the stack.
        var ids = await ecr.ListAllImagesAsync(new ListImagesRequest { RepositoryName = "sample-service" }).ToListAsync();
        await ecr.BatchDeleteImageAsync(new BatchDeleteImageRequest { RepositoryName = "sample-service", ImageIds = ids });
        log.Clear();
        Assert.True(await destroyer.DestroyAsync(options));

        Assert.Contains("Deleting ECS service sample-service (DeployFargate created it; the stack does not manage it) and waiting for its tasks to drain", log.Lines);
        Assert.Contains("Service sample-service deleted; its tasks have stopped.", log.Lines);
        Assert.Contains("Stack deploy-platform deleted.", log.Lines);
        var (status, running) = await ServiceAsync(ecs);
        Assert.True(status is null or "INACTIVE" && running == 0, $"service {status}, {running} task(s)");
        // No task outlived the delete to write its log group back.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty((await new LogsClient(world.Session).DescribeLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = "/ecs/sample-service" })).LogGroups ?? []);
        output.WriteLine(string.Join('\n', log.Lines));

        // 3. Back up without a manual step: ProvisionInfra creates the platform again, DeployFargate creates the service.
        Assert.Equal(StackDeployOutcome.Created, (await world.ReprovisionAsync()).Outcome);
        var commit = NewCommit();
        var after = await world.DeployAsync(await world.PushWebAgainAsync(), commit);
        Assert.Equal(DeployOutcome.Deployed, after.Outcome);
        Assert.Equal($"{commit[..12]} {commit}", await world.GetThroughLoadBalancerAsync(http));

        // 4. The revision before the destroy names roles that are gone: refused before the service is touched.
        var rollback = await Assert.ThrowsAsync<DeployException>(() => world.Rollback().RollbackAsync(new RollbackOptions
        {
            Cluster = world.Platform.ClusterName,
            ServiceName = world.Platform.ServiceName,
            Timeout = TimeSpan.FromMinutes(2),
        }));
        Assert.StartsWith($"Cannot roll back to {before.TaskDefinition}: its execution role arn:aws:iam::", rollback.Message, StringComparison.Ordinal);
        Assert.Contains(" and task role arn:aws:iam::", rollback.Message, StringComparison.Ordinal);
        Assert.Contains("no longer exist (the platform was destroyed and provisioned again", rollback.Message, StringComparison.Ordinal);
        Assert.Equal(after.TaskDefinition, await world.ServiceTaskDefinitionAsync());
    }

    public void Dispose()
    {
        foreach (var line in world.TakeLog())
        {
            output.WriteLine(line);
        }

        http.Dispose();
    }

    /// <summary>The service's status and running tasks; (null, 0) once its cluster is gone too.</summary>
    private static async Task<(string? Status, int Running)> ServiceAsync(EcsClient ecs)
    {
        try
        {
            var service = await ecs.DescribeServiceAsync("sample-service", "sample-service");
            var tasks = await ecs.ListAllTasksAsync(new ListTasksRequest { Cluster = "sample-service", ServiceName = "sample-service" }).CountAsync();
            return (service?.Status, tasks);
        }
        catch (Aws.AwsServiceException e) when (e.Code == "ClusterNotFoundException")
        {
            return (null, 0);
        }
    }

    private static string NewCommit() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
}
