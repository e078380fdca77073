using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>
/// The same CloudFormation and IAM mistakes, sent by the aws CLI, fail with the same codes in moto and in the local cloud.
/// Not listed, because moto differs from AWS there (measured with moto 5.2.1): a malformed template in CreateStack and
/// ExecuteChangeSet of a missing change set (moto: HTTP 500), DescribeChangeSet of a missing change set (moto:
/// ValidationError, AWS: ChangeSetNotFound), UpdateStack without changes and an UPDATE change set for a missing stack
/// (moto accepts both; AWS: ValidationError). The local cloud follows AWS in these.
/// </summary>
public sealed class CloudFormationMotoParityTests
{
    private const string Template = """{"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup","Properties":{"LogGroupName":"/parity/app"}}}}""";

    private static readonly string[][] Setup =
    [
        ["cloudformation", "create-stack", "--stack-name", "parity", "--template-body", Template],
        ["iam", "create-role", "--role-name", "parity-role", "--assume-role-policy-document", """{"Version":"2012-10-17","Statement":[]}"""],
    ];

    private static readonly string[][] Mistakes =
    [
        ["cloudformation", "describe-stacks", "--stack-name", "missing-stack"],
        ["cloudformation", "describe-stack-events", "--stack-name", "missing-stack"],
        ["cloudformation", "describe-stack-resources", "--stack-name", "missing-stack"],
        ["cloudformation", "get-template", "--stack-name", "missing-stack"],
        ["cloudformation", "create-stack", "--stack-name", "parity", "--template-body", Template],
        ["cloudformation", "validate-template", "--template-body", "{\"Resources\": {"],
        ["cloudformation", "update-stack", "--stack-name", "missing-stack", "--template-body", Template],
        ["iam", "get-role", "--role-name", "missing-role"],
        ["iam", "create-role", "--role-name", "parity-role", "--assume-role-policy-document", "{}"],
        ["iam", "get-role-policy", "--role-name", "parity-role", "--policy-name", "missing"],
        ["iam", "delete-role", "--role-name", "missing-role"],
    ];

    [Fact]
    public async Task Missing_stacks_duplicate_names_and_malformed_templates_yield_the_same_error_codes_as_moto()
    {
        await using var moto = await MotoServer.StartAsync();
        await using var cloud = await TestCloud.StartAsync();
        foreach (var command in Setup)
        {
            await moto.Cli.JsonAsync(command);
            await cloud.Cli.JsonAsync(command);
        }

        await StackCli.SettledAsync(cloud.Cli, "parity");
        foreach (var mistake in Mistakes)
        {
            var expected = await moto.Cli.ErrorCodeAsync(mistake);
            var actual = await cloud.Cli.ErrorCodeAsync(mistake);
            Assert.True(expected == actual, $"aws {string.Join(' ', mistake)}: moto says {expected}, local cloud says {actual}");
        }

        Assert.Equal("ChangeSetNotFound", await cloud.Cli.ErrorCodeAsync("cloudformation", "describe-change-set", "--stack-name", "parity", "--change-set-name", "missing-cs"));
        Assert.Equal("ValidationError", await cloud.Cli.ErrorCodeAsync("cloudformation", "update-stack", "--stack-name", "parity", "--template-body", Template));
        Assert.Equal("ValidationError", await cloud.Cli.ErrorCodeAsync("cloudformation", "create-stack", "--stack-name", "bad-json", "--template-body", "{\"Resources\": {"));

        // Deleting a stack that does not exist succeeds in both.
        await moto.Cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "missing-stack");
        await cloud.Cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "missing-stack");
        cloud.AssertResponsesMatchBotocore();
    }
}
