using Deploy.Delivery.Fargate;
using Deploy.Delivery.Notifications;

namespace Deploy.Delivery.Tests.Notifications;

/// <summary>Notifications as the build makes them, for the renderer and notifier tests.</summary>
internal static class SampleNotifications
{
    public const string Sha = "4f9c2e1d7a3b5c6d8e9f0a1b2c3d4e5f6a7b8c9d";

    public static NotificationContext Context { get; } = new()
    {
        Command = "DeployFargate",
        Service = "sample-service",
        Cluster = "sample-cluster",
        Profile = "profile aws",
        Account = "123456789012",
        Region = "eu-west-1",
        Commit = new CommitInfo(Sha, "Fix the health check path", "Jane Doe", new Uri("https://gitlab.example.com/team/sample-service/-/commit/" + Sha)),
        RanOn = new RunLocation("GitLab job deploy #4711", new Uri("https://gitlab.example.com/team/sample-service/-/jobs/4711")),
        ServiceUrl = new Uri("http://sample-lb-123.eu-west-1.elb.amazonaws.com/"),
    };

    public static RolloutFailure RolledBack(int tasks = 3, IReadOnlyList<string>? lines = null, string? reason = null) => new(
        "sample-service",
        "sample-service:8",
        reason ?? "deployment ecs-svc/2222 of sample-service:8 is gone; the PRIMARY deployment runs sample-service:7 (rolled back or replaced); service event: (service sample-service) deployment ecs-svc/2222 deployment failed: tasks failed to start",
        "sample-service:7",
        [.. Enumerable.Range(1, tasks).Select(i => new StoppedTask(
            $"task{i}aaaabbbbccccdddd",
            "Essential container in task exited",
            "EssentialContainerExited",
            [new StoppedContainer("sample-service", 3, null)],
            [new ContainerLog("sample-service", "/ecs/sample-service", $"ecs/sample-service/task{i}aaaabbbbccccdddd", lines ?? ["starting", "Unhandled exception: config key DB_URL is missing", "boom"])]))]);

    public static DeployNotification Deployed() => DeployNotification.For(Context, new DeployResult(DeployOutcome.Deployed, "sample-service:8", TimeSpan.FromSeconds(94), Context.ServiceUrl))!;

    public static DeployNotification Unchanged() => DeployNotification.For(Context, new DeployResult(DeployOutcome.Unchanged, "sample-service:8", TimeSpan.FromSeconds(3), Context.ServiceUrl))!;

    public static DeployNotification RolledBackByRollback() =>
        DeployNotification.For(Context with { Command = "Rollback" }, new DeployResult(DeployOutcome.RolledBack, "sample-service:7", TimeSpan.FromSeconds(40), Context.ServiceUrl))!;

    public static DeployNotification RolledBackByCircuitBreaker(RolloutFailure? failure = null) =>
        DeployNotification.For(Context, new DeploymentFailedException(failure ?? RolledBack()), TimeSpan.FromSeconds(75));

    public static DeployNotification Failed(string? message = null) =>
        DeployNotification.For(Context, new DeployException(message ?? "Image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service:abc is not in ECR (ImageNotFoundException: not found). Push it first (PushEcr); nothing was registered or updated."), TimeSpan.FromSeconds(4));

    public static DeployNotification TimedOut() => DeployNotification.For(
        Context,
        new DeploymentTimeoutException("sample-service did not finish rolling out sample-service:8 within 15 min: 1 of 2 tasks running, rolloutState IN_PROGRESS. The rollout goes on in ECS; raise --timeout to wait longer, or run Rollback.") { Revision = "sample-service:8" },
        TimeSpan.FromMinutes(15));
}
