using Deploy.Aws.Ecs;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Ecs;

public sealed class EcsModelConformanceTests
{
    private const string Service = "ecs";
    private const string TaskArn = "arn:aws:ecs:eu-west-1:123456789012:task/main/0123456789abcdef0123456789abcdef";

    /// <summary>A container definition using every member the deploy targets set.</summary>
    internal static ContainerDefinition WebContainer => new()
    {
        Name = "web",
        Image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.2.3",
        Cpu = 256,
        Memory = 512,
        MemoryReservation = 256,
        Essential = true,
        PortMappings = [new PortMapping { ContainerPort = 8080, HostPort = 8080, Protocol = "tcp", Name = "http", AppProtocol = "http" }],
        EntryPoint = ["dotnet"],
        Command = ["App.dll", "--urls", "http://+:8080"],
        Environment = [new NameValuePair("ASPNETCORE_ENVIRONMENT", "Production")],
        Secrets = [new Secret("DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf")],
        DependsOn = [new ContainerDependency("migrate", "SUCCESS")],
        HealthCheck = new HealthCheck { Command = ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], Interval = 30, Timeout = 5, Retries = 3, StartPeriod = 10 },
        LogConfiguration = new LogConfiguration
        {
            LogDriver = "awslogs",
            Options = new Dictionary<string, string> { ["awslogs-group"] = "/ecs/app", ["awslogs-region"] = "eu-west-1", ["awslogs-stream-prefix"] = "web" },
        },
        StopTimeout = 30,
        ReadonlyRootFilesystem = true,
        User = "1000",
        WorkingDirectory = "/app",
        DockerLabels = new Dictionary<string, string> { ["team"] = "platform" },
        Ulimits = [new Ulimit("nofile", 65536, 65536)],
        LinuxParameters = new LinuxParameters { InitProcessEnabled = true, Capabilities = new KernelCapabilities(null, ["ALL"]) },
        MountPoints = [new MountPoint("tmp", "/tmp", false)],
    };

    private static readonly Dictionary<string, Func<EcsClient, Task<object?>>> Calls = new()
    {
        ["RegisterTaskDefinition"] = async c => await c.RegisterTaskDefinitionAsync(new RegisterTaskDefinitionRequest
        {
            Family = "app",
            TaskRoleArn = "arn:aws:iam::123456789012:role/app-task",
            ExecutionRoleArn = "arn:aws:iam::123456789012:role/app-execution",
            NetworkMode = "awsvpc",
            RequiresCompatibilities = ["FARGATE"],
            Cpu = "512",
            Memory = "1024",
            RuntimePlatform = new RuntimePlatform("ARM64", "LINUX"),
            ContainerDefinitions =
            [
                WebContainer,
                new ContainerDefinition { Name = "migrate", Image = "app-migrations:1", Essential = false, Command = ["migrate"] },
            ],
            Volumes = [new Volume { Name = "tmp" }],
            EphemeralStorage = new EphemeralStorage(21),
            Tags = [new EcsTag("app", "web")],
        }),
        ["DescribeTaskDefinition"] = async c => await c.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = "app:3", Include = ["TAGS"] }),
        ["DeregisterTaskDefinition"] = async c => await c.DeregisterTaskDefinitionAsync(new DeregisterTaskDefinitionRequest("app:2")),
        ["ListTaskDefinitions"] = async c => await c.ListTaskDefinitionsAsync(new ListTaskDefinitionsRequest
        {
            FamilyPrefix = "app",
            Status = "ACTIVE",
            Sort = "DESC",
            MaxResults = 10,
        }),
        ["CreateCluster"] = async c => await c.CreateClusterAsync(new CreateClusterRequest
        {
            ClusterName = "main",
            Settings = [new ClusterSetting("containerInsights", "enabled")],
            CapacityProviders = ["FARGATE", "FARGATE_SPOT"],
            DefaultCapacityProviderStrategy = [new CapacityProviderStrategyItem("FARGATE", 1, 1)],
            Tags = [new EcsTag("env", "prod")],
        }),
        ["DescribeClusters"] = async c => await c.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["main"], Include = ["SETTINGS", "TAGS"] }),
        ["CreateService"] = async c => await c.CreateServiceAsync(new CreateServiceRequest
        {
            Cluster = "main",
            ServiceName = "web",
            TaskDefinition = "app:3",
            DesiredCount = 2,
            LaunchType = "FARGATE",
            PlatformVersion = "LATEST",
            NetworkConfiguration = new NetworkConfiguration(new AwsVpcConfiguration(["subnet-0123"], ["sg-0123"], "DISABLED")),
            LoadBalancers = [new LoadBalancer { TargetGroupArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef", ContainerName = "web", ContainerPort = 8080 }],
            DeploymentConfiguration = new DeploymentConfiguration
            {
                DeploymentCircuitBreaker = new DeploymentCircuitBreaker(true, true),
                MaximumPercent = 200,
                MinimumHealthyPercent = 100,
            },
            DeploymentController = new DeploymentController("ECS"),
            HealthCheckGracePeriodSeconds = 60,
            SchedulingStrategy = "REPLICA",
            EnableEcsManagedTags = true,
            PropagateTags = "SERVICE",
            EnableExecuteCommand = false,
            Tags = [new EcsTag("app", "web")],
            ClientToken = "deploy-42",
        }),
        ["UpdateService"] = async c => await c.UpdateServiceAsync(new UpdateServiceRequest
        {
            Cluster = "main",
            Service = "web",
            TaskDefinition = "app:4",
            DesiredCount = 3,
            ForceNewDeployment = true,
            DeploymentConfiguration = new DeploymentConfiguration { DeploymentCircuitBreaker = new DeploymentCircuitBreaker(true, true), MaximumPercent = 200, MinimumHealthyPercent = 50 },
            HealthCheckGracePeriodSeconds = 120,
            NetworkConfiguration = new NetworkConfiguration(new AwsVpcConfiguration(["subnet-0123", "subnet-4567"], ["sg-0123"], "ENABLED")),
            EnableEcsManagedTags = true,
        }),
        ["DescribeServices"] = async c => await c.DescribeServicesAsync(new DescribeServicesRequest { Cluster = "main", Services = ["web"], Include = ["TAGS"] }),
        ["DeleteService"] = async c => await c.DeleteServiceAsync(new DeleteServiceRequest { Cluster = "main", Service = "web", Force = true }),
        ["ListServices"] = async c => await c.ListServicesAsync(new ListServicesRequest
        {
            Cluster = "main",
            LaunchType = "FARGATE",
            SchedulingStrategy = "REPLICA",
            ResourceManagementType = "CUSTOMER",
            MaxResults = 10,
            NextToken = "token",
        }),
        ["ListTasks"] = async c => await c.ListTasksAsync(new ListTasksRequest
        {
            Cluster = "main",
            ServiceName = "web",
            DesiredStatus = "STOPPED",
            LaunchType = "FARGATE",
            MaxResults = 100,
        }),
        ["DescribeTasks"] = async c => await c.DescribeTasksAsync(new DescribeTasksRequest { Cluster = "main", Tasks = [TaskArn], Include = ["TAGS"] }),
        ["RunTask"] = async c => await c.RunTaskAsync(new RunTaskRequest
        {
            Cluster = "main",
            TaskDefinition = "app-migrate:1",
            Count = 1,
            LaunchType = "FARGATE",
            NetworkConfiguration = new NetworkConfiguration(new AwsVpcConfiguration(["subnet-0123"], ["sg-0123"], "DISABLED")),
            Overrides = new TaskOverride
            {
                ContainerOverrides = [new ContainerOverride { Name = "migrate", Command = ["migrate", "--to", "42"], Environment = [new NameValuePair("DRY_RUN", "false")] }],
            },
            StartedBy = "deploy",
            EnableEcsManagedTags = true,
            PropagateTags = "TASK_DEFINITION",
            Tags = [new EcsTag("purpose", "migration")],
        }),
        ["StopTask"] = async c => await c.StopTaskAsync(new StopTaskRequest { Cluster = "main", Task = TaskArn, Reason = "superseded" }),
        ["TagResource"] = c => ClientConformance.Nothing(c.TagResourceAsync(new TagResourceRequest("arn:aws:ecs:eu-west-1:123456789012:service/main/web", [new EcsTag("release", "42")]))),
    };

    public static TheoryData<string> Operations => [.. Calls.Keys];

    [Theory]
    [MemberData(nameof(Operations))]
    public Task Each_operation_sends_a_request_the_model_accepts_and_reads_every_member_it_declares_from_the_models_response(string operation) =>
        ClientConformance.CheckAsync(Service, operation, s => new EcsClient(s), Calls[operation]);

    [Fact]
    public void The_client_covers_every_ECS_operation_the_build_needs()
    {
        string[] needed =
        [
            "RegisterTaskDefinition", "DescribeTaskDefinition", "DeregisterTaskDefinition", "ListTaskDefinitions", "CreateCluster",
            "DescribeClusters", "CreateService", "UpdateService", "DescribeServices", "DeleteService", "ListServices", "ListTasks", "DescribeTasks",
            "RunTask", "StopTask", "TagResource",
        ];

        Assert.Equal(needed.Order(StringComparer.Ordinal), Calls.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_described_task_definition_registers_again_without_read_only_members_and_without_losing_unmodelled_ones()
    {
        var described = ResponseConformance.ReadSample<DescribeTaskDefinitionResponse>(Service, "DescribeTaskDefinition").TaskDefinition!;
        var handler = RecordingHandler.AnsweringWithSamples(Service);
        using var session = OfflineSession.For(handler);

        await new EcsClient(session).RegisterTaskDefinitionAsync(described.ToRegisterRequest([new EcsTag("k", "v")]));

        var sent = handler.Last;
        ModelAssert.Conforms(Service, sent);
        Assert.DoesNotContain("\"revision\"", sent.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("\"registeredAt\"", sent.BodyText, StringComparison.Ordinal);
        // Members the record does not name (e.g. firelens, restart policy details, EFS volumes) travel along.
        Assert.Contains("\"versionConsistency\"", sent.BodyText, StringComparison.Ordinal);
        Assert.Contains("\"efsVolumeConfiguration\"", sent.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_primary_deployment_carries_the_rollout_verdict()
    {
        var service = new EcsService
        {
            Deployments =
            [
                new Deployment { Id = "ecs-svc/1", Status = "ACTIVE", RolloutState = "COMPLETED" },
                new Deployment { Id = "ecs-svc/2", Status = "PRIMARY", RolloutState = "FAILED", RolloutStateReason = "ECS deployment circuit breaker: tasks failed to start." },
            ],
        };

        Assert.Equal("ecs-svc/2", service.PrimaryDeployment?.Id);
        Assert.Equal("FAILED", service.PrimaryDeployment?.RolloutState);
    }
}
