using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.Aws.CodeBuild;
using Deploy.Aws.CodeCommit;
using Deploy.Aws.CodePipeline;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;
using Deploy.Delivery.Release;
using Deploy.Delivery.Tests.Fargate;
using Deploy.Delivery.Tests.Quality;
using Deploy.Testing.Botocore;

namespace Deploy.Delivery.Tests.Release;

/// <summary>
/// A simulated account behind <see cref="FakeAws"/> (a simulation written for these tests, not a recording): a
/// Source → Build → Deploy pipeline like the platform's, its executions and action executions, CodeBuild runs with log
/// streams, CloudWatch Logs with forward tokens (pages of <see cref="LogPageSize"/> events), CodeCommit's branch head, and
/// the ECS service. A test scripts what happens between two looks with <see cref="Then"/>: each wait of the follower
/// applies the next step. Every request the follower sends and every response the world gives is checked against
/// botocore's models (<see cref="Violations"/>).
/// </summary>
internal sealed class PipelineWorld : IDisposable
{
    public const string Pipeline = "sample-service-pipeline";
    public const string Repository = "sample-service";
    public const string Branch = "main";
    public const string Project = "sample-service-build";
    public const string Cluster = "sample-service";
    public const string Service = "sample-service";
    public const string Account = "123456789012";
    public const string Rule = "platform-PipelineTriggerRule-1A2B3C4D";
    public const string Commit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
    public const string NewerCommit = "9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5";
    public const string ContainerLogGroup = "/ecs/sample-service";
    public const int LogPageSize = 3;

    private static readonly string[] Stages = ["Source", "Build", "Deploy"];

    private readonly Queue<Action<PipelineWorld>> script = new();
    private readonly List<string> violations = [];
    private readonly HashSet<string> issuedTokens = new(StringComparer.Ordinal);

    public PipelineWorld()
    {
        Serve("GetPipeline", _ => Declaration());
        Serve("GetBranch", call => BranchHead is null
            ? throw new FakeAwsError("BranchDoesNotExistException", $"Could not find branch {call.Body["branchName"]}")
            : new JsonObject { ["branch"] = new JsonObject { ["branchName"] = Branch, ["commitId"] = BranchHead } });
        Serve("ListPipelineExecutions", _ => new JsonObject
        {
            ["pipelineExecutionSummaries"] = Array(Executions.OrderByDescending(e => e.Start).Select(e => e.Summary())),
        });
        Serve("GetPipelineExecution", call => new JsonObject { ["pipelineExecution"] = Execution(call.Body["pipelineExecutionId"]!.GetValue<string>()).Detail() });
        Serve("ListActionExecutions", call => new JsonObject
        {
            ["actionExecutionDetails"] = Array(Execution(call.Body["filter"]!["pipelineExecutionId"]!.GetValue<string>()).Actions
                .OrderByDescending(a => a.Start).Select(a => a.Detail(this))),
        });
        Serve("GetPipelineState", _ => State());
        Serve("RetryStageExecution", call =>
        {
            var execution = Execution(call.Body["pipelineExecutionId"]!.GetValue<string>());
            var stage = call.Body["stageName"]!.GetValue<string>();
            Retries.Add($"{execution.Id} {stage} {call.Body["retryMode"]!.GetValue<string>()}");
            execution.Status = "InProgress";
            execution.Run(stage, Clock.Now);
            return new JsonObject { ["pipelineExecutionId"] = execution.Id };
        });
        Serve("BatchGetBuilds", call => new JsonObject
        {
            ["builds"] = Array(call.Body["ids"]!.AsArray().Select(id => Builds[id!.GetValue<string>()].Json())),
            ["buildsNotFound"] = new JsonArray(),
        });
        Serve("GetLogEvents", GetLogEvents);
        Serve("DescribeServices", _ => Ecs.DescribeServices());
        Serve("DescribeTaskDefinition", call => new JsonObject { ["taskDefinition"] = EcsState.TaskDefinition(call.Body["taskDefinition"]!.GetValue<string>()) });
        Serve("ListTasks", call => new JsonObject
        {
            ["taskArns"] = Array(call.Body["desiredStatus"]?.GetValue<string>() == "STOPPED" ? Ecs.StoppedTasks.Select(t => (JsonNode)t["taskArn"]!.GetValue<string>()) : []),
        });
        Serve("DescribeTasks", call => new JsonObject
        {
            ["tasks"] = Array(call.Body["tasks"]!.AsArray().Select(arn => (JsonNode)Ecs.StoppedTasks.Single(t => t["taskArn"]!.GetValue<string>() == arn!.GetValue<string>()).DeepClone())),
            ["failures"] = new JsonArray(),
        });
    }

