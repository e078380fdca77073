using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.CloudFormation;
using Deploy.LocalCloud.Tests.CodeCommit;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Sns;

/// <summary>
/// The rendered platform template deployed by CloudFormation on one local cloud, with a real HTTP subscriber confirmed on
/// the stack's notification topic (after the run CodePipeline makes when a pipeline is created has ended, so that only
/// what a test starts reaches the subscriber). Shared by the tests of one class.
/// </summary>
public sealed class PlatformNotificationWorld : IAsyncLifetime
{
    public const string Stack = "platform";
    public const string Pipeline = "sample-service-pipeline";
    public const string Service = "sample-service";

    public TestCloud Cloud { get; private set; } = null!;

    public AwsCli Cli => Cloud.Cli;

    public EcsTestKit Kit { get; private set; } = null!;

    public SnsSubscriber Subscriber { get; private set; } = null!;

    public GitClient Git { get; private set; } = null!;

    public string TopicArn { get; private set; } = null!;

    public string[] SubnetIds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Cloud = await TestCloud.StartAsync();
        Kit = new EcsTestKit(Cloud);
        Git = new GitClient(Cloud.Instance);
        Subscriber = await SnsSubscriber.StartAsync();
        var vpc = (await Cli.JsonAsync("ec2", "describe-vpcs"))["Vpcs"]!.AsArray().First(v => v!["IsDefault"]?.GetValue<bool>() == true)!["VpcId"]!.GetValue<string>();
        SubnetIds = [.. (await Cli.JsonAsync("ec2", "describe-subnets"))["Subnets"]!.AsArray()
            .Where(s => s!["VpcId"]!.GetValue<string>() == vpc).Select(s => s!["SubnetId"]!.GetValue<string>())];
        var parameters = new JsonArray(
            new JsonObject { ["ParameterKey"] = "VpcId", ["ParameterValue"] = vpc },
            new JsonObject { ["ParameterKey"] = "SubnetIds", ["ParameterValue"] = string.Join(',', SubnetIds) });
        await Cli.JsonAsync("cloudformation", "create-stack", "--stack-name", Stack, "--template-body", "file://" + PlatformTemplateFixture.Path,
            "--parameters", parameters.ToJsonString(), "--capabilities", "CAPABILITY_IAM");
        var stack = await StackCli.SettledAsync(Cli, Stack);
        Assert.Equal("CREATE_COMPLETE", stack["StackStatus"]!.GetValue<string>());
        TopicArn = stack["Outputs"]!.AsArray().Single(o => o!["OutputKey"]!.GetValue<string>() == "NotificationTopicArn")!["OutputValue"]!.GetValue<string>();

        await EcsTestKit.WaitForAsync(() => Cli.JsonAsync("codepipeline", "list-pipeline-executions", "--pipeline-name", Pipeline),
            list => list["pipelineExecutionSummaries"]!.AsArray().All(e => e!["status"]!.GetValue<string>() != "InProgress"),
            TimeSpan.FromSeconds(60), "the pipeline's first run (on creation) to end");
        await Cli.JsonAsync("sns", "subscribe", "--topic-arn", TopicArn, "--protocol", "http", "--notification-endpoint", Subscriber.Endpoint);
        await Subscriber.WaitForAsync(_ => !Subscriber.Confirmations.IsEmpty, TimeSpan.FromSeconds(30), "the subscriber to confirm");
    }

    /// <summary>The Chatbot custom notifications the subscriber received, as (title, description), in order.</summary>
    public List<(string Title, string Description, SnsPost Post)> Notifications() =>
        [.. Subscriber.Posts.Where(p => p.Type == "Notification")
            .Select(p => (Message: JsonNode.Parse(p.Field("Message")), Post: p))
            .Where(m => m.Message?["source"]?.GetValue<string>() == "custom")
            .Select(m => (m.Message!["content"]!["title"]!.GetValue<string>(), m.Message["content"]!["description"]!.GetValue<string>(), m.Post))];

    public async Task DisposeAsync()
    {
        await Subscriber.DisposeAsync();
        Git.Dispose();
        await Kit.DisposeAsync();
        await Cloud.DisposeAsync();
    }
}
