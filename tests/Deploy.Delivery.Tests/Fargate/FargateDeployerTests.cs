using Deploy.Delivery.Fargate;
using Deploy.Testing.Botocore;

namespace Deploy.Delivery.Tests.Fargate;

public sealed class FargateDeployerTests : IDisposable
{
    private readonly DeployWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task A_missing_service_is_created_on_fargate_with_the_platforms_network_load_balancer_and_circuit_breaker()
    {
        var result = await world.Deployer().DeployAsync(world.Options());

        Assert.Equal(DeployOutcome.Deployed, result.Outcome);
        Assert.Equal("sample-service:1", result.TaskDefinition);
        Assert.Equal(["RegisterTaskDefinition", "CreateService"], world.Mutations);
        var create = Assert.Single(world.Fake.Calls, c => c.Operation == "CreateService").Body;
        Assert.Equal("sample-cluster", create["cluster"]!.GetValue<string>());
        Assert.Equal("sample-service", create["serviceName"]!.GetValue<string>());
        Assert.Equal(DeployWorld.Arn("sample-service:1"), create["taskDefinition"]!.GetValue<string>());
        Assert.Equal("FARGATE", create["launchType"]!.GetValue<string>());
        Assert.Equal(1, create["desiredCount"]!.GetValue<int>());
        var vpc = create["networkConfiguration"]!["awsvpcConfiguration"]!;
        Assert.Equal(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], vpc["subnets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(["sg-0123456789abcdef0"], vpc["securityGroups"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("ENABLED", vpc["assignPublicIp"]!.GetValue<string>());
        var balancer = Assert.Single(create["loadBalancers"]!.AsArray())!;
        Assert.Equal(("sample-service", 8080), (balancer["containerName"]!.GetValue<string>(), balancer["containerPort"]!.GetValue<int>()));
        Assert.EndsWith("targetgroup/sample/0123456789abcdef", balancer["targetGroupArn"]!.GetValue<string>(), StringComparison.Ordinal);
        var deployment = create["deploymentConfiguration"]!;
        Assert.True(deployment["deploymentCircuitBreaker"]!["enable"]!.GetValue<bool>());
        Assert.True(deployment["deploymentCircuitBreaker"]!["rollback"]!.GetValue<bool>());
        Assert.Equal((100, 200), (deployment["minimumHealthyPercent"]!.GetValue<int>(), deployment["maximumPercent"]!.GetValue<int>()));
        Assert.Equal(60, create["healthCheckGracePeriodSeconds"]!.GetValue<int>());
        Assert.Contains("Service URL: http://sample-alb-123.us-east-1.elb.amazonaws.com/", world.Log.Lines);
    }

    [Fact]
    public async Task An_existing_service_is_updated_to_the_new_revision_pinned_to_the_image_digest()
    {
        world.Given("sample-service:1", "sample-service:2");

        var result = await world.Deployer().DeployAsync(world.Options() with { AssignPublicIp = false });

        Assert.Equal(["RegisterTaskDefinition", "UpdateService"], world.Mutations);
        Assert.Equal("sample-service:3", result.TaskDefinition);
        Assert.StartsWith("deployed sample-service:3 in ", result.Summary, StringComparison.Ordinal);
        var register = Assert.Single(world.Fake.Calls, c => c.Operation == "RegisterTaskDefinition").Body;
        Assert.Equal($"{DeployWorld.Repository}@{DeployWorld.Digest}", register["containerDefinitions"]![0]!["image"]!.GetValue<string>());
        var update = Assert.Single(world.Fake.Calls, c => c.Operation == "UpdateService").Body;
        Assert.Equal(DeployWorld.Arn("sample-service:3"), update["taskDefinition"]!.GetValue<string>());
        Assert.Equal("DISABLED", update["networkConfiguration"]!["awsvpcConfiguration"]!["assignPublicIp"]!.GetValue<string>());
        Assert.True(update["deploymentConfiguration"]!["deploymentCircuitBreaker"]!["rollback"]!.GetValue<bool>());
        Assert.Null(update["desiredCount"]);
        var tag = Assert.Single(world.Fake.Calls, c => c.Operation == "DescribeImages").Body["imageIds"]![0]!;
        Assert.Equal(DeployWorld.Tag, tag["imageTag"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_second_deploy_of_the_same_content_and_digest_is_unchanged_and_changes_nothing()
    {
        await world.Deployer().DeployAsync(world.Options());
        var before = world.Fake.Calls.Count;

        var again = await world.Deployer().DeployAsync(world.Options($"{DeployWorld.Repository}@{DeployWorld.Digest}"));

        Assert.Equal(DeployOutcome.Unchanged, again.Outcome);
        Assert.Equal("unchanged (sample-service:1)", again.Summary);
        Assert.Equal(["DescribeImages", "DescribeServices", "DescribeTaskDefinition"], world.Fake.Operations.Skip(before));
        Assert.Contains(world.Log.Lines, l => l.StartsWith("Unchanged: sample-service already runs sample-service:1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_image_digest_is_a_change_but_a_new_commit_of_the_same_image_is_not_with_the_checked_in_template()
    {
        await world.Deployer().DeployAsync(world.Options());
        const string other = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
        world.Images[other] = ["next"];

        var newImage = await world.Deployer().DeployAsync(world.Options($"{DeployWorld.Repository}:next"));
        var newCommit = await world.Deployer().DeployAsync(world.Options($"{DeployWorld.Repository}:next", commit: "fedcba9876543210"));

        // The image carries its commit; the checked-in template does not repeat it (the pipeline swaps only images).
        Assert.Equal((DeployOutcome.Deployed, "sample-service:2"), (newImage.Outcome, newImage.TaskDefinition));
        Assert.Equal((DeployOutcome.Unchanged, "sample-service:2"), (newCommit.Outcome, newCommit.TaskDefinition));
    }

    [Fact]
    public async Task A_new_commit_is_a_change_when_the_template_puts_the_commit_in_the_task_definition()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("taskdef-").FullName, "taskdef.json");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(world.TemplatePath)).Replace(
            """{ "name": "SERVICE_NAME", "value": "${SERVICE_NAME}" }""",
            """{ "name": "SERVICE_NAME", "value": "${SERVICE_NAME}" }, { "name": "BUILT_FROM", "value": "${COMMIT}" }""",
            StringComparison.Ordinal));
        world.TemplatePath = path;
        await world.Deployer().DeployAsync(world.Options());

        var newCommit = await world.Deployer().DeployAsync(world.Options(commit: "fedcba9876543210"));

        Assert.Equal((DeployOutcome.Deployed, "sample-service:2"), (newCommit.Outcome, newCommit.TaskDefinition));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef01234567", "0123456789ab")]
    [InlineData("0123456789abcdef0123456789abcdef01234567-dirty-fedcba987654", "0123456789ab-dirty-fedcba987654")]
    [InlineData("0123456789abcdef0123456789abcdef01234567-dirty", "0123456789ab-dirty")]
    public async Task The_version_is_the_short_commit_and_a_dirty_build_keeps_its_content_hash(string commit, string version)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("taskdef-").FullName, "taskdef.json");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(world.TemplatePath)).Replace(
            """{ "name": "SERVICE_NAME", "value": "${SERVICE_NAME}" }""",
            """{ "name": "SERVICE_NAME", "value": "${SERVICE_NAME}" }, { "name": "APP_VERSION", "value": "${VERSION}" }""",
            StringComparison.Ordinal));
        world.TemplatePath = path;

        await world.Deployer().DeployAsync(world.Options(commit: commit));

        var register = Assert.Single(world.Fake.Calls, c => c.Operation == "RegisterTaskDefinition").Body;
        var environment = register["containerDefinitions"]![0]!["environment"]!.AsArray();
        Assert.Contains(environment, e => e!["name"]!.GetValue<string>() == "APP_VERSION" && e["value"]!.GetValue<string>() == version);
    }