    public FakeAws Fake { get; } = new();

    public RecordingLog Log { get; } = new();

    public FakeClock Clock { get; } = new();

    /// <summary>Where Mirror left the branch; null: the branch does not exist.</summary>
    public string? BranchHead { get; set; } = Commit;

    public List<PipelineRun> Executions { get; } = [];

    public Dictionary<string, BuildRun> Builds { get; } = new(StringComparer.Ordinal);

    public EcsState Ecs { get; } = new();

    /// <summary>Stages whose inbound transition is disabled, with the reason.</summary>
    public Dictionary<string, string> DisabledTransitions { get; } = new(StringComparer.Ordinal);

    /// <summary>Log events GetLogEvents returned, per stream: each event of a build must be served once.</summary>
    public Dictionary<string, int> EventsServed { get; } = new(StringComparer.Ordinal);

    /// <summary>RetryStageExecution calls: <c>execution stage mode</c>.</summary>
    public List<string> Retries { get; } = [];

    public IReadOnlyList<string> Violations => [.. violations];

    public static ReleaseOptions Options => new()
    {
        PipelineName = Pipeline,
        TriggerRuleName = Rule,
        ServiceUrl = new Uri("http://sample-alb-123.us-east-1.elb.amazonaws.com"),
        PollInterval = TimeSpan.FromSeconds(3),
    };

    public PipelineFollower Follower()
    {
        var session = Fake.Session();
        return new PipelineFollower(
            new CodePipelineClient(session), new CodeBuildClient(session), new LogsClient(session), new EcsClient(session), new CodeCommitClient(session),
            Log, Clock, async (d, ct) =>
            {
                await Clock.Delay(d, ct);
                if (script.TryDequeue(out var step))
                {
                    step(this);
                }
            });
    }

    /// <summary>What happens before each next look of the follower, one step per wait.</summary>
    public PipelineWorld Then(params Action<PipelineWorld>[] steps)
    {
        foreach (var step in steps)
        {
            script.Enqueue(step);
        }

        return this;
    }

    /// <summary>Starts an execution for <paramref name="commit"/> now, as the EventBridge rule would.</summary>
    public PipelineRun Start(string id, string commit = Commit, string message = "Greet in French")
    {
        var run = new PipelineRun(id, commit, message, Clock.Now);
        Executions.Add(run);
        return run;
    }

    public BuildRun Build(string id)
    {
        var build = new BuildRun(id, Clock.Now);
        Builds[id] = build;
        return build;
    }

    public PipelineRun Execution(string id) => Executions.Single(e => e.Id == id);

    public void Dispose() => Fake.Dispose();

    internal static JsonArray Array(IEnumerable<JsonNode?> items) => new([.. items]);

    internal static long Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds();

    private void Serve(string operation, Func<AwsCall, JsonObject> respond)
    {
        Fake.Handlers[operation] = call =>
        {
            var service = BotocoreModels.ServiceForWireName(call.Target[..call.Target.LastIndexOf('.')])!;
            Check(BotocoreModels.ValidateJsonRequest(service, call.Target, call.ContentType, call.Body.ToJsonString()));
            var body = respond(call).ToJsonString();
            Check(BotocoreModels.ValidateResponse(service, operation, body));
            return body;
        };
    }

    private void Check(IReadOnlyList<string> found)
    {
        lock (violations)
        {
            violations.AddRange(found);
        }
    }

