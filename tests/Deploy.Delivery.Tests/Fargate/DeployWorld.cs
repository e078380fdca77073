using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.Aws.Ecr;
using Deploy.Aws.Ecs;
using Deploy.Aws.Iam;
using Deploy.Aws.Logs;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Tests.Quality;

namespace Deploy.Delivery.Tests.Fargate;

/// <summary>
/// A small simulated ECS/ECR/Logs account behind <see cref="FakeAws"/>: RegisterTaskDefinition stores what it gets plus the
/// read-only members and defaults ECS adds (so DescribeTaskDefinition answers like the real service), services roll a new
/// deployment to COMPLETED on the next DescribeServices, or, with <see cref="FailNextRollout"/>, have the circuit breaker roll
/// it back. Tests then check what was called.
/// </summary>
internal sealed class DeployWorld : IDisposable
{
    public const string Account = "123456789012";
    public const string Cluster = "sample-cluster";
    public const string Service = "sample-service";
    public const string Repository = Account + ".dkr.ecr.us-east-1.amazonaws.com/sample-service";
    public const string Digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    public const string Tag = "0123456789abcdef0123456789abcdef01234567";
    public const string ExecutionRole = "arn:aws:iam::123456789012:role/sample-service-execution";
    public const string TaskRole = "arn:aws:iam::123456789012:role/sample-service-task";

    private readonly Dictionary<string, JsonObject> definitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> revisions = new(StringComparer.Ordinal);
    private int deploymentNumber;

    public DeployWorld()
    {
        var session = Fake.Session();
        Ecs = new EcsClient(session);
        Ecr = new EcrClient(session);
        Logs = new LogsClient(session);
        Iam = new IamClient(session);
        Fake.Handlers["GetRole"] = GetRole;
        Fake.Handlers["DescribeImages"] = DescribeImages;
        Fake.Handlers["RegisterTaskDefinition"] = Register;
        Fake.Handlers["DescribeTaskDefinition"] = call => FakeAws.Json(new { taskDefinition = definitions[Arn(call.Body["taskDefinition"]!.GetValue<string>())] });
        Fake.Handlers["ListTaskDefinitions"] = call => new JsonObject
        {
            ["taskDefinitionArns"] = new JsonArray([.. definitions.Keys
                .Where(a => a.Contains("/" + call.Body["familyPrefix"]!.GetValue<string>(), StringComparison.Ordinal))
                .Where(a => definitions[a]["status"]!.GetValue<string>() == "ACTIVE")
                .Reverse()
                .Select(a => (JsonNode)a)]),
        }.ToJsonString();
        Fake.Handlers["DescribeServices"] = _ => DescribeServices();
        Fake.Handlers["CreateService"] = call => Roll(call, created: true);
        Fake.Handlers["UpdateService"] = call => Roll(call, created: false);
        Fake.Handlers["ListTasks"] = _ => """{"taskArns":[]}""";
    }

    public FakeAws Fake { get; } = new();

    public RecordingLog Log { get; } = new();

    public FakeClock Clock { get; } = new();

    public EcsClient Ecs { get; }

    public EcrClient Ecr { get; }

    public LogsClient Logs { get; }

    public IamClient Iam { get; }

    /// <summary>The IAM roles that exist (a platform destroyed and provisioned again has new ones).</summary>
    public HashSet<string> Roles { get; } = new(StringComparer.Ordinal) { ExecutionRole, TaskRole };

    /// <summary>Digests the repository holds, with their tags.</summary>
    public Dictionary<string, string[]> Images { get; } = new(StringComparer.Ordinal) { [Digest] = [Tag] };

    /// <summary>The service (null until created): its task definition and its deployments.</summary>
    public JsonObject? ServiceState { get; private set; }

    /// <summary>The next update's rollout fails and the circuit breaker rolls back to the current revision.</summary>
    public bool FailNextRollout { get; set; }

    public string TemplatePath { get; set; } = Path.Combine(RepositoryRoot.Path, "deploy", "taskdef.json");

    /// <summary>The calls that change something in the account.</summary>
    public IReadOnlyList<string> Mutations => [.. Fake.Operations.Where(o => o is "RegisterTaskDefinition" or "CreateService" or "UpdateService" or "DeregisterTaskDefinition" or "DeleteService")];

    public static string Arn(string familyAndRevision) => familyAndRevision.StartsWith("arn:", StringComparison.Ordinal)
        ? familyAndRevision
        : $"arn:aws:ecs:us-east-1:{Account}:task-definition/{familyAndRevision}";

    public FargateDeployer Deployer() => new(Ecs, Ecr, Logs, Log, Clock, Clock.Delay);

    public FargateRollback Rollback() => new(Ecs, Iam, Logs, Log, Clock, Clock.Delay);

