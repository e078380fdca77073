using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.Tests.CodeCommit;
using Deploy.LocalCloud.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests.CodePipeline;

/// <summary>
/// What the pipeline tests share (one local cloud, one ECS service, made once per test class): a CodeCommit repository
/// with a clone pushed by real git through the aws CLI's credential helper, tiny busybox web images in the local registry,
/// an ECS service without a load balancer whose container health check makes rollouts wait for <c>/health</c>, and an
/// artifact bucket. Pipelines are Source (CodeCommit) → Deploy (ECS) with <c>imagedefinitions.json</c> in the repository.
/// </summary>
public sealed class PipelineWorld : IAsyncLifetime, IAsyncDisposable
{
    public const string Account = "000000000000";
    public const string Repository = "app";
    public const string Cluster = "pipeline";
    public const string Service = "web";
    public const string Bucket = "pipeline-artifacts";
    public const string TaskRole = "web-task";

    private TempDirectory? ownedState;
    private SignedApiClient? api;
    private EcsTestKit? kit;
    private GitClient? git;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public TestCloud Cloud { get; private set; } = null!;

    public EcsTestKit Kit => kit!;

    public GitClient Git => git!;

    public string Clone { get; private set; } = null!;

    /// <summary>Images by version: v1 (the service's first), v2, v3, v4, "gated" (unhealthy until <see cref="OpenGateAsync"/>), "crash".</summary>
    public Dictionary<string, string> Images { get; } = new(StringComparer.Ordinal);

    public string StateDirectory => Cloud.Instance.Options.StateDirectory;

    public AwsCli Cli => Cloud.Cli;

    public async Task InitializeAsync() => await StartAsync(stateDirectory: null, ["v1", "v2", "v3", "v4", "gated", "crash"]);

    /// <summary>Starts the world with the images named; <paramref name="stateDirectory"/> non-null keeps the state for a restart test.</summary>
    public async Task StartAsync(string? stateDirectory, IReadOnlyList<string> images)
    {
        ownedState = stateDirectory is null ? new TempDirectory() : null;
        Cloud = await TestCloud.StartAsync(stateDirectory ?? ownedState!.Path);
        CreateRoles();
        kit = new EcsTestKit(Cloud);
        api = new SignedApiClient(Cloud.Instance);
        git = new GitClient(Cloud.Instance);
        await Cli.JsonAsync("ecr", "create-repository", "--repository-name", "pipeline/web");
        foreach (var version in images)
        {
            Images[version] = version switch
            {
                "crash" => await Kit.PushCrashingImageAsync("pipeline/web", version),
                // Serves no /health: its rollout waits (in the health check's start period) until the test opens the gate.
                "gated" => await Kit.PushWebImageAsync("pipeline/web", version, version, serveHealth: false),
                _ => await Kit.PushWebImageAsync("pipeline/web", version, version),
            };
        }

        await Cli.JsonAsync("s3api", "create-bucket", "--bucket", Bucket);
        var url = (await Cli.JsonAsync("codecommit", "create-repository", "--repository-name", Repository))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        Clone = Git.Path("clone");
        await Git.GitAsync(Git.Path(""), "clone", "-q", url, Clone);
        await CreateServiceAsync();
    }

    /// <summary>Commits <c>imagedefinitions.json</c> with <paramref name="content"/> on <paramref name="branch"/> and pushes it; returns the commit.</summary>
    public async Task<string> PushAsync(string branch, string content, string message)
    {
        await Git.GitAsync(Clone, "checkout", "-q", "-B", branch);
        await File.WriteAllTextAsync(Path.Combine(Clone, "imagedefinitions.json"), content);
        await Git.GitAsync(Clone, "add", "-A");
        await Git.GitAsync(Clone, "commit", "-q", "--allow-empty", "-m", message);
        await Git.GitAsync(Clone, "push", "-q", "--force", "origin", $"HEAD:refs/heads/{branch}");
        return await Git.GitAsync(Clone, "rev-parse", "HEAD");
    }

    public static string Definitions(string container, string image) =>
        new JsonArray(new JsonObject { ["name"] = container, ["imageUri"] = image }).ToJsonString();

