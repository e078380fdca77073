using System.Text.Json.Nodes;

namespace Deploy.Delivery.Tests.Release;

/// <summary>One pipeline execution of the simulated account.</summary>
internal sealed class PipelineRun(string id, string commit, string message, DateTimeOffset start)
{
    public string Id { get; } = id;

    public string Commit { get; } = commit;

    public DateTimeOffset Start { get; } = start;

    public string Status { get; set; } = "InProgress";

    public string? StatusSummary { get; set; }

    public string? StopReason { get; set; }

    public List<ActionRun> Actions { get; } = [];

    /// <summary>Starts an action of this execution (InProgress).</summary>
    public ActionRun Run(string stage, DateTimeOffset at, string? externalId = null)
    {
        var action = new ActionRun(stage, $"{Id[..8]}-{stage.ToLowerInvariant()}-{Actions.Count}", at) { ExternalId = externalId };
        Actions.Add(action);
        return action;
    }

    public ActionRun Action(string stage) => Actions.Last(a => a.Stage == stage);

    public JsonObject Summary()
    {
        var summary = new JsonObject
        {
            ["pipelineExecutionId"] = Id,
            ["status"] = Status,
            ["startTime"] = PipelineWorld.Seconds(Start),
            ["lastUpdateTime"] = PipelineWorld.Seconds(Start),
            ["sourceRevisions"] = new JsonArray(new JsonObject { ["actionName"] = "Source", ["revisionId"] = Commit, ["revisionSummary"] = message }),
            ["trigger"] = new JsonObject
            {
                ["triggerType"] = "CloudWatchEvent",
                ["triggerDetail"] = $"arn:aws:events:us-east-1:{PipelineWorld.Account}:rule/{PipelineWorld.Rule}",
            },
            ["executionMode"] = "SUPERSEDED",
        };
        if (StatusSummary is not null)
        {
            summary["statusSummary"] = StatusSummary;
        }

        if (StopReason is not null)
        {
            summary["stopTrigger"] = new JsonObject { ["reason"] = StopReason };
        }

        return summary;
    }

    public JsonObject Detail()
    {
        var detail = new JsonObject
        {
            ["pipelineName"] = PipelineWorld.Pipeline,
            ["pipelineVersion"] = 1,
            ["pipelineExecutionId"] = Id,
            ["status"] = Status,
            ["artifactRevisions"] = new JsonArray(new JsonObject { ["name"] = "SourceOutput", ["revisionId"] = Commit, ["revisionSummary"] = message }),
            ["executionMode"] = "SUPERSEDED",
        };
        if (StatusSummary is not null)
        {
            detail["statusSummary"] = StatusSummary;
        }

        return detail;
    }
}

/// <summary>One action execution: its stage names the action (the platform's pipeline has one action per stage).</summary>
internal sealed class ActionRun(string stage, string id, DateTimeOffset start)
{
    public string Stage { get; } = stage;

    public string Id { get; } = id;

    public DateTimeOffset Start { get; } = start;

    public DateTimeOffset Updated { get; set; } = start;

    public string Status { get; set; } = "InProgress";

    public string? ExternalId { get; set; }

    public string? Summary { get; set; }

    public (string Code, string Message)? Error { get; set; }

    public void Succeed(DateTimeOffset at, string? summary = null)
    {
        (Status, Updated, Summary) = ("Succeeded", at, summary);
    }

    public void Fail(DateTimeOffset at, string code, string message)
    {
        (Status, Updated, Error) = ("Failed", at, (code, message));
    }

