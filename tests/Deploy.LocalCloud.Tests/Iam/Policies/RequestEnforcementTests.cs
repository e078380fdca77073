using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>
/// Enforcement of what one request can carry beyond a single resource, through the aws CLI: every resource of a list
/// member, each role the request passes (<c>iam:PassRole</c> with <c>iam:PassedToService</c>), and EC2's own denial.
/// </summary>
public sealed class RequestEnforcementTests
{
    private const string Account = "000000000000";

    [Fact]
    public async Task A_request_naming_several_resources_is_authorized_on_each_of_them()
    {
        await using var cloud = await TestCloud.StartAsync(configure: builder => builder.WithIamEnforced());
        var session = await RoleSession.StartAsync(cloud, "reader", $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"ecr:DescribeRepositories","Resource":["arn:aws:ecr:us-east-1:{{Account}}:repository/app","arn:aws:ecr:us-east-1:{{Account}}:repository/web"]},
              {"Effect":"Allow","Action":"codebuild:BatchGetBuilds","Resource":"arn:aws:codebuild:us-east-1:{{Account}}:project/app"}]}
            """);
        foreach (var name in new[] { "app", "web", "other" })
        {
            await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", name);
        }

        var both = await session.Cli.JsonAsync("ecr", "describe-repositories", "--repository-names", "app", "web");
        var withOther = await session.Cli.RunAsync("ecr", "describe-repositories", "--repository-names", "app", "other", "web");
        var builds = await session.Cli.JsonAsync("codebuild", "batch-get-builds", "--ids", "app:11111111-1111-1111-1111-111111111111", "app:22222222-2222-2222-2222-222222222222");
        var otherBuild = await session.Cli.RunAsync("codebuild", "batch-get-builds", "--ids", "app:11111111-1111-1111-1111-111111111111", "other:33333333-3333-3333-3333-333333333333");

        Assert.Equal(2, both["repositories"]!.AsArray().Count);
        Assert.Contains("(AccessDeniedException) when calling the DescribeRepositories operation: "
            + session.Denial("ecr:DescribeRepositories", $"arn:aws:ecr:us-east-1:{Account}:repository/other"), withOther.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, builds["buildsNotFound"]!.AsArray().Count);
        Assert.Contains(session.Denial("codebuild:BatchGetBuilds", $"arn:aws:codebuild:us-east-1:{Account}:project/other"), otherBuild.Stderr, StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Passing_a_role_needs_PassRole_on_it_for_the_service_it_is_passed_to()
    {
        await using var cloud = await TestCloud.StartAsync(configure: builder => builder.WithIamEnforced());
        var session = await RoleSession.StartAsync(cloud, "deployer", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["ecs:RegisterTaskDefinition","codebuild:CreateProject","events:PutTargets"],"Resource":"*"},
              {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::000000000000:role/task-*",
               "Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}]}
            """);
        const string containers = """[{"name":"web","image":"busybox","memory":64,"essential":true}]""";
        var taskRole = $"arn:aws:iam::{Account}:role/task-web";

        var registered = await session.Cli.JsonAsync("ecs", "register-task-definition", "--family", "web",
            "--task-role-arn", taskRole, "--execution-role-arn", $"arn:aws:iam::{Account}:role/task-pull", "--container-definitions", containers);
        var otherRole = await session.Cli.RunAsync("ecs", "register-task-definition", "--family", "web",
            "--task-role-arn", taskRole, "--execution-role-arn", $"arn:aws:iam::{Account}:role/admin", "--container-definitions", containers);
        var otherService = await session.Cli.RunAsync("codebuild", "create-project", "--name", "build",
            "--source", """{"type":"NO_SOURCE","buildspec":"version: 0.2"}""", "--artifacts", "type=NO_ARTIFACTS",
            "--environment", "type=LINUX_CONTAINER,image=busybox,computeType=BUILD_GENERAL1_SMALL", "--service-role", taskRole);
        var target = await session.Cli.RunAsync("events", "put-targets", "--rule", "on-push",
            "--targets", $"Id=pipeline,Arn=arn:aws:codepipeline:us-east-1:{Account}:app,RoleArn={taskRole}");

        Assert.Equal(taskRole, registered["taskDefinition"]!["taskRoleArn"]!.GetValue<string>());
        Assert.Contains("(AccessDeniedException) when calling the RegisterTaskDefinition operation: "
            + session.Denial("iam:PassRole", $"arn:aws:iam::{Account}:role/admin"), otherRole.Stderr, StringComparison.Ordinal);
        Assert.Contains("(AccessDeniedException) when calling the CreateProject operation: " + session.Denial("iam:PassRole", taskRole),
            otherService.Stderr, StringComparison.Ordinal);
        Assert.Contains("(AccessDeniedException) when calling the PutTargets operation: " + session.Denial("iam:PassRole", taskRole),
            target.Stderr, StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task EC2_refuses_with_UnauthorizedOperation_and_its_own_sentence()
    {
        await using var cloud = await TestCloud.StartAsync(configure: builder => builder.WithIamEnforced());
        var session = await RoleSession.StartAsync(cloud, "network", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeVpcs","Resource":"*"}]}
            """);

        var vpcs = await session.Cli.JsonAsync("ec2", "describe-vpcs");
        var subnets = await session.Cli.RunAsync("ec2", "describe-subnets");

        Assert.NotEmpty(vpcs["Vpcs"]!.AsArray());
        Assert.Contains("An error occurred (UnauthorizedOperation) when calling the DescribeSubnets operation: You are not authorized to perform this operation. "
            + $"User: {session.Arn} is not authorized to perform: ec2:DescribeSubnets because no identity-based policy allows the ec2:DescribeSubnets action",
            subnets.Stderr, StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }
}
