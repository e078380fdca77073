using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>Failures mid-operation: the stack returns to its previous state and says which resource failed and why.</summary>
public sealed class StackRollbackTests
{
    private static JsonObject Template(int retention, string mutability, string repositoryName = "rollback-repo") => new()
    {
        ["Resources"] = new JsonObject
        {
            ["Logs"] = new JsonObject
            {
                ["Type"] = "AWS::Logs::LogGroup",
                ["Properties"] = new JsonObject { ["LogGroupName"] = "/rollback/app", ["RetentionInDays"] = retention },
            },
            ["Images"] = new JsonObject
            {
                ["Type"] = "AWS::ECR::Repository",
                ["DependsOn"] = "Logs",
                ["Properties"] = new JsonObject { ["RepositoryName"] = repositoryName, ["ImageTagMutability"] = mutability },
            },
        },
        ["Outputs"] = new JsonObject
        {
            ["Uri"] = new JsonObject { ["Value"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("Images", "RepositoryUri") } },
        },
    };

    [Fact]
    public async Task A_value_a_provider_rejects_mid_update_rolls_the_stack_back_to_its_previous_state_and_names_the_resource()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var work = new TempDirectory();
        var cli = cloud.Cli;
        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "app", "--template-body", StackCli.TemplateFile(work, Template(7, "MUTABLE")));
        await cli.JsonAsync("cloudformation", "wait", "stack-create-complete", "--stack-name", "app");

        // The log group is updated first (the repository depends on it); then ECR refuses the mutability value.
        await cli.JsonAsync("cloudformation", "update-stack", "--stack-name", "app", "--template-body", StackCli.TemplateFile(work, Template(14, "SOMETIMES")));
        var stack = await StackCli.SettledAsync(cli, "app");
        var events = await StackCli.EventsAsync(cli, "app");
        var groups = (await cli.JsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/rollback/"))["logGroups"]!.AsArray();
        var repository = (await cli.JsonAsync("ecr", "describe-repositories", "--repository-names", "rollback-repo"))["repositories"]![0]!;

        Assert.Equal("UPDATE_ROLLBACK_COMPLETE", stack["StackStatus"]!.GetValue<string>());
        var failed = events.First(e => e!["ResourceStatus"]!.GetValue<string>() == "UPDATE_FAILED");
        Assert.Equal("Images", failed!["LogicalResourceId"]!.GetValue<string>());
        Assert.Contains("SOMETIMES", failed["ResourceStatusReason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(events, e => e!["LogicalResourceId"]!.GetValue<string>() == "app"
                                     && e["ResourceStatus"]!.GetValue<string>() == "UPDATE_ROLLBACK_IN_PROGRESS"
                                     && e["ResourceStatusReason"]!.GetValue<string>().Contains("[Images]", StringComparison.Ordinal));
        Assert.Equal(7, groups.Single()!["retentionInDays"]!.GetValue<int>());
        Assert.Equal("MUTABLE", repository["imageTagMutability"]!.GetValue<string>());
        Assert.Contains("\"RetentionInDays\":7", (await cli.JsonAsync("cloudformation", "get-template", "--stack-name", "app"))["TemplateBody"]!.ToJsonString(), StringComparison.Ordinal);

        // The stack can still be updated afterwards.
        await cli.JsonAsync("cloudformation", "update-stack", "--stack-name", "app", "--template-body", StackCli.TemplateFile(work, Template(14, "IMMUTABLE")));
        await cli.JsonAsync("cloudformation", "wait", "stack-update-complete", "--stack-name", "app");
        Assert.Equal("IMMUTABLE", (await cli.JsonAsync("ecr", "describe-repositories", "--repository-names", "rollback-repo"))["repositories"]![0]!["imageTagMutability"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_failed_replacement_keeps_the_original_resource_and_deletes_nothing()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var work = new TempDirectory();
        var cli = cloud.Cli;
        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "app", "--template-body", StackCli.TemplateFile(work, Template(7, "MUTABLE")));
        await cli.JsonAsync("cloudformation", "wait", "stack-create-complete", "--stack-name", "app");

        await cli.JsonAsync("cloudformation", "update-stack", "--stack-name", "app", "--template-body", StackCli.TemplateFile(work, Template(7, "MUTABLE", "Invalid Name")));
        var stack = await StackCli.SettledAsync(cli, "app");

        Assert.Equal("UPDATE_ROLLBACK_COMPLETE", stack["StackStatus"]!.GetValue<string>());
        Assert.EndsWith("/rollback-repo", stack["Outputs"]![0]!["OutputValue"]!.GetValue<string>(), StringComparison.Ordinal);
        await cli.JsonAsync("ecr", "describe-repositories", "--repository-names", "rollback-repo");
        var resources = (await cli.JsonAsync("cloudformation", "describe-stack-resources", "--stack-name", "app"))["StackResources"]!.AsArray();
        Assert.Equal("rollback-repo", resources.Single(r => r!["LogicalResourceId"]!.GetValue<string>() == "Images")!["PhysicalResourceId"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_failed_first_create_deletes_what_it_made_and_ends_in_ROLLBACK_COMPLETE()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var work = new TempDirectory();
        var cli = cloud.Cli;

        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "broken", "--template-body", StackCli.TemplateFile(work, Template(7, "MUTABLE", "Invalid Name")));
        var stack = await StackCli.SettledAsync(cli, "broken");
        var events = await StackCli.EventsAsync(cli, "broken");

        Assert.Equal("ROLLBACK_COMPLETE", stack["StackStatus"]!.GetValue<string>());
        Assert.Contains(events, e => e!["LogicalResourceId"]!.GetValue<string>() == "Images" && e["ResourceStatus"]!.GetValue<string>() == "CREATE_FAILED"
                                     && e["ResourceStatusReason"]!.GetValue<string>().Contains("repositoryName", StringComparison.Ordinal));
        Assert.Contains(events, e => e!["LogicalResourceId"]!.GetValue<string>() == "Logs" && e["ResourceStatus"]!.GetValue<string>() == "DELETE_COMPLETE");
        Assert.Contains(events, e => e!["LogicalResourceId"]!.GetValue<string>() == "broken" && e["ResourceStatus"]!.GetValue<string>() == "ROLLBACK_IN_PROGRESS"
                                     && e["ResourceStatusReason"]!.GetValue<string>() == "The following resource(s) failed to create: [Images]. Rollback requested by user.");
        Assert.Empty((await cli.JsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/rollback/"))["logGroups"]!.AsArray());

        // As in AWS, a stack in ROLLBACK_COMPLETE can only be deleted.
        Assert.Equal("ValidationError", await cli.ErrorCodeAsync("cloudformation", "update-stack", "--stack-name", "broken", "--template-body", StackCli.TemplateFile(work, Template(7, "MUTABLE"))));
        await cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "broken");
        await cli.JsonAsync("cloudformation", "wait", "stack-delete-complete", "--stack-name", "broken");
        cloud.AssertResponsesMatchBotocore();
    }
}
