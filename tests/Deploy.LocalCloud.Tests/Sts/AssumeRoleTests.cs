using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Sts;

/// <summary>STS AssumeRole through the aws CLI: the signed caller against the role's trust policy.</summary>
public sealed class AssumeRoleTests
{
    private static string TrustAccount(string? externalId = null) => new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(externalId is null
            ? new JsonObject { ["Effect"] = "Allow", ["Principal"] = new JsonObject { ["AWS"] = "arn:aws:iam::000000000000:root" }, ["Action"] = "sts:AssumeRole" }
            : new JsonObject
            {
                ["Effect"] = "Allow",
                ["Principal"] = new JsonObject { ["AWS"] = "000000000000" },
                ["Action"] = "sts:AssumeRole",
                ["Condition"] = new JsonObject { ["StringEquals"] = new JsonObject { ["sts:ExternalId"] = externalId } },
            }),
    }.ToJsonString();

    private const string TrustService = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    [Fact]
    public async Task The_account_key_assumes_a_role_trusting_its_account_and_the_session_chains_to_another_for_an_hour_at_most()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        await cli.JsonAsync("iam", "create-role", "--role-name", "ops", "--assume-role-policy-document", TrustAccount(), "--max-session-duration", "7200");
        await cli.JsonAsync("iam", "create-role", "--role-name", "build", "--assume-role-policy-document", TrustService);

        var assumed = await cli.JsonAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/ops", "--role-session-name", "alice", "--duration-seconds", "7200");
        var credentials = assumed["Credentials"]!;
        var session = cli.WithSession(credentials["AccessKeyId"]!.GetValue<string>(), credentials["SecretAccessKey"]!.GetValue<string>(), credentials["SessionToken"]!.GetValue<string>());
        var identity = await session.JsonAsync("sts", "get-caller-identity");
        // The trust names the account, so (IAM being enforced) the session's own policies must allow sts:AssumeRole too.
        var chainedWithoutPermission = await session.ErrorCodeAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/ops", "--role-session-name", "alice-denied");
        await cli.JsonAsync("iam", "put-role-policy", "--role-name", "ops", "--policy-name", "chain", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::000000000000:role/ops"}]}""");
        var chained = await session.JsonAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/ops", "--role-session-name", "alice-again");
        var chainedTooLong = await session.ErrorCodeAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/ops", "--role-session-name", "x2", "--duration-seconds", "7200");
        var serviceOnly = await cli.ErrorCodeAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/build", "--role-session-name", "mallory");

        Assert.Equal("arn:aws:sts::000000000000:assumed-role/ops/alice", assumed["AssumedRoleUser"]!["Arn"]!.GetValue<string>());
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/ops/alice", identity["Arn"]!.GetValue<string>());
        Assert.Equal("AccessDenied", chainedWithoutPermission);
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/ops/alice-again", chained["AssumedRoleUser"]!["Arn"]!.GetValue<string>());
        Assert.Equal("ValidationError", chainedTooLong);
        Assert.Equal("AccessDenied", serviceOnly);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task An_external_id_condition_needs_the_same_external_id()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        await cli.JsonAsync("iam", "create-role", "--role-name", "partner", "--assume-role-policy-document", TrustAccount("s3cr3t-id"));

        var without = await cli.ErrorCodeAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/partner", "--role-session-name", "p1");
        var wrong = await cli.ErrorCodeAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/partner", "--role-session-name", "p2", "--external-id", "other");
        var right = await cli.JsonAsync("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/partner", "--role-session-name", "p3", "--external-id", "s3cr3t-id");

        Assert.Equal("AccessDenied", without);
        Assert.Equal("AccessDenied", wrong);
        Assert.StartsWith("ASIA", right["Credentials"]!["AccessKeyId"]!.GetValue<string>(), StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }
}