    [Fact]
    public async Task A_missing_image_fails_with_one_clear_error_and_registers_nothing()
    {
        world.Given("sample-service:1");

        var error = await Assert.ThrowsAsync<DeployException>(() => world.Deployer().DeployAsync(world.Options($"{DeployWorld.Repository}:not-pushed")));

        Assert.StartsWith($"Image {DeployWorld.Repository}:not-pushed is not in ECR (ImageNotFoundException:", error.Message, StringComparison.Ordinal);
        Assert.Contains("Push it first (PushEcr); nothing was registered or updated.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RegisterTaskDefinition", world.Fake.Operations);
        Assert.Empty(world.Mutations);
    }

    [Fact]
    public async Task A_dry_run_prints_the_task_definition_diff_and_the_service_changes_and_touches_nothing()
    {
        world.Given("sample-service:1");

        var result = await world.Deployer().DeployAsync(world.Options() with { DryRun = true });

        Assert.Equal(DeployOutcome.DryRun, result.Outcome);
        Assert.Equal("dry run", result.Summary);
        Assert.Empty(world.Mutations);
        var diff = string.Join("\n", world.Log.Lines);
        Assert.Contains("Task definition sample-service:1 → a new revision of sample-service:", diff, StringComparison.Ordinal);
        Assert.Contains($"-       \"image\": \"{DeployWorld.Repository}@sha256:{new string('0', 63)}1\",", diff, StringComparison.Ordinal);
        Assert.Contains($"+       \"image\": \"{DeployWorld.Repository}@{DeployWorld.Digest}\",", diff, StringComparison.Ordinal);
        Assert.Contains("+       \"healthCheck\": {", diff, StringComparison.Ordinal);
        Assert.Contains("  ~ task definition sample-service:1 → the new revision", diff, StringComparison.Ordinal);
        Assert.Contains("  ~ network awsvpc:", diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_for_a_missing_service_shows_the_whole_definition_and_the_service_it_would_create()
    {
        await world.Deployer().DeployAsync(world.Options() with { DryRun = true });

        Assert.Empty(world.Mutations);
        Assert.Contains("Service sample-service in cluster sample-cluster: would be created", world.Log.Lines);
        Assert.Contains("  + deployment: circuit breaker with rollback, minimum healthy 100 %, maximum 200 %", world.Log.Lines);
        Assert.Contains(world.Log.Lines, l => l.Contains("+   \"family\": \"sample-service\",", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rolled_back_deployment_fails_the_deploy()
    {
        world.Given("sample-service:1");
        world.FailNextRollout = true;

        var error = await Assert.ThrowsAsync<DeploymentFailedException>(() => world.Deployer().DeployAsync(world.Options()));

        Assert.Contains("rollout of sample-service:2 FAILED: ECS deployment circuit breaker: tasks failed to start; rolled back to sample-service:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rerun_after_a_failed_deploy_reuses_the_identical_revision_it_registered_instead_of_adding_another()
    {
        world.Given("sample-service:1");
        world.FailNextRollout = true;
        await Assert.ThrowsAsync<DeploymentFailedException>(() => world.Deployer().DeployAsync(world.Options()));

        var result = await world.Deployer().DeployAsync(world.Options());

        Assert.Equal("sample-service:2", result.TaskDefinition);
        Assert.Equal(DeployOutcome.Deployed, result.Outcome);
        Assert.Single(world.Fake.Operations, o => o == "RegisterTaskDefinition");
        Assert.Contains("Reusing sample-service:2: it already has this content (registered by an earlier run that did not finish); nothing registered", world.Log.Lines);
        Assert.Throws<KeyNotFoundException>(() => world.Definition("sample-service:3"));
    }

    [Fact]
    public async Task An_invalid_template_registers_nothing()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("taskdef-").FullName, "taskdef.json");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(world.TemplatePath)).Replace("\"512\"", "\"4096\"", StringComparison.Ordinal));
        world.TemplatePath = path;

        var error = await Assert.ThrowsAsync<TaskDefinitionTemplateException>(() => world.Deployer().DeployAsync(world.Options()));

        Assert.Contains("memory: '4096' is not allowed with cpu 256 on Fargate", error.Message, StringComparison.Ordinal);
        Assert.Empty(world.Mutations);
    }

    [Fact]
    public async Task A_load_balanced_container_missing_from_the_template_is_reported_before_registering()
    {
        var error = await Assert.ThrowsAsync<TaskDefinitionTemplateException>(() => world.Deployer().DeployAsync(world.Options() with { ContainerPort = 9090 }));

        Assert.Contains("the load balancer sends to container sample-service on port 9090, but that container maps no such port", error.Message, StringComparison.Ordinal);
        Assert.Empty(world.Mutations);
    }

    [Fact]
    public async Task A_PassRole_denial_comes_with_a_hint_naming_the_roles()
    {
        world.Fake.Handlers["RegisterTaskDefinition"] = _ => throw new FakeAwsError(
            "AccessDeniedException",
            "User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to perform: iam:PassRole on resource: " + DeployWorld.ExecutionRole);

        var error = await Assert.ThrowsAsync<DeployException>(() => world.Deployer().DeployAsync(world.Options()));

        Assert.Contains("iam:PassRole on the roles they name", error.Message, StringComparison.Ordinal);
        Assert.Contains(DeployWorld.TaskRole, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_request_of_create_update_failure_and_rollback_conforms_to_botocores_models()
    {
        await world.Deployer().DeployAsync(world.Options());
        world.Images["sha256:" + new string('3', 64)] = ["next"];
        await world.Deployer().DeployAsync(world.Options($"{DeployWorld.Repository}:next"));
        world.Images["sha256:" + new string('4', 64)] = ["broken"];
        world.FailNextRollout = true;
        await Assert.ThrowsAsync<DeploymentFailedException>(() => world.Deployer().DeployAsync(world.Options($"{DeployWorld.Repository}:broken")));
        await world.Rollback().RollbackAsync(new RollbackOptions { Cluster = DeployWorld.Cluster, ServiceName = DeployWorld.Service });

        // JSON 1.1 calls (ECS, ECR, Logs) and the query calls of IAM (Rollback checks the revision's roles).
        var violations = world.Fake.Calls
            .SelectMany(c => c.Target == "query"
                ? BotocoreModels.ValidateQueryRequest("iam", c.ContentType, string.Join('&', c.Body.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value!.GetValue<string>()))))
                : BotocoreModels.ValidateJsonRequest(BotocoreModels.ServiceForWireName(c.Target.Split('.')[0])!, c.Target, c.ContentType, c.Body.ToJsonString()))
            .ToList();

        Assert.Empty(violations);
        Assert.Equal(
            ["CreateService", "DescribeImages", "DescribeServices", "DescribeTaskDefinition", "GetRole", "ListTaskDefinitions", "ListTasks", "RegisterTaskDefinition", "UpdateService"],
            world.Fake.Operations.Distinct().Order(StringComparer.Ordinal));
    }
}
