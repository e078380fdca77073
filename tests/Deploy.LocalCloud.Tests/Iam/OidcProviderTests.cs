using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.CloudFormation;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests.Iam;

/// <summary>IAM's OpenID Connect providers through the aws CLI, compared with moto, and as a CloudFormation resource.</summary>
public sealed class OidcProviderTests
{
    private const string GitLab = "https://gitlab.example.com";
    private const string Thumbprint = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public async Task Providers_are_created_read_listed_changed_and_deleted_as_moto_does_it()
    {
        await using var moto = await MotoServer.StartAsync();
        await using var cloud = await TestCloud.StartAsync();

        foreach (var (cli, account) in new[] { (moto.Cli, MotoServer.AccountId), (cloud.Cli, "000000000000") })
        {
            var arn = $"arn:aws:iam::{account}:oidc-provider/gitlab.example.com";
            var created = await cli.JsonAsync("iam", "create-open-id-connect-provider", "--url", GitLab, "--client-id-list", "sts.amazonaws.com", "gitlab-vault",
                "--thumbprint-list", Thumbprint, "--tags", "Key=team,Value=platform");
            var read = await cli.JsonAsync("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn);
            var listed = await cli.JsonAsync("iam", "list-open-id-connect-providers");

            var where = cli == cloud.Cli ? "local cloud" : "moto";
            Assert.True(arn == created["OpenIDConnectProviderArn"]!.GetValue<string>(), where);
            Assert.True("gitlab.example.com" == read["Url"]!.GetValue<string>(), where);
            Assert.Equal(["sts.amazonaws.com", "gitlab-vault"], read["ClientIDList"]!.AsArray().Select(c => c!.GetValue<string>()));
            Assert.Equal([Thumbprint], read["ThumbprintList"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.Equal("platform", read["Tags"]!.AsArray().Single()!["Value"]!.GetValue<string>());
            Assert.Contains(arn, listed["OpenIDConnectProviderList"]!.AsArray().Select(p => p!["Arn"]!.GetValue<string>()));

            Assert.True("EntityAlreadyExists" == await cli.ErrorCodeAsync("iam", "create-open-id-connect-provider", "--url", GitLab, "--client-id-list", "x"), where);
            await cli.JsonAsync("iam", "delete-open-id-connect-provider", "--open-id-connect-provider-arn", arn);
            Assert.True("NoSuchEntity" == await cli.ErrorCodeAsync("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn), where);
            await cli.JsonAsync("iam", "delete-open-id-connect-provider", "--open-id-connect-provider-arn", arn); // idempotent, as IAM documents
        }

        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Audiences_thumbprints_and_tags_change_in_place()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        var arn = (await cli.JsonAsync("iam", "create-open-id-connect-provider", "--url", GitLab, "--client-id-list", "sts.amazonaws.com"))["OpenIDConnectProviderArn"]!.GetValue<string>();

        await cli.JsonAsync("iam", "add-client-id-to-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--client-id", "gitlab-vault");
        await cli.JsonAsync("iam", "remove-client-id-from-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--client-id", "sts.amazonaws.com");
        await cli.JsonAsync("iam", "update-open-id-connect-provider-thumbprint", "--open-id-connect-provider-arn", arn, "--thumbprint-list", Thumbprint);
        await cli.JsonAsync("iam", "tag-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--tags", "Key=team,Value=platform", "Key=env,Value=prod");
        await cli.JsonAsync("iam", "untag-open-id-connect-provider", "--open-id-connect-provider-arn", arn, "--tag-keys", "env");
        var read = await cli.JsonAsync("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn);
        var tags = await cli.JsonAsync("iam", "list-open-id-connect-provider-tags", "--open-id-connect-provider-arn", arn);

        Assert.Equal(["gitlab-vault"], read["ClientIDList"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal([Thumbprint], read["ThumbprintList"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["team"], tags["Tags"]!.AsArray().Select(t => t!["Key"]!.GetValue<string>()));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Urls_must_be_https_except_on_loopback_and_lists_stay_within_IAMs_limits()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;

        Assert.Equal("InvalidInput", await cli.ErrorCodeAsync("iam", "create-open-id-connect-provider", "--url", "http://gitlab.example.com", "--client-id-list", "sts.amazonaws.com"));
        Assert.Equal("InvalidInput", await cli.ErrorCodeAsync("iam", "create-open-id-connect-provider", "--url", "https://gitlab.example.com/?x=1", "--client-id-list", "sts.amazonaws.com"));
        Assert.Equal("InvalidInput", await cli.ErrorCodeAsync("iam", "create-open-id-connect-provider", "--url", GitLab, "--thumbprint-list", "zz23456789abcdef0123456789abcdef01234567"));
        var local = await cli.JsonAsync("iam", "create-open-id-connect-provider", "--url", "http://127.0.0.1:4566/_gitlab/", "--client-id-list", "sts.amazonaws.com");
        Assert.Equal("arn:aws:iam::000000000000:oidc-provider/127.0.0.1:4566/_gitlab", local["OpenIDConnectProviderArn"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_stack_creates_the_provider_a_role_trusts_through_Ref_updates_its_audiences_in_place_and_deletes_it()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var files = new TempDirectory();
        var cli = cloud.Cli;
        JsonObject Template(params string[] audiences) => new()
        {
            ["Resources"] = new JsonObject
            {
                ["GitLab"] = new JsonObject
                {
                    ["Type"] = "AWS::IAM::OIDCProvider",
                    ["Properties"] = new JsonObject { ["Url"] = GitLab, ["ClientIdList"] = new JsonArray([.. audiences.Select(a => (JsonNode)a)]) },
                },
                ["Deployer"] = new JsonObject
                {
                    ["Type"] = "AWS::IAM::Role",
                    ["Properties"] = new JsonObject
                    {
                        ["AssumeRolePolicyDocument"] = new JsonObject
                        {
                            ["Version"] = "2012-10-17",
                            ["Statement"] = new JsonArray(new JsonObject
                            {
                                ["Effect"] = "Allow",
                                ["Principal"] = new JsonObject { ["Federated"] = new JsonObject { ["Ref"] = "GitLab" } },
                                ["Action"] = "sts:AssumeRoleWithWebIdentity",
                            }),
                        },
                    },
                },
            },
            ["Outputs"] = new JsonObject { ["ProviderArn"] = new JsonObject { ["Value"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("GitLab", "Arn") } } },
        };

        var stackId = (await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "federation", "--capabilities", "CAPABILITY_IAM",
            "--template-body", StackCli.TemplateFile(files, Template("sts.amazonaws.com"))))["StackId"]!.GetValue<string>();
        var created = await StackCli.SettledAsync(cli, "federation");
        var arn = created["Outputs"]![0]!["OutputValue"]!.GetValue<string>();
        var role = (await cli.JsonAsync("cloudformation", "describe-stack-resources", "--stack-name", "federation"))["StackResources"]!.AsArray()
            .Single(r => r!["LogicalResourceId"]!.GetValue<string>() == "Deployer")!["PhysicalResourceId"]!.GetValue<string>();
        var trust = (await cli.JsonAsync("iam", "get-role", "--role-name", role))["Role"]!["AssumeRolePolicyDocument"]!;

        await cli.JsonAsync("cloudformation", "update-stack", "--stack-name", "federation", "--capabilities", "CAPABILITY_IAM", "--template-body", StackCli.TemplateFile(files, Template("sts.amazonaws.com", "vault")));
        var updated = await StackCli.SettledAsync(cli, "federation");
        var audiences = (await cli.JsonAsync("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn))["ClientIDList"]!.AsArray();
        await cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "federation");
        var deleted = await StackCli.SettledAsync(cli, stackId);

        Assert.Equal("CREATE_COMPLETE", created["StackStatus"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::000000000000:oidc-provider/gitlab.example.com", arn);
        Assert.Equal(arn, trust["Statement"]![0]!["Principal"]!["Federated"]!.GetValue<string>());
        Assert.Equal("UPDATE_COMPLETE", updated["StackStatus"]!.GetValue<string>());
        Assert.Equal(arn, updated["Outputs"]![0]!["OutputValue"]!.GetValue<string>());
        Assert.Equal(["sts.amazonaws.com", "vault"], audiences.Select(a => a!.GetValue<string>()));
        Assert.Equal("DELETE_COMPLETE", deleted["StackStatus"]!.GetValue<string>());
        Assert.Equal("NoSuchEntity", await cli.ErrorCodeAsync("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn));
        cloud.AssertResponsesMatchBotocore();
    }
}
