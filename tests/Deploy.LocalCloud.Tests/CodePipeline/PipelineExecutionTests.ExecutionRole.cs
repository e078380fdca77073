using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CodePipeline;

/// <summary>
/// ECS's agent pulls from ECR and writes awslogs as the task execution role: under enforcement a role without
/// ecr:BatchGetImage stops the task with ECS's CannotPullContainerError naming the action; with the pull and log
/// permissions the task runs. Uses the pipeline tests' platform (its cluster and pushed image).
/// </summary>
public sealed partial class PipelineExecutionTests
{
    [Fact]
    public async Task A_task_runs_only_when_its_execution_role_may_pull_its_image_and_write_its_logs()
    {
        world.CreateRole("exec-no-pull", "ecs-tasks.amazonaws.com", "ecr:GetAuthorizationToken", "logs:CreateLogStream", "logs:PutLogEvents");
        world.CreateRole("exec-pull-and-logs", "ecs-tasks.amazonaws.com",
            "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "logs:CreateLogStream", "logs:PutLogEvents");

        var denied = await RunAsync("exec-no-pull", t => t["lastStatus"]!.GetValue<string>() == "STOPPED");
        var allowed = await RunAsync("exec-pull-and-logs", t => t["lastStatus"]!.GetValue<string>() == "RUNNING");
        await world.Cli.JsonAsync("ecs", "stop-task", "--cluster", PipelineWorld.Cluster, "--task", allowed["taskArn"]!.GetValue<string>());

        var reason = denied["stoppedReason"]!.GetValue<string>();
        Assert.StartsWith("CannotPullContainerError:", reason, StringComparison.Ordinal);
        var who = $"assumed-role/exec-no-pull/{denied["taskArn"]!.GetValue<string>().Split('/')[^1]}";
        Assert.True(reason.Contains(who + " is not authorized to perform: ecr:BatchGetImage", StringComparison.Ordinal), reason);
        Assert.Equal("RUNNING", allowed["lastStatus"]!.GetValue<string>());
    }

    /// <summary>Runs the world's image as a one-off task whose execution role is <paramref name="role"/>; the task once <paramref name="done"/>.</summary>
    private async Task<JsonObject> RunAsync(string role, Func<JsonObject, bool> done)
    {
        var family = "exec-" + role;
        var definition = new JsonObject
        {
            ["family"] = family,
            ["networkMode"] = "awsvpc",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"),
            ["cpu"] = "256",
            ["memory"] = "512",
            ["executionRoleArn"] = $"arn:aws:iam::{PipelineWorld.Account}:role/{role}",
            ["containerDefinitions"] = new JsonArray(new JsonObject
            {
                ["name"] = "web",
                ["image"] = world.Images["v1"],
                ["essential"] = true,
                ["stopTimeout"] = 2,
                ["logConfiguration"] = new JsonObject
                {
                    ["logDriver"] = "awslogs",
                    ["options"] = new JsonObject { ["awslogs-group"] = "/ecs/exec-role", ["awslogs-region"] = "us-east-1", ["awslogs-stream-prefix"] = "web" },
                },
            }),
        };
        await world.Cli.JsonAsync("ecs", "register-task-definition", "--cli-input-json", definition.ToJsonString());
        var subnet = (await world.Cli.JsonAsync("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true"))["Subnets"]![0]!["SubnetId"]!.GetValue<string>();
        var run = await world.Cli.JsonAsync("ecs", "run-task", "--cluster", PipelineWorld.Cluster, "--task-definition", family, "--launch-type", "FARGATE",
            "--network-configuration", $"awsvpcConfiguration={{subnets=[{subnet}],assignPublicIp=ENABLED}}");
        var taskArn = run["tasks"]![0]!["taskArn"]!.GetValue<string>();
        var described = await EcsTestKit.WaitForAsync(() => world.Cli.JsonAsync("ecs", "describe-tasks", "--cluster", PipelineWorld.Cluster, "--tasks", taskArn),
            d => done(d["tasks"]![0]!.AsObject()), TimeSpan.FromSeconds(90), $"the task of {role}");
        return described["tasks"]![0]!.AsObject();
    }
}
