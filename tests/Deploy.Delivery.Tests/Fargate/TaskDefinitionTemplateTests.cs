using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.Aws;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Tests.Quality;
using Deploy.Testing.Botocore;

namespace Deploy.Delivery.Tests.Fargate;

public sealed class TaskDefinitionTemplateTests
{
    private const string Image = DeployWorld.Repository + "@" + DeployWorld.Digest;

    private static string CheckedIn => Path.Combine(RepositoryRoot.Path, "deploy", "taskdef.json");

    private static Dictionary<string, string> Values => new(StringComparer.Ordinal)
    {
        ["IMAGE"] = Image,
        ["ACCOUNT_ID"] = DeployWorld.Account,
        ["REGION"] = "eu-west-1",
        ["EXECUTION_ROLE_ARN"] = DeployWorld.ExecutionRole,
        ["TASK_ROLE_ARN"] = DeployWorld.TaskRole,
        ["LOG_GROUP"] = "/ecs/sample-service",
        ["SERVICE_NAME"] = "sample-service",
        ["COMMIT"] = DeployWorld.Tag,
        ["VERSION"] = "0123456789ab",
    };

    [Fact]
    public void The_checked_in_template_renders_every_placeholder_into_a_fargate_task_definition()
    {
        var rendered = TaskDefinitionTemplate.Load(CheckedIn).Render(Values);

        var request = rendered.Request;
        Assert.DoesNotContain("${", rendered.Json.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("sample-service", request.Family);
        Assert.Equal(("256", "512", "awsvpc"), (request.Cpu, request.Memory, request.NetworkMode));
        Assert.Equal(["FARGATE"], request.RequiresCompatibilities);
        Assert.Equal((DeployWorld.ExecutionRole, DeployWorld.TaskRole), (request.ExecutionRoleArn, request.TaskRoleArn));
        var container = Assert.Single(request.ContainerDefinitions);
        Assert.Equal(Image, container.Image);
        Assert.Equal(8080, Assert.Single(container.PortMappings!).ContainerPort);
        Assert.Equal(["CMD", "/app/Deploy.SampleService", "--probe"], container.HealthCheck!.Command);
        // Not the version or commit: the image carries them (its ENV), and CodePipeline's ECS action replaces only the
        // image of a revision, so a copy in the task definition would keep naming the commit of the first deploy.
        Assert.Equal([("SERVICE_NAME", "sample-service")], container.Environment!.Select(e => (e.Name, e.Value)));
        Assert.Equal("awslogs", container.LogConfiguration!.LogDriver);
        Assert.Equal("/ecs/sample-service", container.LogConfiguration.Options!["awslogs-group"]);
        Assert.Equal("eu-west-1", container.LogConfiguration.Options["awslogs-region"]);
        Assert.Equal("ecs", container.LogConfiguration.Options["awslogs-stream-prefix"]);
    }

    [Fact]
    public void The_rendered_checked_in_template_conforms_to_botocores_RegisterTaskDefinition_model()
    {
        var rendered = TaskDefinitionTemplate.Load(CheckedIn).Render(Values);

        // Both the template's JSON and what the client sends (the request record serialized).
        Assert.Empty(ShapeValidator.ValidateJson("ecs", "RegisterTaskDefinitionRequest", rendered.Json));
        Assert.Empty(ShapeValidator.ValidateJson("ecs", "RegisterTaskDefinitionRequest", JsonSerializer.SerializeToNode(rendered.Request, AwsJson.Options)));
    }

    [Fact]
    public void The_model_validator_itself_rejects_what_ECS_would_reject()
    {
        var json = TaskDefinitionTemplate.Load(CheckedIn).Render(Values).Json;
        json["networkMode"] = "bridged";
        json["containerDefinitions"]![0]!["portMapping"] = new JsonArray();
        json.Remove("family");

        var violations = ShapeValidator.ValidateJson("ecs", "RegisterTaskDefinitionRequest", json);

        Assert.Contains("family: required member is missing", violations);
        Assert.Contains("networkMode: 'bridged' is not one of bridge|host|awsvpc|none", violations);
        Assert.Contains("containerDefinitions[0].portMapping: unknown member", violations);
        Assert.Equal(3, violations.Count);
    }

    [Fact]
    public void Every_container_gets_its_image_including_IMAGE_name_placeholders_and_values_are_json_escaped()
    {
        var template = TaskDefinitionTemplate.Parse(Template("""
            { "name": "app", "image": "${IMAGE}", "essential": true, "environment": [{ "name": "QUOTE", "value": "${COMMIT}" }] },
            { "name": "sidecar", "image": "${IMAGE:sidecar}", "essential": false }
            """));
        var values = Values;
        values["IMAGE:sidecar"] = DeployWorld.Repository + "-sidecar@sha256:" + new string('2', 64);
        values["COMMIT"] = "say \"hi\"\\";

        var rendered = template.Render(values);

        Assert.Equal(["sidecar"], template.ContainerImageNames);
        Assert.Equal([Image, values["IMAGE:sidecar"]], rendered.Request.ContainerDefinitions.Select(c => c.Image));
        Assert.Equal("say \"hi\"\\", rendered.Request.ContainerDefinitions[0].Environment![0].Value);
    }

    [Fact]
    public void An_unknown_placeholder_fails_with_one_error_naming_it_and_its_file_and_line()
    {
        var template = TaskDefinitionTemplate.Parse(Template("""{ "name": "app", "image": "${IMAGE:sidecar}" }""", family: "${FAMILY}"), "deploy/taskdef.json");

        var error = Assert.Throws<TaskDefinitionTemplateException>(() => template.Render(Values));

        Assert.Contains("deploy/taskdef.json:2: unknown placeholder ${FAMILY}", error.Message, StringComparison.Ordinal);
        Assert.Contains("deploy/taskdef.json:9: unknown placeholder ${IMAGE:sidecar}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Known: ${ACCOUNT_ID}, ${COMMIT}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_after_rendering_names_the_line()
    {
        var template = TaskDefinitionTemplate.Parse("{\n  \"family\": \"x\",\n  \"cpu\": 256 256\n}", "t.json");

        var error = Assert.Throws<TaskDefinitionTemplateException>(() => template.Render(Values));

        Assert.StartsWith("t.json:3: invalid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"networkMode\": \"awsvpc\"", "\"networkMode\": \"bridge\"", "networkMode: Fargate requires awsvpc, got bridge")]
    [InlineData("\"networkMode\": \"awsvpc\"", "\"networkMode\": \"vpc\"", "networkMode: 'vpc' is not one of bridge, host, awsvpc, none")]
    [InlineData("\"requiresCompatibilities\": [\"FARGATE\"]", "\"requiresCompatibilities\": [\"FARGATE\", \"LAMBDA\"]", "requiresCompatibilities: 'LAMBDA' is not one of")]
    [InlineData("\"memory\": \"512\"", "\"memory\": \"4096\"", "memory: '4096' is not allowed with cpu 256 on Fargate (allowed MiB: 512, 1024, 2048)")]
    [InlineData("\"cpu\": \"256\"", "\"cpu\": \"300\"", "cpu: '300' is not a Fargate CPU size")]
    [InlineData("\"family\": \"sample\"", "\"family\": \"sample service\"", "family: 'sample service' must be 1-255 letters")]
    [InlineData("\"family\": \"sample\",", "\"family\": \"sample\", \"inferenceAccelerators\": [],", "inferenceAccelerators: not a RegisterTaskDefinition member this deployer sends")]
    [InlineData("\"containerPort\": 8080", "\"containerPort\": 8080, \"hostPort\": 80", "hostPort: with awsvpc it must be left out or equal containerPort (8080), got 80")]
    [InlineData("\"protocol\": \"tcp\"", "\"protocol\": \"TCP\"", "protocol: 'TCP' is not one of tcp, udp")]
    [InlineData("\"logDriver\": \"awslogs\"", "\"logDriver\": \"json-file\"", "logDriver: Fargate supports awslogs, splunk, awsfirelens, not json-file")]
    [InlineData("\"awslogs-stream-prefix\": \"ecs\"", "\"awslogs-stream-prefix\": \"\"", "options.awslogs-stream-prefix: required for awslogs on Fargate")]
    [InlineData("[\"CMD\", \"/app/probe\"]", "[\"/app/probe\"]", "healthCheck.command: must start with CMD or CMD-SHELL")]
    [InlineData("\"interval\": 10", "\"interval\": 1", "healthCheck.interval: 1 is outside 5..300")]
    [InlineData("\"image\": \"${IMAGE}\"", "\"image\": \"${IMAGE}\", \"essential\": false", "at least one container must be essential")]
    [InlineData("\"name\": \"app\"", "\"name\": 7", "name: must be a string, got number")]
    public void Rule_violations_are_named_with_their_path_before_anything_is_registered(string original, string replacement, string expected)
    {
        var text = Template("""
            { "name": "app", "image": "${IMAGE}", "portMappings": [{ "containerPort": 8080, "protocol": "tcp" }],
              "healthCheck": { "command": ["CMD", "/app/probe"], "interval": 10 },
              "logConfiguration": { "logDriver": "awslogs", "options": { "awslogs-group": "g", "awslogs-region": "r", "awslogs-stream-prefix": "ecs" } } }
            """, family: "sample");
        Assert.Contains(original, text, StringComparison.Ordinal);
        TaskDefinitionTemplate.Parse(text).Render(Values);

        var error = Assert.Throws<TaskDefinitionTemplateException>(() => TaskDefinitionTemplate.Parse(text.Replace(original, replacement, StringComparison.Ordinal)).Render(Values));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("256", "512", true)]
    [InlineData("256", "2048", true)]
    [InlineData("256", "3072", false)]
    [InlineData("512", "4096", true)]
    [InlineData("0.5 vCPU", "1 GB", true)]
    [InlineData("1 vCPU", "8 GB", true)]
    [InlineData("1024", "1024", false)]
    [InlineData("4096", "30720", true)]
    [InlineData("8192", "20480", true)]
    [InlineData("8192", "18432", false)]
    [InlineData("16384", "122880", true)]
    public void Fargate_cpu_and_memory_combinations_follow_the_published_table(string cpu, string memory, bool allowed)
    {
        var json = TaskDefinitionTemplate.Load(CheckedIn).Render(Values).Json;
        json["cpu"] = cpu;
        json["memory"] = memory;

        Assert.Equal(allowed, !TaskDefinitionRules.Check(json).Any(v => v.StartsWith("cpu", StringComparison.Ordinal) || v.StartsWith("memory", StringComparison.Ordinal)));
    }

    private static string Template(string containers, string family = "sample") => $$"""
        {
          "family": "{{family}}",
          "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"],
          "cpu": "256",
          "memory": "512",
          "executionRoleArn": "${EXECUTION_ROLE_ARN}",
          "containerDefinitions": [
            {{containers}}
          ]
        }
        """;
}
