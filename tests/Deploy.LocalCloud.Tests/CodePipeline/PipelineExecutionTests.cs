using System.Text.Json.Nodes;
using Deploy.LocalCloud.Docker;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Tests.Ecs;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests.CodePipeline;

/// <summary>
/// Issue 10, part 2: a push to CodeCommit is published as CodeCommit's event, the platform template's rule starts the
/// pipeline, Source zips the pushed commit into the artifact bucket and Deploy rolls the real ECS service to the image of
/// <c>imagedefinitions.json</c>. The aws CLI is the client (and its botocore validates every response again).
/// </summary>
[Collection(EcsDockerTests.Name)]
public sealed partial class PipelineExecutionTests(PipelineWorld world) : IClassFixture<PipelineWorld>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_push_starts_the_pipeline_through_the_rule_and_the_service_rolls_to_the_pushed_image()
    {
        await world.CreatePipelineAsync("push", "main");
        // Created before its branch exists: the execution CodePipeline starts on creation fails at Source, saying why.
        var created = await world.WaitForExecutionAsync("push", e => e["trigger"]!["triggerType"]!.GetValue<string>() == "CreatePipeline", PipelineWorld.Finished, Generous, "the creation run");
        Assert.Equal("Failed", PipelineWorld.Status(created));
        var createdSource = (await world.CliActionsAsync("push", created["pipelineExecutionId"]!.GetValue<string>())).Single();
        Assert.Contains("has no branch main", createdSource["output"]!["executionResult"]!["errorDetails"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var ruleArn = await world.CreatePushRuleAsync("push-main", "push", "main");
        var downstreamRule = await world.CreateRuleAsync("push-succeeded",
            """
            {"source":["aws.codepipeline"],"detail-type":["CodePipeline Pipeline Execution State Change"],"resources":[{"suffix":":push"}],
             "detail":{"pipeline":["push"],"state":["SUCCEEDED"],"execution-id":[{"exists":true}],"start-time":[{"exists":true}],
                       "execution-trigger":{"trigger-type":["CloudWatchEvent"],"trigger-detail":[{"prefix":"arn:aws:events:"}]},
                       "version":[{"numeric":[">=",1]}],"pipeline-execution-attempt":[1]}}
            """, "downstream");
        var actionRule = await world.CreateRuleAsync("push-deployed",
            """
            {"source":["aws.codepipeline"],"detail-type":["CodePipeline Action Execution State Change"],
             "detail":{"pipeline":["push"],"stage":["Deploy"],"action":["Deploy"],"state":["SUCCEEDED"],"region":["us-east-1"],
                       "type":{"owner":["AWS"],"category":["Deploy"],"provider":["ECS"],"version":["1"]},
                       "input-artifacts":{"name":["SourceOutput"],"s3location":{"bucket":["pipeline-artifacts"]}},
                       "execution-result":{"external-execution-id":[{"prefix":"ecs-svc/"}]}}}
            """,
            "downstream-action");
        // The whole detail of CodeCommit's event, as AWS documents it, for the first push of main.
        var repositoryId = (await world.Cli.JsonAsync("codecommit", "get-repository", "--repository-name", PipelineWorld.Repository))["repositoryMetadata"]!["repositoryId"]!.GetValue<string>();
        var detailRule = await world.CreateRuleAsync("push-detail", new JsonObject
        {
            ["source"] = new JsonArray("aws.codecommit"),
            ["account"] = new JsonArray(PipelineWorld.Account),
            ["region"] = new JsonArray("us-east-1"),
            ["detail"] = new JsonObject
            {
                ["callerUserArn"] = new JsonArray($"arn:aws:iam::{PipelineWorld.Account}:user/local"),
                ["event"] = new JsonArray("referenceCreated"),
                ["commitId"] = new JsonArray(new JsonObject { ["exists"] = true }),
                ["oldCommitId"] = new JsonArray(new JsonObject { ["exists"] = false }),
                ["referenceFullName"] = new JsonArray("refs/heads/main"),
                ["referenceName"] = new JsonArray("main"),
                ["referenceType"] = new JsonArray("branch"),
                ["repositoryId"] = new JsonArray(repositoryId),
                ["repositoryName"] = new JsonArray(PipelineWorld.Repository),
            },
        }.ToJsonString(), "downstream-detail");
        await world.CreatePipelineAsync("downstream-detail", "no-such-branch");
        await world.CreatePipelineAsync("downstream", "no-such-branch");
        await world.CreatePipelineAsync("downstream-action", "no-such-branch");

        var commit = await world.PushAsync("main", PipelineWorld.Definitions("web", world.Images["v2"]), "Deploy v2");
        var execution = await world.WaitForExecutionAsync("push", e => PipelineWorld.ForCommit(e, commit), PipelineWorld.Finished, Generous, "the pushed commit's execution");

        Assert.Equal("Succeeded", PipelineWorld.Status(execution));
        Assert.Equal("CloudWatchEvent", execution["trigger"]!["triggerType"]!.GetValue<string>());
        Assert.Equal(ruleArn, execution["trigger"]!["triggerDetail"]!.GetValue<string>());
        Assert.Equal("Deploy v2", execution["sourceRevisions"]![0]!["revisionSummary"]!.GetValue<string>());
        var service = await world.WaitForServiceOnAsync("v2", Generous);
        Assert.Equal(world.Images["v2"], await world.ServiceImageAsync());
        Assert.Equal("COMPLETED", WebService.Primary(service)["rolloutState"]!.GetValue<string>());

        var id = execution["pipelineExecutionId"]!.GetValue<string>();
        var actions = await world.CliActionsAsync("push", id);
        var source = actions.Single(a => a["stageName"]!.GetValue<string>() == "Source");
        var deploy = actions.Single(a => a["stageName"]!.GetValue<string>() == "Deploy");
        var variables = source["output"]!["outputVariables"]!.AsObject();
        Assert.Equal(commit, variables["CommitId"]!.GetValue<string>());
        Assert.Equal("main", variables["BranchName"]!.GetValue<string>());
        Assert.Equal("Deploy v2", variables["CommitMessage"]!.GetValue<string>());
        Assert.Equal(PipelineWorld.Repository, variables["RepositoryName"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", variables["AuthorDate"]!.GetValue<string>());
        Assert.Equal(commit, source["output"]!["executionResult"]!["externalExecutionId"]!.GetValue<string>());
        var artifact = source["output"]!["outputArtifacts"]![0]!["s3location"]!;
        Assert.Equal(PipelineWorld.Bucket, artifact["bucket"]!.GetValue<string>());
        Assert.Matches("^push/SourceOutp/[A-Za-z0-9]{7}$", artifact["key"]!.GetValue<string>());
        Assert.Equal(artifact.ToJsonString(), deploy["input"]!["inputArtifacts"]![0]!["s3location"]!.ToJsonString());
        Assert.Equal(WebService.Primary(service)["id"]!.GetValue<string>(), deploy["output"]!["executionResult"]!["externalExecutionId"]!.GetValue<string>());

        // The source artifact is a zip of the commit's tree, without .git, fetched back with the aws CLI.
        using var download = new TempDirectory();
        var zip = Path.Combine(download.Path, "source.zip");
        await world.Cli.JsonAsync("s3api", "get-object", "--bucket", PipelineWorld.Bucket, "--key", artifact["key"]!.GetValue<string>(), zip);
        using (var archive = System.IO.Compression.ZipFile.OpenRead(zip))
        {
            Assert.Equal(["imagedefinitions.json"], archive.Entries.Select(e => e.FullName));
        }

        var state = await world.Cli.JsonAsync("codepipeline", "get-pipeline-state", "--name", "push");
        Assert.All(state["stageStates"]!.AsArray(), stage =>
        {
            Assert.Equal(id, stage!["latestExecution"]!["pipelineExecutionId"]!.GetValue<string>());
            Assert.Equal("Succeeded", stage["latestExecution"]!["status"]!.GetValue<string>());
        });
        Assert.Equal(commit, state["stageStates"]![0]!["actionStates"]![0]!["currentRevision"]!["revisionId"]!.GetValue<string>());
        var detail = (await world.Cli.JsonAsync("codepipeline", "get-pipeline-execution", "--pipeline-name", "push", "--pipeline-execution-id", id))["pipelineExecution"]!;
        Assert.Equal("SourceOutput", detail["artifactRevisions"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("SUPERSEDED", detail["executionMode"]!.GetValue<string>());

        // CodePipeline's own events reached the bus (rules on them started the downstream pipelines), and so did CodeCommit's whole detail.
        foreach (var (pipeline, rule) in new[] { ("downstream", downstreamRule), ("downstream-action", actionRule), ("downstream-detail", detailRule) })
        {
            var started = await world.WaitForExecutionAsync(pipeline, e => e["trigger"]!["triggerType"]!.GetValue<string>() == "CloudWatchEvent", _ => true, Generous, $"{pipeline} to be started by its rule");
            Assert.Equal(rule, started["trigger"]!["triggerDetail"]!.GetValue<string>());
        }

        world.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Two_pushes_while_a_deployment_runs_supersede_the_waiting_execution_and_the_service_ends_on_the_newest()
    {
        await world.CreatePipelineAsync("quick", "quick");
        await world.CreatePushRuleAsync("push-quick", "quick", "quick");

        // A: the gated image keeps the Deploy stage busy until the test opens the gate, whatever the machine's speed.
        var a = await world.PushAsync("quick", PipelineWorld.Definitions("web", world.Images["gated"]), "A");
        var first = await world.WaitForExecutionAsync("quick", e => PipelineWorld.ForCommit(e, a), _ => true, Generous, "A's execution");
        await world.WaitForDeployAsync("quick", first["pipelineExecutionId"]!.GetValue<string>());
        var b = await world.PushAsync("quick", PipelineWorld.Definitions("web", world.Images["v3"]), "B");
        var c = await world.PushAsync("quick", PipelineWorld.Definitions("web", world.Images["v4"]), "C");

        // C waits to enter Deploy behind A; B, which waited there first, was superseded by it.
        var waiting = await EcsTestKit.WaitForAsync(
            async () => (Stage: (await world.Cli.JsonAsync("codepipeline", "get-pipeline-state", "--name", "quick"))["stageStates"]![1]!.AsObject(),
                         C: (await world.ExecutionsAsync("quick")).FirstOrDefault(e => PipelineWorld.ForCommit(e, c))),
            seen => seen.C is not null && seen.Stage["inboundExecution"]?["pipelineExecutionId"]?.GetValue<string>() == seen.C["pipelineExecutionId"]!.GetValue<string>(),
            Generous, "C to wait at the Deploy stage");
        Assert.Equal(first["pipelineExecutionId"]!.GetValue<string>(), waiting.Stage["latestExecution"]!["pipelineExecutionId"]!.GetValue<string>());
        Assert.Equal("InProgress", waiting.Stage["latestExecution"]!["status"]!.GetValue<string>());
        Assert.Equal("Superseded", PipelineWorld.Status((await world.ExecutionsAsync("quick")).Single(e => PipelineWorld.ForCommit(e, b))));
        await world.OpenGateAsync();

        var newest = await world.WaitForExecutionAsync("quick", e => PipelineWorld.ForCommit(e, c), PipelineWorld.Finished, TimeSpan.FromSeconds(180), "C's execution");
        var executions = await world.ExecutionsAsync("quick");
        var older = executions.Single(e => PipelineWorld.ForCommit(e, b));
        Assert.Equal("Succeeded", PipelineWorld.Status(newest));
        Assert.Equal("Superseded", PipelineWorld.Status(older));
        Assert.Equal("Succeeded", PipelineWorld.Status(executions.Single(e => PipelineWorld.ForCommit(e, a))));
        Assert.Equal(newest["pipelineExecutionId"]!.GetValue<string>(), older["statusSummary"]!.GetValue<string>().Split(' ')[^1]);
        // B never reached Deploy; C did, after A.
        Assert.DoesNotContain(await world.ActionsAsync("quick", older["pipelineExecutionId"]!.GetValue<string>()), x => x["stageName"]!.GetValue<string>() == "Deploy");
        await world.WaitForServiceOnAsync("v4", Generous);
        Assert.Equal(world.Images["v4"], await world.ServiceImageAsync());
        world.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_crash_looping_image_fails_the_deploy_with_the_rollback_reason_and_the_previous_version_keeps_serving()
    {
        await world.CreatePipelineAsync("crash", "crash");
        await world.CreatePushRuleAsync("push-crash", "crash", "crash");
        var good = await world.PushAsync("crash", PipelineWorld.Definitions("web", world.Images["v3"]), "good");
        await world.WaitForExecutionAsync("crash", e => PipelineWorld.ForCommit(e, good), PipelineWorld.Finished, Generous, "the good commit");
        await world.WaitForServiceOnAsync("v3", Generous);

        var bad = await world.PushAsync("crash", PipelineWorld.Definitions("web", world.Images["crash"]), "bad");
        var failed = await world.WaitForExecutionAsync("crash", e => PipelineWorld.ForCommit(e, bad), PipelineWorld.Finished, TimeSpan.FromSeconds(180), "the crashing commit");

        Assert.Equal("Failed", PipelineWorld.Status(failed));
        var deploy = (await world.CliActionsAsync("crash", failed["pipelineExecutionId"]!.GetValue<string>())).Single(a => a["stageName"]!.GetValue<string>() == "Deploy");
        Assert.Equal("Failed", deploy["status"]!.GetValue<string>());
        var error = deploy["output"]!["executionResult"]!["errorDetails"]!;
        Assert.Equal("JobFailed", error["code"]!.GetValue<string>());
        Assert.Contains("failed: ECS deployment circuit breaker: tasks failed to start.", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(error["message"]!.GetValue<string>(), failed["statusSummary"]!.GetValue<string>(), StringComparison.Ordinal);
        await world.WaitForServiceOnAsync("v3", Generous);
        Assert.Equal(world.Images["v3"], await world.ServiceImageAsync());
        world.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task The_pipeline_acts_as_its_role_and_the_rule_as_its_own_so_a_missing_permission_fails_with_aws_message()
    {
        // Everything the Source and Deploy actions need but ecs:UpdateService.
        world.CreateRole("cannot-update", "codepipeline.amazonaws.com", "codecommit:*", "s3:*", "ecs:Describe*", "ecs:RegisterTaskDefinition", "iam:PassRole");
        world.CreateRole("cannot-start", "events.amazonaws.com", "codepipeline:GetPipeline");
        await world.PushAsync("denied", PipelineWorld.Definitions("web", world.Images["v3"]), "Deploy v3 without the permission");
        await world.CreatePipelineAsync("denied", "denied", role: "cannot-update");
        var execution = await world.WaitForExecutionAsync("denied", _ => true, PipelineWorld.Finished, Generous, "denied to finish");

        Assert.Equal("Failed", PipelineWorld.Status(execution));
        var deploy = (await world.CliActionsAsync("denied", execution["pipelineExecutionId"]!.GetValue<string>())).Single(a => a["stageName"]!.GetValue<string>() == "Deploy");
        var message = deploy["output"]!["executionResult"]!["errorDetails"]!["message"]!.GetValue<string>();
        Assert.Matches(
            $"^User: arn:aws:sts::{PipelineWorld.Account}:assumed-role/cannot-update/[-0-9a-f]+ is not authorized to perform: ecs:UpdateService on resource: " +
            $"arn:aws:ecs:us-east-1:{PipelineWorld.Account}:service/{PipelineWorld.Cluster}/{PipelineWorld.Service} because no identity-based policy allows the ecs:UpdateService action$",
            message);

        // The trail has the decisions of the role's session: the allowed ones with the statement that allowed them.
        var trail = File.ReadAllLines(Path.Combine(world.StateDirectory, "iam-decisions.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(e => e["role"]!.GetValue<string>() == $"arn:aws:iam::{PipelineWorld.Account}:role/cannot-update").ToList();
        Assert.Contains(trail, e => e["action"]!.GetValue<string>() == "ecs:UpdateService" && e["decision"]!.GetValue<string>() == "ImplicitDeny");
        var passed = trail.First(e => e["action"]!.GetValue<string>() == "iam:PassRole" || e["action"]!.GetValue<string>() == "ecs:RegisterTaskDefinition");
        Assert.Equal(("Allow", "act"), (passed["decision"]!.GetValue<string>(), passed["policy"]!.GetValue<string>()));
        Assert.Contains(trail, e => e["action"]!.GetValue<string>() == "codecommit:GetBranch" && e["resource"]!.GetValue<string>() == $"arn:aws:codecommit:us-east-1:{PipelineWorld.Account}:{PipelineWorld.Repository}");

        // A rule whose role may not start the pipeline: a failed invocation, no execution.
        var ruleArn = await world.CreatePushRuleAsync("denied-start", "denied", "denied", role: "cannot-start");
        await world.PushAsync("denied", PipelineWorld.Definitions("web", world.Images["v3"]), "Pushed again");
        var invocations = world.Cloud.Instance.Services.GetRequiredService<RuleInvocations>();
        await EcsTestKit.WaitForAsync(() => Task.FromResult(invocations.For(ruleArn)), c => c.FailedInvocations > 0, Generous, "the rule's failed invocation");
        Assert.StartsWith($"User: arn:aws:sts::{PipelineWorld.Account}:assumed-role/cannot-start/", invocations.For(ruleArn).LastFailure, StringComparison.Ordinal);
        Assert.Contains($"is not authorized to perform: codepipeline:StartPipelineExecution on resource: arn:aws:codepipeline:us-east-1:{PipelineWorld.Account}:denied",
            invocations.For(ruleArn).LastFailure, StringComparison.Ordinal);
        Assert.DoesNotContain(await world.ExecutionsAsync("denied"), e => e["trigger"]!["triggerType"]!.GetValue<string>() == "CloudWatchEvent");
    }

    [Fact]
    public async Task The_services_tasks_get_their_task_roles_credentials_from_the_endpoint_ecs_names_in_their_environment()
    {
        var taskArn = (await world.ApiAsync("AmazonEC2ContainerServiceV20141113.ListTasks", new JsonObject { ["cluster"] = PipelineWorld.Cluster, ["serviceName"] = PipelineWorld.Service, ["desiredStatus"] = "RUNNING" }))["taskArns"]![0]!.GetValue<string>();
        var container = (await world.Kit.Docker.MustRunAsync(["ps", "-q", "--filter", $"label={ContainerLabels.Task}={taskArn}"])).Stdout.Trim();
        var environment = JsonNode.Parse((await world.Kit.Docker.MustRunAsync(["inspect", "--format", "{{json .Config.Env}}", container])).Stdout)!.AsArray()
            .Select(e => e!.GetValue<string>().Split('=', 2)).ToDictionary(e => e[0], e => e[1]);

        // botocore's container provider (the aws CLI) with exactly the task's credential variables, no keys.
        var cli = await ProcessRunner.RunAsync("aws", ["sts", "get-caller-identity", "--output", "json"], new Dictionary<string, string>
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"],
            ["AWS_ENDPOINT_URL"] = world.Cloud.Instance.Endpoint.ToString(),
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
        }, inheritEnvironment: false);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal($"arn:aws:sts::{PipelineWorld.Account}:assumed-role/{PipelineWorld.TaskRole}/{taskArn.Split('/')[^1]}", JsonNode.Parse(cli.Stdout)!["Arn"]!.GetValue<string>());
        Assert.DoesNotContain(environment.Keys, k => k is "AWS_ACCESS_KEY_ID" or "AWS_SECRET_ACCESS_KEY" or "AWS_SESSION_TOKEN");

        // Another token gets nothing.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]);
        request.Headers.TryAddWithoutValidation("Authorization", "not-the-token");
        using var refused = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Bad_input_fails_the_action_with_one_clear_reason()
    {
        await world.PushAsync("malformed", "[{\"name\": \"web\", \"imageUri\": ", "malformed file");
        await world.PushAsync("wrong-container", PipelineWorld.Definitions("api", world.Images["v2"]), "no such container");
        await world.PushAsync("no-service", PipelineWorld.Definitions("web", world.Images["v2"]), "fine file");
        await world.CreatePipelineAsync("malformed", "malformed");
        await world.CreatePipelineAsync("wrong-container", "wrong-container");
        await world.CreatePipelineAsync("no-service", "no-service", service: "missing");

        var expected = new Dictionary<string, string>
        {
            ["malformed"] = "The image definition file imagedefinitions.json contains invalid JSON format: not JSON",
            ["wrong-container"] = "The AWS ECS container api does not exist in task definition web:",
            ["no-service"] = $"The ECS service missing does not exist in cluster {PipelineWorld.Cluster}",
        };
        foreach (var (pipeline, reason) in expected)
        {
            var execution = await world.WaitForExecutionAsync(pipeline, _ => true, PipelineWorld.Finished, Generous, $"{pipeline} to finish");
            Assert.Equal("Failed", PipelineWorld.Status(execution));
            var deploy = (await world.ActionsAsync(pipeline, execution["pipelineExecutionId"]!.GetValue<string>())).Single(a => a["stageName"]!.GetValue<string>() == "Deploy");
            Assert.Contains(reason, deploy["output"]!["executionResult"]!["errorDetails"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
            var state = await world.Cli.JsonAsync("codepipeline", "get-pipeline-state", "--name", pipeline);
            var latest = state["stageStates"]![1]!["actionStates"]![0]!["latestExecution"]!;
            Assert.Equal("Failed", latest["status"]!.GetValue<string>());
            Assert.Contains(reason, latest["errorDetails"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // The platform's shape, Source → Build → Deploy: a Build action naming a project that does not exist fails in one line.
        var platform = JsonNode.Parse((await world.Cli.JsonAsync("codepipeline", "get-pipeline", "--name", "no-service"))["pipeline"]!.ToJsonString())!.AsObject();
        platform.Remove("version");
        platform["name"] = "with-build";
        platform["stages"]![1]!["actions"]![0]!["inputArtifacts"]![0]!["name"] = "BuildOutput";
        platform["stages"]!.AsArray().Insert(1, JsonNode.Parse("""
            {"name":"Build","actions":[{"name":"Build","actionTypeId":{"category":"Build","owner":"AWS","provider":"CodeBuild","version":"1"},
             "configuration":{"ProjectName":"sample-build"},"inputArtifacts":[{"name":"SourceOutput"}],"outputArtifacts":[{"name":"BuildOutput"}]}]}
            """));
        await world.Cli.JsonAsync("codepipeline", "create-pipeline", "--pipeline", platform.ToJsonString());
        var built = await world.WaitForExecutionAsync("with-build", _ => true, PipelineWorld.Finished, Generous, "with-build to finish");
        var build = (await world.ActionsAsync("with-build", built["pipelineExecutionId"]!.GetValue<string>())).Single(a => a["stageName"]!.GetValue<string>() == "Build");
        Assert.StartsWith("CodeBuild refused to start project sample-build: ResourceNotFoundException: Project cannot be found: arn:aws:codebuild:",
            build["output"]!["executionResult"]!["errorDetails"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal("InvalidStructureException", await world.Cli.ErrorCodeAsync("codepipeline", "create-pipeline", "--pipeline",
            """{"name":"queued","roleArn":"arn:aws:iam::000000000000:role/p","artifactStore":{"type":"S3","location":"pipeline-artifacts"},"executionMode":"QUEUED","pipelineType":"V2","stages":[{"name":"A","actions":[]},{"name":"B","actions":[]}]}"""));
        world.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Stop_waits_or_abandons_a_running_deploy_and_retry_reruns_the_failed_stage()
    {
        await world.CreatePipelineAsync("stoppable", "stoppable");
        await world.CreatePushRuleAsync("push-stoppable", "stoppable", "stoppable");
        var commit = await world.PushAsync("stoppable", PipelineWorld.Definitions("web", world.Images["gated"]), "never healthy");
        var execution = await world.WaitForExecutionAsync("stoppable", e => PipelineWorld.ForCommit(e, commit), _ => true, Generous, "the gated execution");
        var id = execution["pipelineExecutionId"]!.GetValue<string>();
        await world.WaitForDeployAsync("stoppable", id);

        Assert.Equal("StageNotRetryableException", await world.Cli.ErrorCodeAsync("codepipeline", "retry-stage-execution", "--pipeline-name", "stoppable",
            "--stage-name", "Deploy", "--pipeline-execution-id", id, "--retry-mode", "FAILED_ACTIONS"));
        // Stop and wait: the execution is Stopping while the deploy goes on; a second stop-and-wait is refused, abandon is not.
        await world.Cli.JsonAsync("codepipeline", "stop-pipeline-execution", "--pipeline-name", "stoppable", "--pipeline-execution-id", id, "--no-abandon", "--reason", "wrong image");
        var stopping = (await world.Cli.JsonAsync("codepipeline", "get-pipeline-execution", "--pipeline-name", "stoppable", "--pipeline-execution-id", id))["pipelineExecution"]!;
        Assert.Equal("Stopping", stopping["status"]!.GetValue<string>());
        Assert.Equal("InProgress", (await world.ActionsAsync("stoppable", id)).Single(a => a["stageName"]!.GetValue<string>() == "Deploy")["status"]!.GetValue<string>());
        Assert.Equal("DuplicatedStopRequestException", await world.Cli.ErrorCodeAsync("codepipeline", "stop-pipeline-execution", "--pipeline-name", "stoppable", "--pipeline-execution-id", id));
        await world.Cli.JsonAsync("codepipeline", "stop-pipeline-execution", "--pipeline-name", "stoppable", "--pipeline-execution-id", id, "--abandon", "--reason", "wrong image");
        var stopped = await world.WaitForExecutionAsync("stoppable", e => e["pipelineExecutionId"]!.GetValue<string>() == id, PipelineWorld.Finished, Generous, "the stop");
        Assert.Equal("Stopped", PipelineWorld.Status(stopped));
        Assert.Equal("wrong image", stopped["stopTrigger"]!["reason"]!.GetValue<string>());
        Assert.Equal("Abandoned", (await world.ActionsAsync("stoppable", id)).Single(a => a["stageName"]!.GetValue<string>() == "Deploy")["status"]!.GetValue<string>());
        Assert.Equal("PipelineExecutionNotStoppableException", await world.Cli.ErrorCodeAsync("codepipeline", "stop-pipeline-execution", "--pipeline-name", "stoppable", "--pipeline-execution-id", id));
        Assert.Equal("PipelineExecutionNotFoundException", await world.Cli.ErrorCodeAsync("codepipeline", "get-pipeline-execution", "--pipeline-name", "stoppable", "--pipeline-execution-id", "00000000-0000-0000-0000-000000000000"));

        // A pipeline created before its branch exists fails at Source; once the branch is pushed, retrying the stage runs on.
        await world.CreatePipelineAsync("late", "late-branch");
        var early = await world.WaitForExecutionAsync("late", _ => true, PipelineWorld.Finished, Generous, "the creation run of late");
        Assert.Equal("Failed", PipelineWorld.Status(early));
        var earlyId = early["pipelineExecutionId"]!.GetValue<string>();
        var late = await world.PushAsync("late-branch", PipelineWorld.Definitions("web", world.Images["v2"]), "late but fine");
        await world.Cli.JsonAsync("codepipeline", "retry-stage-execution", "--pipeline-name", "late", "--stage-name", "Source", "--pipeline-execution-id", earlyId, "--retry-mode", "FAILED_ACTIONS");
        var retried = await world.WaitForExecutionAsync("late", e => e["pipelineExecutionId"]!.GetValue<string>() == earlyId, PipelineWorld.Finished, Generous, "the retried execution");
        Assert.Equal("Succeeded", PipelineWorld.Status(retried));
        Assert.True(PipelineWorld.ForCommit(retried, late), retried.ToJsonString());
        var attempts = (await world.ActionsAsync("late", earlyId)).Where(a => a["stageName"]!.GetValue<string>() == "Source").Select(a => a["status"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["Failed", "Succeeded"], attempts);
        await world.WaitForServiceOnAsync("v2", Generous);

        // The execution that ran the stage later wins: the creation run of "push" cannot be retried any more.
        Assert.Equal("StageNotRetryableException", await world.Cli.ErrorCodeAsync("codepipeline", "retry-stage-execution", "--pipeline-name", "late",
            "--stage-name", "Deploy", "--pipeline-execution-id", earlyId, "--retry-mode", "FAILED_ACTIONS"));
        world.Cloud.AssertResponsesMatchBotocore();
    }
}
