using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Deploy.Aws.Tests.Support;

public sealed class BotocoreModelsTests
{
    private const string EcsTarget = "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition";
    private const string Json11 = "application/x-amz-json-1.1";
    private const string Form = "application/x-www-form-urlencoded; charset=utf-8";

    private const string GoodTaskDefinition = """
        {
          "family": "web",
          "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"],
          "cpu": "256",
          "memory": "512",
          "containerDefinitions": [
            { "name": "app", "image": "nginx:1.27", "essential": true,
              "portMappings": [ { "containerPort": 80, "protocol": "tcp" } ],
              "environment": [ { "name": "A", "value": "1" } ],
              "logConfiguration": { "logDriver": "awslogs", "options": { "awslogs-group": "/ecs/web" } } }
          ],
          "tags": [ { "key": "team", "value": "deploy" } ]
        }
        """;

    private const string GoodCreateStack =
        "Action=CreateStack&Version=2010-05-15&StackName=web-stack&TemplateBody=%7B%22Resources%22%3A%7B%7D%7D" +
        "&Parameters.member.1.ParameterKey=Image&Parameters.member.1.ParameterValue=nginx" +
        "&Parameters.member.2.ParameterKey=Count&Parameters.member.2.UsePreviousValue=true" +
        "&Capabilities.member.1=CAPABILITY_IAM&Capabilities.member.2=CAPABILITY_NAMED_IAM" +
        "&Tags.member.1.Key=team&Tags.member.1.Value=deploy&TimeoutInMinutes=30&DisableRollback=false";

    [Fact]
    public void Locates_botocore_and_loads_latest_models()
    {
        Assert.True(Directory.Exists(BotocoreModels.DataDirectory));
        var ecs = BotocoreModels.Load("ecs");
        Assert.Equal("json", ecs.Protocol);
        Assert.Equal("AmazonEC2ContainerServiceV20141113", ecs.TargetPrefix);
        Assert.Equal("1.1", ecs.JsonVersion);
        Assert.Contains("RegisterTaskDefinition", ecs.Operations);

        var cfn = BotocoreModels.Load("cloudformation");
        Assert.Equal("query", cfn.Protocol);
        Assert.Equal("2010-05-15", cfn.ApiVersion);
        Assert.Equal("CloudFormation", cfn.ServiceId);
        Assert.Equal("DescribeStacksResult", cfn.ResultWrapper("DescribeStacks"));
        Assert.Equal("iam.amazonaws.com", BotocoreModels.Load("iam").GlobalEndpoint);
        Assert.Same(ecs, BotocoreModels.Load("ecs"));
    }

    [Fact]
    public void Accepts_a_correct_json_request()
    {
        Assert.Empty(BotocoreModels.ValidateJsonRequest("ecs", EcsTarget, Json11, GoodTaskDefinition));
        Assert.Empty(BotocoreModels.ValidateJsonRequest("ecs", "AmazonEC2ContainerServiceV20141113.ListClusters", Json11, "{}"));
    }

    [Fact]
    public void Flags_a_wrong_json_type_with_its_path()
    {
        var body = GoodTaskDefinition.Replace("\"containerPort\": 80", "\"containerPort\": \"80\"", StringComparison.Ordinal);
        var violation = Assert.Single(BotocoreModels.ValidateJsonRequest("ecs", EcsTarget, Json11, body));
        Assert.Equal("ECS RegisterTaskDefinition: containerDefinitions[0].portMappings[0].containerPort: expected integer, got string", violation);
    }

    [Fact]
    public void Flags_a_missing_required_member()
    {
        var body = GoodTaskDefinition.Replace("\"family\": \"web\",", string.Empty, StringComparison.Ordinal);
        var violation = Assert.Single(BotocoreModels.ValidateJsonRequest("ecs", EcsTarget, Json11, body));
        Assert.Equal("ECS RegisterTaskDefinition: family: required member is missing", violation);
    }

    [Fact]
    public void Flags_an_unknown_member_and_suggests_the_right_case()
    {
        var body = GoodTaskDefinition.Replace("\"cpu\"", "\"Cpu\"", StringComparison.Ordinal)
            .Replace("\"essential\"", "\"mandatory\"", StringComparison.Ordinal);
        var violations = BotocoreModels.ValidateJsonRequest("ecs", EcsTarget, Json11, body);
        Assert.Contains("ECS RegisterTaskDefinition: Cpu: unknown member (did you mean cpu?)", violations);
        Assert.Contains("ECS RegisterTaskDefinition: containerDefinitions[0].mandatory: unknown member", violations);
        Assert.Equal(2, violations.Count);
    }