    public JsonObject Detail(PipelineWorld world)
    {
        var (category, provider, configuration) = Stage switch
        {
            "Source" => ("Source", "CodeCommit", new JsonObject { ["RepositoryName"] = PipelineWorld.Repository, ["BranchName"] = PipelineWorld.Branch }),
            "Build" => ("Build", "CodeBuild", new JsonObject { ["ProjectName"] = PipelineWorld.Project }),
            _ => ("Deploy", "ECS", new JsonObject { ["ClusterName"] = PipelineWorld.Cluster, ["ServiceName"] = PipelineWorld.Service, ["FileName"] = "imagedefinitions.json" }),
        };
        var result = new JsonObject();
        if (ExternalId is not null)
        {
            result["externalExecutionId"] = ExternalId;
        }

        if (Summary is not null)
        {
            result["externalExecutionSummary"] = Summary;
        }

        if (Error is { } error)
        {
            result["errorDetails"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message };
        }

        return new JsonObject
        {
            ["pipelineExecutionId"] = world.Executions.Single(e => e.Actions.Contains(this)).Id,
            ["actionExecutionId"] = Id,
            ["pipelineVersion"] = 1,
            ["stageName"] = Stage,
            ["actionName"] = Stage,
            ["startTime"] = PipelineWorld.Seconds(Start),
            ["lastUpdateTime"] = PipelineWorld.Seconds(Updated),
            ["status"] = Status,
            ["input"] = new JsonObject
            {
                ["actionTypeId"] = new JsonObject { ["category"] = category, ["owner"] = "AWS", ["provider"] = provider, ["version"] = "1" },
                ["configuration"] = configuration.DeepClone(),
                ["resolvedConfiguration"] = configuration,
            },
            ["output"] = new JsonObject { ["executionResult"] = result },
        };
    }
}

/// <summary>A CodeBuild run: status, phases and its log stream (which exists once the build has started).</summary>
internal sealed class BuildRun(string id, DateTimeOffset start)
{
    public string Id { get; } = id;

    public static string Group => "/aws/codebuild/" + PipelineWorld.Project;

    public string Stream => Id[(Id.IndexOf(':', StringComparison.Ordinal) + 1)..];

    public bool StreamCreated { get; set; }

    public string Status { get; set; } = "IN_PROGRESS";

    public List<string> Lines { get; } = [];

    /// <summary>(phase type, phase status, context code, context message).</summary>
    public List<(string Type, string Status, string? Code, string? Message)> Phases { get; } = [];

    /// <summary>The build writes lines (the stream comes into being with the first).</summary>
    public BuildRun Writes(params string[] lines)
    {
        StreamCreated = true;
        Lines.AddRange(lines);
        return this;
    }

    public JsonObject Json()
    {
        var build = new JsonObject
        {
            ["id"] = Id,
            ["arn"] = $"arn:aws:codebuild:us-east-1:{PipelineWorld.Account}:build/{Id}",
            ["buildNumber"] = 7,
            ["startTime"] = PipelineWorld.Seconds(start),
            ["currentPhase"] = Phases.Count > 0 ? Phases[^1].Type : "QUEUED",
            ["buildStatus"] = Status,
            ["projectName"] = PipelineWorld.Project,
            ["phases"] = PipelineWorld.Array(Phases.Select(p =>
            {
                var phase = new JsonObject { ["phaseType"] = p.Type, ["phaseStatus"] = p.Status, ["startTime"] = PipelineWorld.Seconds(start) };
                if (p.Message is not null)
                {
                    phase["contexts"] = new JsonArray(new JsonObject { ["statusCode"] = p.Code, ["message"] = p.Message });
                }

                return (JsonNode)phase;
            })),
            ["buildComplete"] = Status != "IN_PROGRESS",
            ["initiator"] = "codepipeline/" + PipelineWorld.Pipeline,
        };
        if (StreamCreated)
        {
            build["logs"] = new JsonObject { ["groupName"] = Group, ["streamName"] = Stream };
        }

        return build;
    }
}

/// <summary>The ECS side: the service (null: it does not exist), its deployments and events, stopped tasks, container logs.</summary>
internal sealed class EcsState
{
    public const string Old = "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:7";
    public const string New = "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:8";

    private int eventNumber;

    public bool ServiceExists { get; set; } = true;

    public string ServiceTaskDefinition { get; set; } = Old;

    public List<JsonObject> Deployments { get; } = [Deployment("ecs-svc/7777", Old, "PRIMARY", "COMPLETED", running: 1, DateTimeOffset.UnixEpoch.AddYears(56))];

    public List<JsonObject> Events { get; } = [];

    public List<JsonObject> StoppedTasks { get; } = [];

    public Dictionary<string, List<string>> ContainerLogs { get; } = new(StringComparer.Ordinal);

