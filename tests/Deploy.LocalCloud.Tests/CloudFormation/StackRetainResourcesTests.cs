using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>DeleteStack's RetainResources, which AWS accepts only for a DELETE_FAILED stack, driven by the aws CLI.</summary>
public sealed class StackRetainResourcesTests
{
    private static JsonObject Template() => new()
    {
        ["Resources"] = new JsonObject
        {
            ["Artifacts"] = new JsonObject { ["Type"] = "AWS::S3::Bucket", ["Properties"] = new JsonObject { ["BucketName"] = "retain-artifacts" } },
            ["Logs"] = new JsonObject { ["Type"] = "AWS::Logs::LogGroup", ["Properties"] = new JsonObject { ["LogGroupName"] = "/retain/app" } },
        },
    };

    [Fact]
    public async Task A_delete_that_failed_on_a_bucket_with_objects_is_finished_by_retaining_the_bucket_which_stays_with_its_objects()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var work = new TempDirectory();
        var cli = cloud.Cli;
        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "keep", "--template-body", StackCli.TemplateFile(work, Template()));
        await StackCli.SettledAsync(cli, "keep");
        var body = Path.Combine(work.Path, "artifact.zip");
        await File.WriteAllTextAsync(body, "artifact");
        await cli.JsonAsync("s3api", "put-object", "--bucket", "retain-artifacts", "--key", "build/artifact.zip", "--body", body);

        // Not DELETE_FAILED yet: AWS refuses RetainResources.
        var early = await cli.ErrorCodeAsync("cloudformation", "delete-stack", "--stack-name", "keep", "--retain-resources", "Artifacts");
        await cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "keep");
        var failed = await StackCli.SettledAsync(cli, "keep");
        var resources = (await cli.JsonAsync("cloudformation", "describe-stack-resources", "--stack-name", "keep"))["StackResources"]!.AsArray()
            .ToDictionary(r => r!["LogicalResourceId"]!.GetValue<string>(), r => r!["ResourceStatus"]!.GetValue<string>());
        var alreadyDeleted = await cli.ErrorCodeAsync("cloudformation", "delete-stack", "--stack-name", "keep", "--retain-resources", "Logs");

        await cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "keep", "--retain-resources", "Artifacts");
        var deleted = await StackCli.SettledAsync(cli, failed["StackId"]!.GetValue<string>());
        var events = await StackCli.EventsAsync(cli, failed["StackId"]!.GetValue<string>());
        var objects = await cli.JsonAsync("s3api", "list-objects-v2", "--bucket", "retain-artifacts");

        Assert.Equal("ValidationError", early);
        Assert.Equal("DELETE_FAILED", failed["StackStatus"]!.GetValue<string>());
        Assert.Equal(("DELETE_FAILED", "DELETE_COMPLETE"), (resources["Artifacts"], resources["Logs"]));
        Assert.Equal("ValidationError", alreadyDeleted);
        Assert.Equal("DELETE_COMPLETE", deleted["StackStatus"]!.GetValue<string>());
        Assert.Contains(events, e => e!["LogicalResourceId"]!.GetValue<string>() == "Artifacts" && e["ResourceStatus"]!.GetValue<string>() == "DELETE_SKIPPED");
        Assert.Equal("build/artifact.zip", Assert.Single(objects["Contents"]!.AsArray())!["Key"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }
}