    public DeployOptions Options(string? imageReference = null, string commit = Tag) => new()
    {
        Cluster = Cluster,
        ServiceName = Service,
        TemplatePath = TemplatePath,
        Image = ImageReference.Parse(imageReference ?? $"{Repository}:{Tag}"),
        AccountId = Account,
        Region = "us-east-1",
        ExecutionRoleArn = ExecutionRole,
        TaskRoleArn = TaskRole,
        LogGroup = "/ecs/sample-service",
        Commit = commit,
        Subnets = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
        SecurityGroups = ["sg-0123456789abcdef0"],
        TargetGroupArn = $"arn:aws:elasticloadbalancing:us-east-1:{Account}:targetgroup/sample/0123456789abcdef",
        AssignPublicIp = true,
        ServiceUrl = new Uri("http://sample-alb-123.us-east-1.elb.amazonaws.com"),
    };

    /// <summary>Starts the world with the service running <paramref name="familyAndRevisions"/>' last entry (all registered).</summary>
    public void Given(params string[] familyAndRevisions)
    {
        foreach (var name in familyAndRevisions)
        {
            var colon = name.LastIndexOf(':');
            var family = name[..colon];
            var revision = int.Parse(name[(colon + 1)..], CultureInfo.InvariantCulture);
            revisions[family] = revision;
            definitions[Arn(name)] = Described(SampleDefinition(family, $"{Repository}@sha256:{revision.ToString(CultureInfo.InvariantCulture).PadLeft(64, '0')}"), family, revision);
        }

        var current = Arn(familyAndRevisions[^1]);
        ServiceState = ServiceJson(current, [DeploymentJson("ecs-svc/0", current, "PRIMARY", "COMPLETED", 1)]);
    }

    public JsonObject Definition(string familyAndRevision) => definitions[Arn(familyAndRevision)];

    public void Deregister(string familyAndRevision) => definitions[Arn(familyAndRevision)]["status"] = "INACTIVE";

    public void Dispose() => Fake.Dispose();

