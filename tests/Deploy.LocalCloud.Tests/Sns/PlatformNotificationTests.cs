using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Ecs;
using Deploy.LocalCloud.Tests.Support;
using Xunit.Abstractions;

namespace Deploy.LocalCloud.Tests.Sns;

/// <summary>
/// Issue 13, part 2: the platform notifies by itself. The rendered platform template on a local cloud, a real HTTP
/// subscriber on its topic; a push whose pipeline fails in Build, and a service deployment the circuit breaker rolls back,
/// reach the subscriber through the template's rules, input transformers, topic and SNS's HTTP delivery.
/// </summary>
[Collection(EcsDockerTests.Name)]
public sealed class PlatformNotificationTests(PlatformNotificationWorld world, ITestOutputHelper output) : IClassFixture<PlatformNotificationWorld>
{
    private const string Pipeline = PlatformNotificationWorld.Pipeline;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_push_whose_pipeline_fails_in_Build_reaches_the_subscriber_as_one_notification_naming_the_pipeline_the_execution_and_the_stage()
    {
        var url = (await world.Cli.JsonAsync("codecommit", "get-repository", "--repository-name", PlatformNotificationWorld.Service))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        var clone = world.Git.Path("service");
        await world.Git.GitAsync(world.Git.Path(""), "clone", "-q", url, clone);
        // A build that fails whether or not a CodeBuild executor runs it: without one the Build action fails at once.
        await File.WriteAllTextAsync(Path.Combine(clone, "buildspec.yml"), "version: 0.2\nphases:\n  build:\n    commands:\n      - exit 1\n");
        await world.Git.GitAsync(clone, "add", "buildspec.yml");
        var commit = await world.Git.CommitAsync(clone, "A change whose build fails");
        await world.Git.GitAsync(clone, "push", "-q", "origin", "HEAD:refs/heads/main");

        var execution = await EcsTestKit.WaitForAsync(
            async () => (await world.Cli.JsonAsync("codepipeline", "list-pipeline-executions", "--pipeline-name", Pipeline))["pipelineExecutionSummaries"]!.AsArray()
                .Select(e => e!.AsObject()).FirstOrDefault(e => e["sourceRevisions"]?.AsArray().FirstOrDefault()?["revisionId"]?.GetValue<string>() == commit),
            e => e is not null && e["status"]!.GetValue<string>() != "InProgress", Wait, "the push's execution to end");
        var id = execution!["pipelineExecutionId"]!.GetValue<string>();
        Assert.Equal("Failed", execution["status"]!.GetValue<string>());
        var build = (await world.Cli.JsonAsync("codepipeline", "list-action-executions", "--pipeline-name", Pipeline, "--filter", $"pipelineExecutionId={id}"))["actionExecutionDetails"]!
            .AsArray().Single(a => a!["stageName"]!.GetValue<string>() == "Build")!;
        Assert.Equal("Failed", build["status"]!.GetValue<string>());

        await world.Subscriber.WaitForAsync(_ => world.Notifications().Any(n => n.Description.Contains(id, StringComparison.Ordinal) && n.Title.Contains("FAILED", StringComparison.Ordinal)),
            Wait, "the failure's notification");
        // Deliveries are immediate and this subscriber answers 200 (no retries): a second one would have arrived by now.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var forExecution = world.Notifications().Where(n => n.Description.Contains(id, StringComparison.Ordinal)).ToList();
        var failure = Assert.Single(forExecution, n => n.Title.Contains("FAILED", StringComparison.Ordinal));
        Assert.Equal($"{Pipeline}: FAILED in stage Build", failure.Title);
        Assert.Equal($"Pipeline {Pipeline}, execution {id}: FAILED in stage Build.", failure.Description);
        Assert.Contains(forExecution, n => n.Description == $"Pipeline {Pipeline}, execution {id}: STARTED.");
        Assert.Equal(world.TopicArn, failure.Post.Headers["x-amz-sns-topic-arn"]);
        Assert.Equal("verified", await PythonSnsSignature.VerifyAsync(failure.Post.Body));
        output.WriteLine("Build action: " + build["output"]?["executionResult"]?.ToJsonString());
        output.WriteLine("The subscriber received: " + failure.Post.Body);
        world.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_service_deployment_the_circuit_breaker_rolls_back_is_told_once_as_failed_and_once_as_rolled_back()
    {
        // Every deployment state change of the service, untransformed, alongside the template's rule: the events ECS emits.
        await world.Cli.JsonAsync("events", "put-rule", "--name", "all-deployment-events", "--event-pattern",
            new JsonObject { ["source"] = new JsonArray("aws.ecs"), ["detail-type"] = new JsonArray("ECS Deployment State Change") }.ToJsonString());
        await world.Cli.JsonAsync("events", "put-targets", "--rule", "all-deployment-events", "--targets", $"Id=raw,Arn={world.TopicArn}");
        var repository = PlatformNotificationWorld.Service;
        var good = await world.Kit.PushWebImageAsync(repository, "v1", "v1");
        var bad = await world.Kit.PushCrashingImageAsync(repository, "crash");
        var cluster = PlatformNotificationWorld.Service;
        var service = await CreateServiceAsync(cluster, good);
        var goodDeployment = await WaitForPrimaryAsync(cluster, "COMPLETED", "the first deployment to complete");

        var updated = await world.Cli.JsonAsync("ecs", "update-service", "--cluster", cluster, "--service", PlatformNotificationWorld.Service, "--task-definition", await RegisterAsync(bad));
        var badDeployment = Primary(updated["service"]!.AsObject())["id"]!.GetValue<string>();
        // The rolled-back-to deployment's second completion is the last event of the story.
        var raw = await world.Subscriber.WaitForAsync(_ => DeploymentEvents().Count(e => e["deploymentId"]!.GetValue<string>() == goodDeployment) == 4,
            TimeSpan.FromSeconds(120), "the circuit breaker's rollback to complete");
        Assert.Equal(goodDeployment, Primary(await DescribeAsync(cluster))["id"]!.GetValue<string>());
        await Task.Delay(TimeSpan.FromSeconds(2));

        // SNS does not keep the order of deliveries (neither does the local cloud): compare as a list sorted the same way.
        var events = DeploymentEvents().Select(e => $"{e["eventName"]} {e["deploymentId"]} {e["reason"]}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[]
            {
                $"SERVICE_DEPLOYMENT_IN_PROGRESS {goodDeployment} ECS deployment {goodDeployment} in progress.",
                $"SERVICE_DEPLOYMENT_COMPLETED {goodDeployment} ECS deployment {goodDeployment} completed.",
                $"SERVICE_DEPLOYMENT_IN_PROGRESS {badDeployment} ECS deployment {badDeployment} in progress.",
                $"SERVICE_DEPLOYMENT_FAILED {badDeployment} ECS deployment circuit breaker: tasks failed to start.",
                $"SERVICE_DEPLOYMENT_IN_PROGRESS {goodDeployment} ECS deployment circuit breaker: rolling back to deploymentId {goodDeployment}.",
                $"SERVICE_DEPLOYMENT_COMPLETED {goodDeployment} ECS deployment {goodDeployment} completed.",
            }.Order(StringComparer.Ordinal),
            events);
        var failedEvent = DeploymentEventEnvelopes().Single(e => e["detail"]!["eventName"]!.GetValue<string>() == "SERVICE_DEPLOYMENT_FAILED");
        Assert.Equal(("aws.ecs", "ECS Deployment State Change", "ERROR"), (failedEvent["source"]!.GetValue<string>(), failedEvent["detail-type"]!.GetValue<string>(), failedEvent["detail"]!["eventType"]!.GetValue<string>()));
        Assert.Equal(service, failedEvent["resources"]![0]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", failedEvent["detail"]!["updatedAt"]!.GetValue<string>());

        // The template's rule: the failure and the rollback, nothing for deployments that just went well.
        var told = world.Notifications().Where(n => n.Description.Contains(service, StringComparison.Ordinal)).Select(n => (n.Title, n.Description)).OrderBy(n => n.Title, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                ("SERVICE_DEPLOYMENT_FAILED", $"Service {service}, deployment {badDeployment}: SERVICE_DEPLOYMENT_FAILED. ECS deployment circuit breaker: tasks failed to start."),
                ("SERVICE_DEPLOYMENT_IN_PROGRESS", $"Service {service}, deployment {goodDeployment}: SERVICE_DEPLOYMENT_IN_PROGRESS. ECS deployment circuit breaker: rolling back to deploymentId {goodDeployment}."),
            ],
            told);
        output.WriteLine(string.Join(Environment.NewLine, raw.Where(p => p.Type == "Notification").Select(p => p.Field("Message"))));
        world.Cloud.AssertResponsesMatchBotocore();
    }

    private List<JsonObject> DeploymentEventEnvelopes() =>
        [.. world.Subscriber.Posts.Where(p => p.Type == "Notification")
            .Select(p => JsonNode.Parse(p.Field("Message")) as JsonObject)
            .Where(m => m?["detail-type"]?.GetValue<string>() == "ECS Deployment State Change")
            .Select(m => m!)];

    private List<JsonNode> DeploymentEvents() => [.. DeploymentEventEnvelopes().Select(e => e["detail"]!)];

    private async Task<string> RegisterAsync(string image)
    {
        var definition = new JsonObject
        {
            ["family"] = PlatformNotificationWorld.Service,
            ["networkMode"] = "awsvpc",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"),
            ["cpu"] = "256",
            ["memory"] = "512",
            ["containerDefinitions"] = new JsonArray(new JsonObject
            {
                ["name"] = PlatformNotificationWorld.Service,
                ["image"] = image,
                ["essential"] = true,
                ["stopTimeout"] = 2,
                ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "tcp" }),
            }),
        };
        return (await world.Cli.JsonAsync("ecs", "register-task-definition", "--cli-input-json", definition.ToJsonString()))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
    }

    private async Task<string> CreateServiceAsync(string cluster, string image)
    {
        var definition = await RegisterAsync(image);
        var created = await world.Cli.JsonAsync("ecs", "create-service", "--cluster", cluster, "--service-name", PlatformNotificationWorld.Service, "--task-definition", definition,
            "--desired-count", "1", "--launch-type", "FARGATE",
            "--network-configuration", $"awsvpcConfiguration={{subnets=[{world.SubnetIds[0]}],assignPublicIp=ENABLED}}",
            "--deployment-configuration", "minimumHealthyPercent=100,maximumPercent=200,deploymentCircuitBreaker={enable=true,rollback=true}");
        return created["service"]!["serviceArn"]!.GetValue<string>();
    }

    private async Task<JsonObject> DescribeAsync(string cluster) =>
        (await world.Cli.JsonAsync("ecs", "describe-services", "--cluster", cluster, "--services", PlatformNotificationWorld.Service))["services"]![0]!.AsObject();

    private async Task<string> WaitForPrimaryAsync(string cluster, string state, string what) =>
        Primary(await EcsTestKit.WaitForAsync(() => DescribeAsync(cluster), s => Primary(s)["rolloutState"]!.GetValue<string>() == state, Wait, what))["id"]!.GetValue<string>();

    private static JsonObject Primary(JsonObject service) =>
        service["deployments"]!.AsArray().Single(d => d!["status"]!.GetValue<string>() == "PRIMARY")!.AsObject();
}
