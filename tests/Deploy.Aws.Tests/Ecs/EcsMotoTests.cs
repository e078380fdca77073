using Deploy.Aws.Ecs;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Ecs;

[Collection(MotoGroup.Name)]
public sealed class EcsMotoTests(MotoServer moto) : MotoTestBase(moto)
{
    private static RegisterTaskDefinitionRequest AppTaskDefinition(string image = "app:1") => new()
    {
        Family = "app",
        NetworkMode = "awsvpc",
        RequiresCompatibilities = ["FARGATE"],
        Cpu = "256",
        Memory = "512",
        ExecutionRoleArn = $"arn:aws:iam::{MotoServer.AccountId}:role/app-execution",
        RuntimePlatform = new RuntimePlatform("X86_64", "LINUX"),
        ContainerDefinitions = [EcsModelConformanceTests.WebContainer with { Image = image, DependsOn = null, MountPoints = null }],
    };

    [Fact]
    public async Task A_cluster_is_created_and_described()
    {
        using var session = MotoSessions.For(Moto);
        var ecs = new EcsClient(session);

        var created = await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "main", Tags = [new EcsTag("env", "test")] });
        var described = await ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["main", "missing"] });

        Assert.Equal("ACTIVE", created.Cluster?.Status);
        Assert.Equal($"arn:aws:ecs:us-east-1:{MotoServer.AccountId}:cluster/main", created.Cluster?.ClusterArn);
        Assert.Equal("main", Assert.Single(described.Clusters!).ClusterName);
        Assert.Equal("MISSING", Assert.Single(described.Failures!).Reason);
    }

    [Fact]
    public async Task Task_definitions_register_describe_list_reregister_and_deregister()
    {
        using var session = MotoSessions.For(Moto);
        var ecs = new EcsClient(session);

        var first = await ecs.RegisterTaskDefinitionAsync(AppTaskDefinition() with { Tags = [new EcsTag("app", "web")] });
        var described = await ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = "app", Include = ["TAGS"] });
        var second = await ecs.RegisterTaskDefinitionAsync(described.TaskDefinition!.ToRegisterRequest(described.Tags) with
        {
            ContainerDefinitions = [described.TaskDefinition.ContainerDefinitions![0] with { Image = "app:2" }],
        });
        var arns = new List<string>();
        await foreach (var arn in ecs.ListAllTaskDefinitionsAsync(new ListTaskDefinitionsRequest { FamilyPrefix = "app" }))
        {
            arns.Add(arn);
        }

        var deregistered = await ecs.DeregisterTaskDefinitionAsync(new DeregisterTaskDefinitionRequest("app:1"));

        Assert.Equal(1, first.TaskDefinition?.Revision);
        var container = Assert.Single(described.TaskDefinition.ContainerDefinitions!);
        Assert.Equal("web", container.Name);
        Assert.Equal(8080, Assert.Single(container.PortMappings!).ContainerPort);
        Assert.Equal("awslogs", container.LogConfiguration?.LogDriver);
        Assert.Equal(["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], container.HealthCheck?.Command);
        Assert.Equal("DB_PASSWORD", Assert.Single(container.Secrets!).Name);
        Assert.Equal("256", described.TaskDefinition.Cpu);
        Assert.Equal("awsvpc", described.TaskDefinition.NetworkMode);
        Assert.Equal(2, second.TaskDefinition?.Revision);
        Assert.Equal("app:2", second.TaskDefinition?.ContainerDefinitions?[0].Image);
        Assert.Equal(2, arns.Count);
        Assert.Equal("INACTIVE", deregistered.TaskDefinition?.Status);
    }

    [Fact]
    public async Task A_fargate_service_in_the_default_vpc_is_created_updated_described_and_deleted()
    {
        using var session = MotoSessions.For(Moto);
        var ecs = new EcsClient(session);
        var (subnets, securityGroup) = await MotoSessions.DefaultVpcAsync(Moto);
        await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "main" });
        await ecs.RegisterTaskDefinitionAsync(AppTaskDefinition());
        await ecs.RegisterTaskDefinitionAsync(AppTaskDefinition("app:2"));

        var created = await ecs.CreateServiceAsync(new CreateServiceRequest
        {
            Cluster = "main",
            ServiceName = "web",
            TaskDefinition = "app:1",
            DesiredCount = 2,
            LaunchType = "FARGATE",
            NetworkConfiguration = new NetworkConfiguration(new AwsVpcConfiguration([.. subnets.Take(2)], [securityGroup], "ENABLED")),
            DeploymentConfiguration = new DeploymentConfiguration
            {
                DeploymentCircuitBreaker = new DeploymentCircuitBreaker(true, true),
                MaximumPercent = 200,
                MinimumHealthyPercent = 100,
            },
            HealthCheckGracePeriodSeconds = 30,
        });
        var updated = await ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = "main", Service = "web", TaskDefinition = "app:2", ForceNewDeployment = true });
        var service = await ecs.DescribeServiceAsync("main", "web");
        var missing = await ecs.DescribeServiceAsync("main", "nope");
        await ecs.UpdateServiceAsync(new UpdateServiceRequest { Cluster = "main", Service = "web", DesiredCount = 0 });
        var deleted = await ecs.DeleteServiceAsync(new DeleteServiceRequest { Cluster = "main", Service = "web" });

        Assert.Equal("ACTIVE", created.Service?.Status);
        Assert.Equal(2, created.Service?.DesiredCount);
        Assert.Equal([.. subnets.Take(2)], created.Service?.NetworkConfiguration?.AwsvpcConfiguration?.Subnets);
        Assert.Equal([securityGroup], created.Service?.NetworkConfiguration?.AwsvpcConfiguration?.SecurityGroups);
        Assert.EndsWith("app:2", updated.Service?.TaskDefinition, StringComparison.Ordinal);
        Assert.NotNull(service?.PrimaryDeployment);
        Assert.EndsWith("app:2", service.TaskDefinition, StringComparison.Ordinal);
        // moto does not keep deploymentConfiguration (circuit breaker); the model tests cover its shape.
        Assert.Null(missing);
        Assert.NotNull(deleted.Service?.ServiceArn);
    }

    [Fact]
    public async Task Describing_services_of_a_missing_cluster_fails_with_ClusterNotFoundException_naming_service_and_cluster()
    {
        using var session = MotoSessions.For(Moto);

        var error = await Assert.ThrowsAsync<EcsException>(() => new EcsClient(session).DescribeServiceAsync("nope", "web"));

        Assert.Equal("ClusterNotFoundException", error.Code);
        Assert.StartsWith("ECS DescribeServices failed for service 'web' in cluster 'nope': ClusterNotFoundException:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_off_task_runs_is_listed_described_and_stopped()
    {
        using var session = MotoSessions.For(Moto);
        var ecs = new EcsClient(session);
        var (subnets, securityGroup) = await MotoSessions.DefaultVpcAsync(Moto);
        await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "main" });
        await ecs.RegisterTaskDefinitionAsync(AppTaskDefinition());

        var run = await ecs.RunTaskAsync(new RunTaskRequest
        {
            Cluster = "main",
            TaskDefinition = "app:1",
            LaunchType = "FARGATE",
            Count = 1,
            StartedBy = "deploy",
            NetworkConfiguration = new NetworkConfiguration(new AwsVpcConfiguration([subnets[0]], [securityGroup], "DISABLED")),
            Overrides = new TaskOverride { ContainerOverrides = [new ContainerOverride { Name = "web", Command = ["migrate"] }] },
        });
        var taskArn = Assert.Single(run.Tasks!).TaskArn!;
        var listed = new List<string>();
        await foreach (var arn in ecs.ListAllTasksAsync(new ListTasksRequest { Cluster = "main", StartedBy = "deploy" }))
        {
            listed.Add(arn);
        }

        var described = await ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = "main", Tasks = [taskArn] });
        var stopped = await ecs.StopTaskAsync(new StopTaskRequest { Cluster = "main", Task = taskArn, Reason = "test over" });

        Assert.Equal([taskArn], listed);
        var task = Assert.Single(described.Tasks!);
        Assert.EndsWith("task-definition/app:1", task.TaskDefinitionArn, StringComparison.Ordinal);
        Assert.Equal("web", Assert.Single(task.Containers!).Name);
        Assert.Equal("test over", stopped.Task?.StoppedReason);
        Assert.Equal("STOPPED", stopped.Task?.DesiredStatus);
    }

    [Fact]
    public async Task Tags_are_added_to_a_cluster()
    {
        using var session = MotoSessions.For(Moto);
        var ecs = new EcsClient(session);
        var cluster = (await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "main" })).Cluster!;

        await ecs.TagResourceAsync(new TagResourceRequest(cluster.ClusterArn!, [new EcsTag("release", "42")]));
        var described = await ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["main"], Include = ["TAGS"] });

        Assert.Contains(new EcsTag("release", "42"), Assert.Single(described.Clusters!).Tags!);
    }
}