    private static JsonObject Declaration()
    {
        static JsonObject Action(string name, string category, string provider, JsonObject configuration, string[] inputs, string[] outputs) => new()
        {
            ["name"] = name,
            ["actionTypeId"] = new JsonObject { ["category"] = category, ["owner"] = "AWS", ["provider"] = provider, ["version"] = "1" },
            ["runOrder"] = 1,
            ["configuration"] = configuration,
            ["inputArtifacts"] = Array(inputs.Select(i => (JsonNode)new JsonObject { ["name"] = i })),
            ["outputArtifacts"] = Array(outputs.Select(o => (JsonNode)new JsonObject { ["name"] = o })),
        };

        static JsonObject Stage(string name, JsonObject action) => new() { ["name"] = name, ["actions"] = new JsonArray(action) };

        return new JsonObject
        {
            ["pipeline"] = new JsonObject
            {
                ["name"] = Pipeline,
                ["roleArn"] = $"arn:aws:iam::{Account}:role/platform-PipelineRole-1A2B",
                ["artifactStore"] = new JsonObject { ["type"] = "S3", ["location"] = "platform-artifactbucket-1a2b" },
                ["stages"] = new JsonArray(
                    Stage("Source", Action("Source", "Source", "CodeCommit",
                        new JsonObject { ["RepositoryName"] = Repository, ["BranchName"] = Branch, ["PollForSourceChanges"] = "false" }, [], ["SourceOutput"])),
                    Stage("Build", Action("Build", "Build", "CodeBuild", new JsonObject { ["ProjectName"] = Project }, ["SourceOutput"], ["BuildOutput"])),
                    Stage("Deploy", Action("Deploy", "Deploy", "ECS",
                        new JsonObject { ["ClusterName"] = Cluster, ["ServiceName"] = Service, ["FileName"] = "imagedefinitions.json" }, ["BuildOutput"], []))),
                ["version"] = 1,
                ["pipelineType"] = "V2",
                ["executionMode"] = "SUPERSEDED",
            },
            ["metadata"] = new JsonObject { ["pipelineArn"] = $"arn:aws:codepipeline:us-east-1:{Account}:{Pipeline}" },
        };
    }

    private JsonObject State()
    {
        var latest = Executions.OrderByDescending(e => e.Start).FirstOrDefault();
        return new JsonObject
        {
            ["pipelineName"] = Pipeline,
            ["pipelineVersion"] = 1,
            ["stageStates"] = Array(Stages.Select(stage =>
            {
                var state = new JsonObject { ["stageName"] = stage };
                if (DisabledTransitions.TryGetValue(stage, out var reason))
                {
                    state["inboundTransitionState"] = new JsonObject
                    {
                        ["enabled"] = false,
                        ["lastChangedBy"] = $"arn:aws:iam::{Account}:user/release-manager",
                        ["lastChangedAt"] = Seconds(Clock.Now),
                        ["disabledReason"] = reason,
                    };
                }

                if (latest?.Actions.FirstOrDefault(a => a.Stage == stage) is { } action)
                {
                    state["latestExecution"] = new JsonObject { ["pipelineExecutionId"] = latest.Id, ["status"] = action.Status };
                }

                return (JsonNode)state;
            })),
        };
    }

    /// <summary>Forward reading as CloudWatch Logs does it: <c>f/n</c> tokens, the same token back at the end of the stream.</summary>
    private JsonObject GetLogEvents(AwsCall call)
    {
        var group = call.Body["logGroupName"]!.GetValue<string>();
        var stream = call.Body["logStreamName"]!.GetValue<string>();
        var lines = group == ContainerLogGroup
            ? Ecs.ContainerLogs.GetValueOrDefault(stream)
            : Builds.Values.FirstOrDefault(b => b.StreamCreated && BuildRun.Group == group && b.Stream == stream)?.Lines;
        if (lines is null)
        {
            throw new FakeAwsError("ResourceNotFoundException", "The specified log stream does not exist.");
        }

        var token = call.Body["nextToken"]?.GetValue<string>();
        var fromHead = call.Body["startFromHead"]?.GetValue<bool>() == true;
        if (token is not null && !issuedTokens.Contains(token))
        {
            throw new FakeAwsError("InvalidParameterException", $"The specified nextToken is invalid: {token}");
        }

        if (token is null && !fromHead)
        {
            var limit = call.Body["limit"]?.GetValue<int>() ?? 10_000;
            return Page(lines.Skip(Math.Max(0, lines.Count - limit)).ToList(), Math.Max(0, lines.Count - limit), lines.Count, stream);
        }

        var start = token is null ? 0 : int.Parse(token[2..], CultureInfo.InvariantCulture);
        var end = Math.Min(lines.Count, start + LogPageSize);
        return Page(lines.Skip(start).Take(end - start).ToList(), start, end, stream);
    }

    private JsonObject Page(List<string> lines, int start, int end, string stream)
    {
        EventsServed[stream] = EventsServed.GetValueOrDefault(stream) + lines.Count;
        var forward = "f/" + end.ToString("D6", CultureInfo.InvariantCulture);
        var backward = "b/" + start.ToString("D6", CultureInfo.InvariantCulture);
        issuedTokens.Add(forward);
        issuedTokens.Add(backward);
        var at = Clock.Now.ToUnixTimeMilliseconds();
        return new JsonObject
        {
            ["events"] = Array(lines.Select(l => (JsonNode)new JsonObject { ["timestamp"] = at, ["message"] = l + "\n", ["ingestionTime"] = at })),
            ["nextForwardToken"] = forward,
            ["nextBackwardToken"] = backward,
        };
    }
}