    [Fact]
    public void Flags_a_bad_enum_value_and_null_members()
    {
        var body = GoodTaskDefinition.Replace("\"awsvpc\"", "\"bridged\"", StringComparison.Ordinal)
            .Replace("\"image\": \"nginx:1.27\"", "\"image\": \"nginx:1.27\", \"user\": null", StringComparison.Ordinal);
        var violations = BotocoreModels.ValidateJsonRequest("ecs", EcsTarget, Json11, body);
        Assert.Contains(violations, v => v.StartsWith("ECS RegisterTaskDefinition: networkMode: 'bridged' is not one of bridge|host|awsvpc|none", StringComparison.Ordinal));
        Assert.Contains("ECS RegisterTaskDefinition: containerDefinitions[0].user: expected string, got null (omit null members)", violations);
        Assert.Equal(2, violations.Count);
    }

    [Fact]
    public void Flags_protocol_mistakes_in_json_requests()
    {
        Assert.Contains(
            "ECS ListClusters: X-Amz-Target prefix 'AmazonECS' is not the model's 'AmazonEC2ContainerServiceV20141113'",
            BotocoreModels.ValidateJsonRequest("ecs", "AmazonECS.ListClusters", Json11, "{}"));
        Assert.Contains(
            "ECS ListClusters: content type 'application/json' is not application/x-amz-json-1.1",
            BotocoreModels.ValidateJsonRequest("ecs", "AmazonEC2ContainerServiceV20141113.ListClusters", "application/json", "{}"));
        Assert.Contains(
            "ECS ListClustrs: the model has no operation ListClustrs",
            BotocoreModels.ValidateJsonRequest("ecs", "AmazonEC2ContainerServiceV20141113.ListClustrs", Json11, "{}"));
        Assert.Contains(
            "ECS ListClusters: maxResults: expected integer, got number 1.5",
            BotocoreModels.ValidateJsonRequest("ecs", "AmazonEC2ContainerServiceV20141113.ListClusters", Json11, """{"maxResults":1.5}"""));
        Assert.Contains(
            "ECR BatchGetImage: imageIds: 0 entries, below the minimum 1",
            BotocoreModels.ValidateJsonRequest("ecr", "AmazonEC2ContainerRegistry_V20150921.BatchGetImage", Json11, """{"repositoryName":"web","imageIds":[]}"""));
    }

    [Fact]
    public void Accepts_a_correct_query_request()
    {
        Assert.Empty(BotocoreModels.ValidateQueryRequest("cloudformation", Form, GoodCreateStack));
        Assert.Empty(BotocoreModels.ValidateQueryRequest("cloudformation", Form, GoodCreateStack + "&NotificationARNs="));
        Assert.Empty(BotocoreModels.ValidateQueryRequest("sts", Form, "Action=GetCallerIdentity&Version=2011-06-15"));
    }

    [Fact]
    public void Flags_query_request_mistakes()
    {
        static IReadOnlyList<string> Check(string body) => BotocoreModels.ValidateQueryRequest("cloudformation", Form, body);

        Assert.Equal(
            ["CloudFormation CreateStack: StackName: required member is missing"],
            Check(GoodCreateStack.Replace("&StackName=web-stack", string.Empty, StringComparison.Ordinal)));
        Assert.Equal(
            ["CloudFormation CreateStack: Capabilities.member.1: 'CAPABILITY_ALL' is not one of CAPABILITY_IAM|CAPABILITY_NAMED_IAM|CAPABILITY_AUTO_EXPAND"],
            Check(GoodCreateStack.Replace("member.1=CAPABILITY_IAM", "member.1=CAPABILITY_ALL", StringComparison.Ordinal)));
        Assert.Equal(
            ["CloudFormation CreateStack: Stackname: unknown member (did you mean StackName?)"],
            Check(GoodCreateStack + "&Stackname=x"));
        Assert.Equal(
            ["CloudFormation CreateStack: Version '2010-05-16' is not the model's apiVersion 2010-05-15"],
            Check(GoodCreateStack.Replace("2010-05-15", "2010-05-16", StringComparison.Ordinal)));
        Assert.Equal(
            ["CloudFormation CreateStack: Tags.1: expected Tags.member.N for a list"],
            Check(GoodCreateStack.Replace("Tags.member.1.", "Tags.1.", StringComparison.Ordinal)));
        Assert.Equal(
            ["CloudFormation CreateStack: Parameters.member: indexes must run 1..2 without gaps, got 1,3"],
            Check(GoodCreateStack.Replace("Parameters.member.2.", "Parameters.member.3.", StringComparison.Ordinal)));
        Assert.Equal(
            ["CloudFormation CreateStack: TimeoutInMinutes: expected integer, got 'soon'",
             "CloudFormation CreateStack: DisableRollback: expected boolean (true|false), got 'False'"],
            Check(GoodCreateStack.Replace("=30", "=soon", StringComparison.Ordinal).Replace("=false", "=False", StringComparison.Ordinal)));
        Assert.Equal(
            ["CloudFormation CreateStack: content type 'application/json' is not application/x-www-form-urlencoded"],
            BotocoreModels.ValidateQueryRequest("cloudformation", "application/json", GoodCreateStack));
        Assert.Equal(
            ["CloudFormation CreateStacks: the model has no operation CreateStacks"],
            Check("Action=CreateStacks&Version=2010-05-15"));
    }