    /// <summary>A Source (CodeCommit <paramref name="branch"/>) → Deploy (ECS <paramref name="service"/>) pipeline; CodePipeline starts it once on creation.</summary>
    public Task<JsonObject> CreatePipelineAsync(string name, string branch, string service = Service, string role = "pipeline") =>
        Cli.JsonAsync("codepipeline", "create-pipeline", "--pipeline", new JsonObject
        {
            ["name"] = name,
            ["roleArn"] = $"arn:aws:iam::{Account}:role/{role}",
            ["artifactStore"] = new JsonObject { ["type"] = "S3", ["location"] = Bucket },
            ["pipelineType"] = "V2",
            ["stages"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = "Source",
                    ["actions"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "Source",
                        ["actionTypeId"] = new JsonObject { ["category"] = "Source", ["owner"] = "AWS", ["provider"] = "CodeCommit", ["version"] = "1" },
                        ["configuration"] = new JsonObject { ["RepositoryName"] = Repository, ["BranchName"] = branch, ["PollForSourceChanges"] = "false" },
                        ["outputArtifacts"] = new JsonArray(new JsonObject { ["name"] = "SourceOutput" }),
                        ["namespace"] = "SourceVariables",
                    }),
                },
                new JsonObject
                {
                    ["name"] = "Deploy",
                    ["actions"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "Deploy",
                        ["actionTypeId"] = new JsonObject { ["category"] = "Deploy", ["owner"] = "AWS", ["provider"] = "ECS", ["version"] = "1" },
                        ["configuration"] = new JsonObject { ["ClusterName"] = Cluster, ["ServiceName"] = service, ["FileName"] = "imagedefinitions.json", ["DeploymentTimeout"] = "5" },
                        ["inputArtifacts"] = new JsonArray(new JsonObject { ["name"] = "SourceOutput" }),
                    }),
                }),
        }.ToJsonString());

    /// <summary>The platform template's trigger rule for <paramref name="branch"/> of the repository, targeting <paramref name="pipeline"/>; returns the rule ARN.</summary>
    public async Task<string> CreatePushRuleAsync(string rule, string pipeline, string branch, string role = "events")
    {
        var pattern = new JsonObject
        {
            ["source"] = new JsonArray("aws.codecommit"),
            ["detail-type"] = new JsonArray("CodeCommit Repository State Change"),
            ["resources"] = new JsonArray($"arn:aws:codecommit:us-east-1:{Account}:{Repository}"),
            ["detail"] = new JsonObject
            {
                ["event"] = new JsonArray("referenceCreated", "referenceUpdated"),
                ["referenceType"] = new JsonArray("branch"),
                ["referenceName"] = new JsonArray(branch),
            },
        };
        return await CreateRuleAsync(rule, pattern.ToJsonString(), pipeline, role);
    }

    public async Task<string> CreateRuleAsync(string rule, string pattern, string pipeline, string role = "events")
    {
        var arn = (await Cli.JsonAsync("events", "put-rule", "--name", rule, "--event-pattern", pattern))["RuleArn"]!.GetValue<string>();
        var targets = await Cli.JsonAsync("events", "put-targets", "--rule", rule, "--targets",
            $"Id=start,Arn=arn:aws:codepipeline:us-east-1:{Account}:{pipeline},RoleArn=arn:aws:iam::{Account}:role/{role}");
        Assert.Equal(0, targets["FailedEntryCount"]!.GetValue<int>());
        return arn;
    }

    /// <summary>
    /// A JSON API call made in process with a hand-signed request (polling through the aws CLI costs a Python start per
    /// call on a busy machine); its response is recorded and validated against botocore like every other.
    /// </summary>
    public async Task<JsonObject> ApiAsync(string target, JsonObject body)
    {
        var service = target.StartsWith("CodePipeline", StringComparison.Ordinal) ? "codepipeline" : "ecs";
        using var response = await api!.JsonAsync(target, body.ToJsonString(), service);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{target}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<List<JsonObject>> ExecutionsAsync(string pipeline) =>
        [.. (await ApiAsync("CodePipeline_20150709.ListPipelineExecutions", new JsonObject { ["pipelineName"] = pipeline }))["pipelineExecutionSummaries"]!.AsArray().Select(e => e!.AsObject())];

    /// <summary>Waits for an execution that <paramref name="which"/> selects to satisfy <paramref name="done"/> (polling through the aws CLI).</summary>
    public async Task<JsonObject> WaitForExecutionAsync(string pipeline, Func<JsonObject, bool> which, Func<JsonObject, bool> done, TimeSpan timeout, string what)
    {
        var found = await EcsTestKit.WaitForAsync(
            async () => new JsonArray([.. (await ExecutionsAsync(pipeline)).Where(which).Select(e => (JsonNode?)e.DeepClone())]),
            list => list.Count > 0 && done(list[0]!.AsObject()),
            timeout, what);
        return found[0]!.AsObject();
    }

    public static bool ForCommit(JsonObject execution, string commit) =>
        execution["sourceRevisions"]?.AsArray().Any(r => r!["revisionId"]?.GetValue<string>() == commit) == true;

    public static string Status(JsonObject execution) => execution["status"]!.GetValue<string>();

    public static bool Finished(JsonObject execution) => Status(execution) is not ("InProgress" or "Stopping");

    public async Task<List<JsonObject>> ActionsAsync(string pipeline, string executionId) =>
        [.. (await ApiAsync("CodePipeline_20150709.ListActionExecutions", new JsonObject { ["pipelineName"] = pipeline, ["filter"] = new JsonObject { ["pipelineExecutionId"] = executionId } }))["actionExecutionDetails"]!.AsArray().Select(a => a!.AsObject())];

    /// <summary>The same through the aws CLI, the independent client (used for the assertions, not for polling).</summary>
    public async Task<List<JsonObject>> CliActionsAsync(string pipeline, string executionId) =>
        [.. (await Cli.JsonAsync("codepipeline", "list-action-executions", "--pipeline-name", pipeline, "--filter", $"pipelineExecutionId={executionId}"))["actionExecutionDetails"]!.AsArray().Select(a => a!.AsObject())];

    public async Task<JsonObject> DescribeServiceAsync(string service = Service) =>
        (await ApiAsync("AmazonEC2ContainerServiceV20141113.DescribeServices", new JsonObject { ["cluster"] = Cluster, ["services"] = new JsonArray(service) }))["services"]![0]!.AsObject();

    /// <summary>The image of the task definition the service runs now.</summary>
    public async Task<string> ServiceImageAsync()
    {
        var definition = (await DescribeServiceAsync())["taskDefinition"]!.GetValue<string>();
        return (await Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", definition))["taskDefinition"]!["containerDefinitions"]![0]!["image"]!.GetValue<string>();
    }

    /// <summary>What the service's running tasks answer on <c>/</c> ("hello &lt;version&gt;"), one answer per task.</summary>
    public async Task<List<string>> AnswersAsync()
    {
        var arns = (await ApiAsync("AmazonEC2ContainerServiceV20141113.ListTasks", new JsonObject { ["cluster"] = Cluster, ["serviceName"] = Service, ["desiredStatus"] = "RUNNING" }))["taskArns"]!.AsArray();
        if (arns.Count == 0)
        {
            return [];
        }

        var tasks = (await ApiAsync("AmazonEC2ContainerServiceV20141113.DescribeTasks", new JsonObject { ["cluster"] = Cluster, ["tasks"] = arns.DeepClone() }))["tasks"]!.AsArray();
        var answers = new List<string>();
        foreach (var task in tasks.Where(t => t!["lastStatus"]!.GetValue<string>() == "RUNNING"))
        {
            var port = task!["containers"]![0]!["networkBindings"]?[0]?["hostPort"]?.GetValue<int>();
            try
            {
                answers.Add(port is null ? "no port" : (await http.GetStringAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")))).Trim());
            }
            catch (HttpRequestException failure)
            {
                answers.Add("error: " + failure.Message);
            }
        }

        return answers;
    }

    /// <summary>Lets the running containers of the gated image pass their health check (writes the <c>/health</c> they serve).</summary>
    public async Task OpenGateAsync()
    {
        var ids = (await Kit.Docker.RunAsync(["ps", "-q", "--filter", $"ancestor={Images["gated"]}"])).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(ids);
        foreach (var id in ids)
        {
            await Kit.Docker.MustRunAsync(["exec", id, "sh", "-c", "echo ok > /www/health"]);
        }
    }

    /// <summary>Waits until the pipeline's Deploy action of the execution is in progress.</summary>
    public Task WaitForDeployAsync(string pipeline, string executionId) =>
        EcsTestKit.WaitForAsync(() => ActionsAsync(pipeline, executionId),
            list => list.Any(a => a["stageName"]!.GetValue<string>() == "Deploy" && a["status"]!.GetValue<string>() == "InProgress"),
            TimeSpan.FromSeconds(120), $"the Deploy action of {executionId} to start");

    public async Task<JsonObject> WaitForServiceOnAsync(string version, TimeSpan timeout)
    {
        await EcsTestKit.WaitForAsync(AnswersAsync, answers => answers.Count == 1 && answers[0] == $"hello {version}", timeout, $"the service to answer hello {version} alone");
        return await DescribeServiceAsync();
    }

    /// <summary>
    /// The pipeline's role and the rule's role (IAM is enforced): CodePipeline and EventBridge act as them. Broad within
    /// what the tests' pipelines do; the platform template's least-privilege roles are tested with the template.
    /// </summary>
    private void CreateRoles()
    {
        CreateRole("pipeline", "codepipeline.amazonaws.com", "codecommit:*", "codebuild:*", "ecs:*", "s3:*", "iam:PassRole");
        CreateRole("events", "events.amazonaws.com", "codepipeline:StartPipelineExecution");
        CreateRole(TaskRole, "ecs-tasks.amazonaws.com", "s3:GetObject");
    }

    /// <summary>A role <paramref name="service"/> may assume, allowed <paramref name="actions"/> on every resource (kept across a restart).</summary>
    public void CreateRole(string name, string service, params string[] actions)
    {
        var iam = Cloud.Instance.Services.GetRequiredService<IamStore>();
        if (!iam.Read(state => state.Roles.ContainsKey(name)))
        {

            var trust = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new JsonArray(new JsonObject { ["Effect"] = "Allow", ["Principal"] = new JsonObject { ["Service"] = service }, ["Action"] = "sts:AssumeRole" }),
            };
            var policy = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new JsonArray(new JsonObject { ["Effect"] = "Allow", ["Action"] = new JsonArray([.. actions.Select(a => (JsonNode?)a)]), ["Resource"] = "*" }),
            };
            iam.CreateRole(name, "/", trust.ToJsonString(), null, null);
            iam.Update(state => state.Roles[name].InlinePolicies["act"] = policy.ToJsonString());
        }
    }

    private async Task CreateServiceAsync()
    {
        await Cli.JsonAsync("ecs", "create-cluster", "--cluster-name", Cluster);
        var subnet = (await Cli.JsonAsync("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true"))["Subnets"]![0]!["SubnetId"]!.GetValue<string>();
        var definition = new JsonObject
        {
            ["family"] = Service,
            ["networkMode"] = "awsvpc",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"),
            ["cpu"] = "256",
            ["memory"] = "512",
            ["taskRoleArn"] = $"arn:aws:iam::{Account}:role/{TaskRole}",
            ["containerDefinitions"] = new JsonArray(new JsonObject
            {
                ["name"] = "web",
                ["image"] = Images["v1"],
                ["essential"] = true,
                ["stopTimeout"] = 2,
                ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "tcp" }),
                // Healthy once /health answers; failures during the start period do not count (the gated image).
                ["healthCheck"] = new JsonObject
                {
                    ["command"] = new JsonArray("CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"),
                    ["interval"] = 5,
                    ["timeout"] = 2,
                    ["retries"] = 2,
                    ["startPeriod"] = 60,
                },
            }),
        };
        await Cli.JsonAsync("ecs", "register-task-definition", "--cli-input-json", definition.ToJsonString());
        await Cli.JsonAsync("ecs", "create-service", "--cluster", Cluster, "--service-name", Service, "--task-definition", Service,
            "--desired-count", "1", "--launch-type", "FARGATE",
            "--network-configuration", $"awsvpcConfiguration={{subnets=[{subnet}],assignPublicIp=ENABLED}}",
            "--deployment-configuration", "minimumHealthyPercent=100,maximumPercent=200,deploymentCircuitBreaker={enable=true,rollback=true}");
        await WaitForServiceOnAsync("v1", TimeSpan.FromSeconds(90));
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        http.Dispose();
        api?.Dispose();
        git?.Dispose();
        if (kit is not null)
        {
            await kit.DisposeAsync();
        }

        await Cloud.DisposeAsync();
        ownedState?.Dispose();
    }
}
