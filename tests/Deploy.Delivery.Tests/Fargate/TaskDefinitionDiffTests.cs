using System.Text.Json;
using Deploy.Aws;
using Deploy.Aws.Ecs;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Tests.Quality;
using Deploy.Testing.Botocore;

namespace Deploy.Delivery.Tests.Fargate;

public sealed class TaskDefinitionDiffTests
{
    private static RegisterTaskDefinitionRequest Rendered(string image = DeployWorld.Repository + "@" + DeployWorld.Digest) =>
        TaskDefinitionTemplate.Load(Path.Combine(RepositoryRoot.Path, "deploy", "taskdef.json")).Render(new Dictionary<string, string>
        {
            ["IMAGE"] = image,
            ["ACCOUNT_ID"] = DeployWorld.Account,
            ["REGION"] = "us-east-1",
            ["EXECUTION_ROLE_ARN"] = DeployWorld.ExecutionRole,
            ["TASK_ROLE_ARN"] = DeployWorld.TaskRole,
            ["LOG_GROUP"] = "/ecs/sample-service",
            ["SERVICE_NAME"] = "sample-service",
            ["COMMIT"] = DeployWorld.Tag,
            ["VERSION"] = "0123456789ab",
        }).Request;

    /// <summary>What DescribeTaskDefinition returns for <paramref name="registered"/>: read-only members and ECS's defaults added.</summary>
    private static TaskDefinition Described(RegisterTaskDefinitionRequest registered)
    {
        using var world = new DeployWorld();
        world.Fake.Handlers["RegisterTaskDefinition"](new AwsCall("", "RegisterTaskDefinition", JsonSerializer.SerializeToNode(registered, AwsJson.Options)!.AsObject()));
        return world.Definition("sample-service:1").Deserialize<TaskDefinition>(AwsJson.Options)!;
    }

    [Fact]
    public void A_described_definition_strips_its_read_only_members_and_registers_again_as_the_model_allows()
    {
        var described = Described(Rendered());
        Assert.NotNull(described.Revision);
        Assert.NotNull(described.RegisteredBy);

        var again = described.ToRegisterRequest();
        var wire = JsonSerializer.SerializeToNode(again, AwsJson.Options)!.AsObject();

        foreach (var readOnly in new[] { "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy" })
        {
            Assert.Null(wire[readOnly]);
        }

        Assert.Empty(ShapeValidator.ValidateJson("ecs", "RegisterTaskDefinitionRequest", wire));
    }

    [Fact]
    public void A_described_definition_has_the_same_content_as_the_rendered_one_despite_the_defaults_ECS_adds()
    {
        var rendered = Rendered();

        var described = Described(rendered).ToRegisterRequest();

        Assert.True(TaskDefinitionDiff.SameContent(described, rendered));
        Assert.Empty(TaskDefinitionDiff.Lines(described, rendered));
    }

    [Fact]
    public void Another_image_digest_is_different_content()
    {
        var described = Described(Rendered()).ToRegisterRequest();

        var other = Rendered(DeployWorld.Repository + "@sha256:" + new string('9', 64));

        Assert.False(TaskDefinitionDiff.SameContent(described, other));
        var lines = TaskDefinitionDiff.Lines(described, other);
        Assert.Equal([$"-       \"image\": \"{DeployWorld.Repository}@{DeployWorld.Digest}\","], lines.Where(l => l.StartsWith('-')));
        Assert.Equal([$"+       \"image\": \"{DeployWorld.Repository}@sha256:{new string('9', 64)}\","], lines.Where(l => l.StartsWith('+')));
    }

    [Fact]
    public void Tags_and_equivalent_size_notations_do_not_count_as_changes()
    {
        var rendered = Rendered();

        var same = rendered with { Cpu = "0.25 vCPU", Memory = "0.5 GB", Tags = [new EcsTag("commit", "x")] };

        Assert.True(TaskDefinitionDiff.SameContent(rendered, same));
    }

    [Fact]
    public void Health_check_defaults_that_ECS_fills_in_are_not_changes_but_other_values_are()
    {
        var rendered = Rendered();
        var container = rendered.ContainerDefinitions[0];

        var defaultsLeftOut = rendered with { ContainerDefinitions = [container with { HealthCheck = container.HealthCheck! with { Timeout = null, Retries = null } }] };
        var moreRetries = rendered with { ContainerDefinitions = [container with { HealthCheck = container.HealthCheck! with { Retries = 5 } }] };

        Assert.Equal((5, 3), (container.HealthCheck!.Timeout, container.HealthCheck.Retries));
        Assert.True(TaskDefinitionDiff.SameContent(rendered, defaultsLeftOut));
        Assert.False(TaskDefinitionDiff.SameContent(rendered, moreRetries));
    }

    [Fact]
    public void The_diff_of_a_new_definition_adds_every_line()
    {
        var lines = TaskDefinitionDiff.Lines(null, Rendered());

        Assert.All(lines, l => Assert.StartsWith("+ ", l, StringComparison.Ordinal));
        Assert.Contains("+   \"family\": \"sample-service\",", lines);
    }
}