    public static JsonObject Deployment(string id, string taskDefinition, string status, string rollout, int running, DateTimeOffset createdAt, string? reason = null)
    {
        var deployment = new JsonObject
        {
            ["id"] = id,
            ["status"] = status,
            ["taskDefinition"] = taskDefinition,
            ["desiredCount"] = 1,
            ["pendingCount"] = 1 - running,
            ["runningCount"] = running,
            ["failedTasks"] = 0,
            ["createdAt"] = PipelineWorld.Seconds(createdAt),
            ["updatedAt"] = PipelineWorld.Seconds(createdAt),
            ["launchType"] = "FARGATE",
            ["rolloutState"] = rollout,
        };
        if (reason is not null)
        {
            deployment["rolloutStateReason"] = reason;
        }

        return deployment;
    }

    public void Event(DateTimeOffset at, string message) =>
        Events.Insert(0, new JsonObject { ["id"] = $"event-{++eventNumber}", ["createdAt"] = PipelineWorld.Seconds(at), ["message"] = message });

    public void StoppedTask(string id, string taskDefinition, DateTimeOffset at, string reason, int exitCode, params string[] logLines)
    {
        StoppedTasks.Add(new JsonObject
        {
            ["taskArn"] = $"arn:aws:ecs:us-east-1:123456789012:task/{PipelineWorld.Cluster}/{id}",
            ["clusterArn"] = $"arn:aws:ecs:us-east-1:123456789012:cluster/{PipelineWorld.Cluster}",
            ["taskDefinitionArn"] = taskDefinition,
            ["lastStatus"] = "STOPPED",
            ["desiredStatus"] = "STOPPED",
            ["stoppedReason"] = reason,
            ["stopCode"] = "EssentialContainerExited",
            ["createdAt"] = PipelineWorld.Seconds(at),
            ["stoppedAt"] = PipelineWorld.Seconds(at.AddSeconds(20)),
            ["startedBy"] = "ecs-svc/8888",
            ["launchType"] = "FARGATE",
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = PipelineWorld.Service,
                ["lastStatus"] = "STOPPED",
                ["exitCode"] = exitCode,
            }),
        });
        ContainerLogs[$"ecs/{PipelineWorld.Service}/{id}"] = [.. logLines];
    }

    public JsonObject DescribeServices()
    {
        if (!ServiceExists)
        {
            return new JsonObject
            {
                ["services"] = new JsonArray(),
                ["failures"] = new JsonArray(new JsonObject { ["arn"] = $"arn:aws:ecs:us-east-1:123456789012:service/{PipelineWorld.Cluster}/{PipelineWorld.Service}", ["reason"] = "MISSING" }),
            };
        }

        var primary = Deployments.FirstOrDefault(d => d["status"]!.GetValue<string>() == "PRIMARY");
        return new JsonObject
        {
            ["services"] = new JsonArray(new JsonObject
            {
                ["serviceArn"] = $"arn:aws:ecs:us-east-1:123456789012:service/{PipelineWorld.Cluster}/{PipelineWorld.Service}",
                ["serviceName"] = PipelineWorld.Service,
                ["clusterArn"] = $"arn:aws:ecs:us-east-1:123456789012:cluster/{PipelineWorld.Cluster}",
                ["status"] = "ACTIVE",
                ["desiredCount"] = 1,
                ["runningCount"] = primary?["runningCount"]!.GetValue<int>() ?? 0,
                ["pendingCount"] = 0,
                ["launchType"] = "FARGATE",
                ["taskDefinition"] = ServiceTaskDefinition,
                ["deployments"] = PipelineWorld.Array(Deployments.Select(d => d.DeepClone())),
                ["events"] = PipelineWorld.Array(Events.Select(e => e.DeepClone())),
            }),
            ["failures"] = new JsonArray(),
        };
    }

    public static JsonObject TaskDefinition(string arn) => new()
    {
        ["taskDefinitionArn"] = arn,
        ["family"] = PipelineWorld.Service,
        ["revision"] = int.Parse(arn[(arn.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture),
        ["status"] = "ACTIVE",
        ["containerDefinitions"] = new JsonArray(new JsonObject
        {
            ["name"] = PipelineWorld.Service,
            ["image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service@sha256:" + new string('8', 64),
            ["logConfiguration"] = new JsonObject
            {
                ["logDriver"] = "awslogs",
                ["options"] = new JsonObject { ["awslogs-group"] = PipelineWorld.ContainerLogGroup, ["awslogs-region"] = "us-east-1", ["awslogs-stream-prefix"] = "ecs" },
            },
        }),
    };
}
