using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam;

public sealed class IamCliTests
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":"*"}]}""";

    [Fact]
    public async Task Roles_keep_their_trust_policy_inline_policies_and_attached_policies_and_refuse_deletion_while_they_have_any()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;

        var created = (await cli.JsonAsync("iam", "create-role", "--role-name", "task", "--path", "/service/", "--assume-role-policy-document", Trust, "--description", "runs the task"))["Role"]!;
        await cli.JsonAsync("iam", "put-role-policy", "--role-name", "task", "--policy-name", "write-logs", "--policy-document", Policy);
        await cli.JsonAsync("iam", "attach-role-policy", "--role-name", "task", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess");
        var role = (await cli.JsonAsync("iam", "get-role", "--role-name", "task"))["Role"]!;
        var inline = await cli.JsonAsync("iam", "get-role-policy", "--role-name", "task", "--policy-name", "write-logs");
        var attached = (await cli.JsonAsync("iam", "list-attached-role-policies", "--role-name", "task"))["AttachedPolicies"]!.AsArray();

        Assert.Equal("arn:aws:iam::000000000000:role/service/task", created["Arn"]!.GetValue<string>());
        Assert.StartsWith("AROA", role["RoleId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ecs-tasks.amazonaws.com", role["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal("logs:PutLogEvents", inline["PolicyDocument"]!["Statement"]![0]!["Action"]![0]!.GetValue<string>());
        Assert.Equal("ReadOnlyAccess", attached.Single()!["PolicyName"]!.GetValue<string>());
        Assert.Equal("DeleteConflict", await cli.ErrorCodeAsync("iam", "delete-role", "--role-name", "task"));
        Assert.Equal("EntityAlreadyExists", await cli.ErrorCodeAsync("iam", "create-role", "--role-name", "task", "--assume-role-policy-document", Trust));

        await cli.JsonAsync("iam", "delete-role-policy", "--role-name", "task", "--policy-name", "write-logs");
        await cli.JsonAsync("iam", "detach-role-policy", "--role-name", "task", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess");
        await cli.JsonAsync("iam", "delete-role", "--role-name", "task");
        Assert.Equal("NoSuchEntity", await cli.ErrorCodeAsync("iam", "get-role", "--role-name", "task"));
        cloud.AssertResponsesMatchBotocore();
    }
}