    private static JsonObject SampleDefinition(string family, string image) => new()
    {
        ["family"] = family,
        ["networkMode"] = "awsvpc",
        ["requiresCompatibilities"] = new JsonArray("FARGATE"),
        ["cpu"] = "256",
        ["memory"] = "512",
        ["executionRoleArn"] = ExecutionRole,
        ["containerDefinitions"] = new JsonArray(new JsonObject
        {
            ["name"] = family,
            ["image"] = image,
            ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 }),
            ["logConfiguration"] = new JsonObject
            {
                ["logDriver"] = "awslogs",
                ["options"] = new JsonObject { ["awslogs-group"] = "/ecs/sample-service", ["awslogs-region"] = "us-east-1", ["awslogs-stream-prefix"] = "ecs" },
            },
        }),
    };

    /// <summary>What DescribeTaskDefinition returns for a registered body: read-only members and ECS's defaults added.</summary>
    private static JsonObject Described(JsonObject body, string family, int revision)
    {
        var described = (JsonObject)body.DeepClone();
        described.Remove("tags");
        described["taskDefinitionArn"] = Arn($"{family}:{revision}");
        described["revision"] = revision;
        described["status"] = "ACTIVE";
        described["compatibilities"] = new JsonArray("EC2", "FARGATE");
        described["requiresAttributes"] = new JsonArray(new JsonObject { ["name"] = "com.amazonaws.ecs.capability.logging-driver.awslogs" });
        described["registeredAt"] = 1767268000;
        described["registeredBy"] = $"arn:aws:sts::{Account}:assumed-role/deployer/session";
        described["volumes"] = new JsonArray();
        described["placementConstraints"] = new JsonArray();
        foreach (var container in described["containerDefinitions"]!.AsArray().OfType<JsonObject>())
        {
            container["cpu"] ??= 0;
            container["essential"] ??= true;
            container["mountPoints"] ??= new JsonArray();
            container["volumesFrom"] ??= new JsonArray();
            container["systemControls"] ??= new JsonArray();
            container["environment"] = container["environment"] is JsonArray env
                ? new JsonArray([.. env.OfType<JsonObject>().OrderByDescending(e => e["name"]!.GetValue<string>(), StringComparer.Ordinal).Select(e => e.DeepClone())])
                : new JsonArray();
            foreach (var port in (container["portMappings"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port["hostPort"] ??= port["containerPort"]!.GetValue<int>();
                port["protocol"] ??= "tcp";
            }
        }

        return described;
    }

    private string GetRole(AwsCall call)
    {
        var name = call.Body["RoleName"]!.GetValue<string>();
        var arn = Roles.FirstOrDefault(r => r.EndsWith("/" + name, StringComparison.Ordinal))
            ?? throw new FakeAwsError("NoSuchEntity", $"The role with name {name} cannot be found.");
        return $"<Role><Path>/</Path><RoleName>{name}</RoleName><RoleId>AROA0000000000EXAMPLE</RoleId><Arn>{arn}</Arn>"
            + "<CreateDate>2026-01-01T12:00:00Z</CreateDate></Role>";
    }

    private string DescribeImages(AwsCall call)
    {
        var id = call.Body["imageIds"]![0]!.AsObject();
        var digest = id["imageDigest"]?.GetValue<string>();
        var tag = id["imageTag"]?.GetValue<string>();
        var match = Images.FirstOrDefault(i => i.Key == digest || (tag is not null && i.Value.Contains(tag)));
        if (match.Key is null)
        {
            throw new FakeAwsError("ImageNotFoundException", $"The image with imageId {{imageDigest:'{digest}', imageTag:'{tag}'}} does not exist within the repository with name 'sample-service' in the registry with id '{Account}'");
        }

        return FakeAws.Json(new { imageDetails = new[] { new { registryId = Account, repositoryName = "sample-service", imageDigest = match.Key, imageTags = match.Value } } });
    }

    private string Register(AwsCall call)
    {
        var family = call.Body["family"]!.GetValue<string>();
        var revision = revisions[family] = revisions.GetValueOrDefault(family) + 1;
        var described = Described(call.Body, family, revision);
        definitions[described["taskDefinitionArn"]!.GetValue<string>()] = described;
        return new JsonObject { ["taskDefinition"] = described.DeepClone() }.ToJsonString();
    }

    private string Roll(AwsCall call, bool created)
    {
        var arn = Arn(call.Body["taskDefinition"]!.GetValue<string>());
        var id = $"ecs-svc/{++deploymentNumber}";
        var desired = created ? call.Body["desiredCount"]!.GetValue<int>() : ServiceState!["desiredCount"]!.GetValue<int>();
        var previous = ServiceState?["deployments"]!.AsArray().OfType<JsonObject>().Select(d => (JsonObject)d.DeepClone()).ToList() ?? [];
        foreach (var d in previous)
        {
            d["status"] = "ACTIVE";
        }

        ServiceState = ServiceJson(arn, [DeploymentJson(id, arn, "PRIMARY", "IN_PROGRESS", desired, running: 0), .. previous], desired);
        ServiceState["pendingRollout"] = FailNextRollout ? "fail" : "complete";
        FailNextRollout = false;
        var response = (JsonObject)ServiceState.DeepClone();
        response.Remove("pendingRollout");
        return new JsonObject { ["service"] = response }.ToJsonString();
    }

    private string DescribeServices()
    {
        if (ServiceState is null)
        {
            return $$"""{"services":[],"failures":[{"arn":"arn:aws:ecs:us-east-1:{{Account}}:service/{{Cluster}}/{{Service}}","reason":"MISSING"}]}""";
        }

        var response = (JsonObject)ServiceState.DeepClone();
        response.Remove("pendingRollout");
        var answer = new JsonObject { ["services"] = new JsonArray(response), ["failures"] = new JsonArray() }.ToJsonString();

        // The next look sees the rollout finished (or rolled back).
        var deployments = ServiceState["deployments"]!.AsArray().OfType<JsonObject>().ToList();
        var primary = deployments[0];
        var desired = primary["desiredCount"]!.GetValue<int>();
        switch (ServiceState["pendingRollout"]?.GetValue<string>())
        {
            case "complete":
                ServiceState = ServiceJson(primary["taskDefinition"]!.GetValue<string>(), [DeploymentJson(primary["id"]!.GetValue<string>(), primary["taskDefinition"]!.GetValue<string>(), "PRIMARY", "COMPLETED", desired)], desired);
                break;
            case "fail" when deployments.Count > 1:
                var old = deployments[1];
                var failed = DeploymentJson(primary["id"]!.GetValue<string>(), primary["taskDefinition"]!.GetValue<string>(), "ACTIVE", "FAILED", 0, running: 0);
                failed["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start.";
                failed["failedTasks"] = 3;
                ServiceState = ServiceJson(old["taskDefinition"]!.GetValue<string>(), [DeploymentJson("ecs-svc/rollback", old["taskDefinition"]!.GetValue<string>(), "PRIMARY", "COMPLETED", desired), failed], desired);
                break;
        }

        return answer;
    }

    private JsonObject ServiceJson(string taskDefinition, JsonObject[] deployments, int desired = 1) => new()
    {
        ["serviceArn"] = $"arn:aws:ecs:us-east-1:{Account}:service/{Cluster}/{Service}",
        ["serviceName"] = Service,
        ["status"] = "ACTIVE",
        ["desiredCount"] = desired,
        ["runningCount"] = desired,
        ["taskDefinition"] = taskDefinition,
        ["deployments"] = new JsonArray([.. deployments]),
        ["events"] = new JsonArray(),
        ["createdAt"] = Clock.Now.ToUnixTimeSeconds(),
    };

    private JsonObject DeploymentJson(string id, string taskDefinition, string status, string state, int desired, int? running = null) => new()
    {
        ["id"] = id,
        ["status"] = status,
        ["taskDefinition"] = taskDefinition,
        ["desiredCount"] = desired,
        ["runningCount"] = running ?? desired,
        ["pendingCount"] = 0,
        ["rolloutState"] = state,
        ["createdAt"] = Clock.Now.ToUnixTimeSeconds(),
    };
}