    [Fact]
    public void Query_maps_use_entry_key_value()
    {
        const string good = "Action=CreateTopic&Version=2010-03-31&Name=events" +
                            "&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Events" +
                            "&Attributes.entry.2.key=FifoTopic&Attributes.entry.2.value=false";
        Assert.Empty(BotocoreModels.ValidateQueryRequest("sns", Form, good));
        Assert.Equal(
            ["SNS CreateTopic: Attributes.entry.2.value: map entry value is missing",
             "SNS CreateTopic: Attributes.entry.2.val: a map entry has only key and value"],
            BotocoreModels.ValidateQueryRequest("sns", Form, good.Replace(".2.value=", ".2.val=", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Reverse().ToList());
        Assert.Equal(
            ["SNS CreateTopic: Attributes.member: expected Attributes.entry.N.key/value for a map"],
            BotocoreModels.ValidateQueryRequest("sns", Form, "Action=CreateTopic&Version=2010-03-31&Name=e&Attributes.member.1.key=a&Attributes.member.1.value=b"));
    }

    /// <summary>The operations issue 3 asks clients for, per botocore service.</summary>
    public static TheoryData<string, string> ClientOperations => new()
    {
        { "ecs", "RegisterTaskDefinition" }, { "ecs", "DescribeTaskDefinition" }, { "ecs", "DeregisterTaskDefinition" },
        { "ecs", "ListTaskDefinitions" }, { "ecs", "CreateCluster" }, { "ecs", "DescribeClusters" }, { "ecs", "CreateService" },
        { "ecs", "UpdateService" }, { "ecs", "DescribeServices" }, { "ecs", "DeleteService" }, { "ecs", "ListTasks" },
        { "ecs", "DescribeTasks" }, { "ecs", "RunTask" }, { "ecs", "StopTask" }, { "ecs", "TagResource" },
        { "ecr", "CreateRepository" }, { "ecr", "DescribeRepositories" }, { "ecr", "DeleteRepository" },
        { "ecr", "GetAuthorizationToken" }, { "ecr", "DescribeImages" }, { "ecr", "BatchGetImage" }, { "ecr", "BatchDeleteImage" },
        { "ecr", "PutLifecyclePolicy" }, { "ecr", "GetLifecyclePolicy" }, { "ecr", "PutImageScanningConfiguration" },
        { "ecr", "PutImageTagMutability" }, { "ecr", "DescribeImageScanFindings" },
        { "codecommit", "CreateRepository" }, { "codecommit", "GetRepository" }, { "codecommit", "DeleteRepository" },
        { "codecommit", "GetBranch" }, { "codecommit", "ListBranches" },
        { "codebuild", "CreateProject" }, { "codebuild", "UpdateProject" }, { "codebuild", "BatchGetProjects" },
        { "codebuild", "StartBuild" }, { "codebuild", "BatchGetBuilds" },
        { "codepipeline", "CreatePipeline" }, { "codepipeline", "UpdatePipeline" }, { "codepipeline", "GetPipeline" },
        { "codepipeline", "GetPipelineState" }, { "codepipeline", "StartPipelineExecution" },
        { "codepipeline", "GetPipelineExecution" }, { "codepipeline", "ListPipelineExecutions" },
        { "logs", "CreateLogGroup" }, { "logs", "DeleteLogGroup" }, { "logs", "DescribeLogGroups" },
        { "logs", "PutRetentionPolicy" }, { "logs", "DescribeLogStreams" }, { "logs", "GetLogEvents" }, { "logs", "FilterLogEvents" },
    };

    [Theory]
    [MemberData(nameof(ClientOperations))]
    public void Json_samples_of_client_operations_conform_to_the_model(string service, string operation) =>
        ModelAssert.Conforms(BotocoreModels.ValidateResponse(service, operation, BotocoreModels.SampleResponse(service, operation)));

    [Fact]
    public void Json_samples_of_all_operations_have_the_right_types()
    {
        // Every operation of the JSON services: structure, names and JSON types must be right; a few exotic string
        // patterns (e.g. Secrets Manager ARNs of ECR pull-through rules) are beyond the sample generator.
        foreach (var service in new[] { "ecs", "ecr", "logs", "codebuild", "codecommit", "codepipeline", "events" })
        {
            foreach (var operation in BotocoreModels.Load(service).Operations)
            {
                var sample = BotocoreModels.SampleResponse(service, operation);
                ModelAssert.Conforms(BotocoreModels.ValidateResponse(service, operation, sample)
                    .Where(v => !v.Contains("pattern", StringComparison.Ordinal) && !v.Contains(": length ", StringComparison.Ordinal))
                    .ToList());
            }
        }
    }

    [Fact]
    public void Json_sample_fills_every_member_with_distinct_values()
    {
        var sample = JsonNode.Parse(BotocoreModels.SampleResponse("ecs", "DescribeServices"))!;
        var services = sample["services"]!.AsArray();
        Assert.Equal(2, services.Count);
        Assert.Equal("serviceName-1", (string?)services[0]!["serviceName"]);
        Assert.Equal("serviceName-2", (string?)services[1]!["serviceName"]);
        Assert.NotEqual((int)services[0]!["desiredCount"]!, (int)services[0]!["runningCount"]!);
        Assert.Equal("COMPLETED", (string?)services[0]!["deployments"]![0]!["rolloutState"]);
        Assert.True((bool)services[0]!["deploymentConfiguration"]!["deploymentCircuitBreaker"]!["rollback"]!);
        Assert.True(services[0]!["createdAt"]!.GetValueKind() == System.Text.Json.JsonValueKind.Number);
    }

    [Fact]
    public void Query_sample_is_an_op_response_with_result_and_request_id()
    {
        var xml = XDocument.Parse(BotocoreModels.SampleResponse("cloudformation", "DescribeStacks"));
        XNamespace ns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
        var root = xml.Root!;
        Assert.Equal(ns + "DescribeStacksResponse", root.Name);
        var stacks = root.Element(ns + "DescribeStacksResult")!.Element(ns + "Stacks")!.Elements(ns + "member").ToList();
        Assert.Equal(2, stacks.Count);
        Assert.Equal("StackName-1", stacks[0].Element(ns + "StackName")!.Value);
        Assert.Equal("StackName-2", stacks[1].Element(ns + "StackName")!.Value);
        Assert.Equal("CREATE_IN_PROGRESS", stacks[0].Element(ns + "StackStatus")!.Value);
        Assert.Equal("ParameterKey-1", stacks[0].Element(ns + "Parameters")!.Elements(ns + "member").First().Element(ns + "ParameterKey")!.Value);
        Assert.EndsWith("Z", stacks[0].Element(ns + "CreationTime")!.Value, StringComparison.Ordinal);
        Assert.NotEmpty(root.Element(ns + "ResponseMetadata")!.Element(ns + "RequestId")!.Value);

        var none = XDocument.Parse(BotocoreModels.SampleResponse("cloudformation", "DeleteStack")).Root!;
        Assert.Equal(ns + "DeleteStackResponse", none.Name);
        Assert.NotNull(none.Element(ns + "ResponseMetadata"));
    }

    [Fact]
    public void Query_samples_of_all_operations_conform_to_the_model()
    {
        // The XML side of the validator against the XML side of the generator; as for JSON, a few exotic patterns
        // and lengths are beyond the generator.
        foreach (var service in new[] { "cloudformation", "iam", "sts" })
        {
            foreach (var operation in BotocoreModels.Load(service).Operations)
            {
                ModelAssert.Conforms(BotocoreModels.ValidateResponse(service, operation, BotocoreModels.SampleResponse(service, operation))
                    .Where(v => !v.Contains("pattern", StringComparison.Ordinal) && !v.Contains(": length ", StringComparison.Ordinal)));
            }
        }
    }

    [Fact]
    public void Query_samples_exist_for_every_operation()
    {
        foreach (var service in new[] { "cloudformation", "iam", "sts" })
        {
            foreach (var operation in BotocoreModels.Load(service).Operations)
            {
                Assert.NotNull(XDocument.Parse(BotocoreModels.SampleResponse(service, operation)).Root);
            }
        }
    }
}
