using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>
/// The enforcement switch, through the aws CLI: a role session may do what its role's policy allows and is refused the
/// rest with AWS's error and message per protocol; the configured key stays administrator. (On by default.)
/// </summary>
public sealed class IamEnforcementTests
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}""";
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:DescribeRepositories","Resource":"arn:aws:ecr:us-east-1:000000000000:repository/app"}]}""";

    private static async Task<AwsCli> DeployerSessionAsync(TestCloud cloud)
    {
        var cli = cloud.Cli;
        await cli.JsonAsync("iam", "create-role", "--role-name", "deployer", "--assume-role-policy-document", Trust);
        await cli.RunAsync("iam", "put-role-policy", "--role-name", "deployer", "--policy-name", "ReadApp", "--policy-document", Policy);
        await cli.JsonAsync("ecr", "create-repository", "--repository-name", "app");
        await cli.JsonAsync("ecr", "create-repository", "--repository-name", "other");
        var credentials = (await cli.JsonAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/deployer", "--role-session-name", "ci"))["Credentials"]!;
        return cli.WithSession(credentials["AccessKeyId"]!.GetValue<string>(), credentials["SecretAccessKey"]!.GetValue<string>(), credentials["SessionToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_enforcement_a_session_does_what_its_role_allows_and_is_refused_the_rest_as_AWS_refuses()
    {
        await using var cloud = await TestCloud.StartAsync(configure: builder => builder.WithIamEnforced());
        var session = await DeployerSessionAsync(cloud);

        var allowed = await session.JsonAsync("ecr", "describe-repositories", "--repository-names", "app");
        var otherRepository = await session.RunAsync("ecr", "describe-repositories", "--repository-names", "other");
        var iamCall = await session.RunAsync("iam", "get-role", "--role-name", "deployer");
        var identity = await session.JsonAsync("sts", "get-caller-identity");
        var administrator = await cloud.Cli.JsonAsync("ecr", "describe-repositories", "--repository-names", "other");

        // A stack is authorized by its ARN, as a policy names it (Ref AWS::StackId), though the request names it by name.
        var stackId = (await cloud.Cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "platform", "--template-body",
            """{"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup"}}}"""))["StackId"]!.GetValue<string>();
        await cloud.Cli.RunAsync("iam", "put-role-policy", "--role-name", "deployer", "--policy-name", "ReadStack", "--policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudformation:DescribeStacks","Resource":"{{stackId}}"}]}""");
        var byName = await session.JsonAsync("cloudformation", "describe-stacks", "--stack-name", "platform");
        var byArn = await session.JsonAsync("cloudformation", "describe-stacks", "--stack-name", stackId);
        Assert.Equal([stackId, stackId], new[] { byName, byArn }.Select(d => d["Stacks"]![0]!["StackId"]!.GetValue<string>()));

        Assert.Equal("app", allowed["repositories"]![0]!["repositoryName"]!.GetValue<string>());
        Assert.Contains(
            "An error occurred (AccessDeniedException) when calling the DescribeRepositories operation: User: arn:aws:sts::000000000000:assumed-role/deployer/ci "
            + "is not authorized to perform: ecr:DescribeRepositories on resource: arn:aws:ecr:us-east-1:000000000000:repository/other "
            + "because no identity-based policy allows the ecr:DescribeRepositories action", otherRepository.Stderr, StringComparison.Ordinal);
        Assert.Contains(
            "(AccessDenied) when calling the GetRole operation: User: arn:aws:sts::000000000000:assumed-role/deployer/ci is not authorized to perform: "
            + "iam:GetRole on resource: arn:aws:iam::000000000000:role/deployer because no identity-based policy allows the iam:GetRole action",
            iamCall.Stderr, StringComparison.Ordinal);
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/deployer/ci", identity["Arn"]!.GetValue<string>());
        Assert.Equal("other", administrator["repositories"]![0]!["repositoryName"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }
}
