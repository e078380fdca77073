using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Sns;

/// <summary>One local cloud for an SNS test class (every response it sends is recorded for the botocore check).</summary>
public sealed class SnsCloud : IAsyncLifetime
{
    public TestCloud Cloud { get; private set; } = null!;

    public AwsCli Cli => Cloud.Cli;

    public async Task InitializeAsync() => Cloud = await TestCloud.StartAsync();

    public async Task DisposeAsync() => await Cloud.DisposeAsync();

    /// <summary>Creates a topic through the aws CLI and returns its ARN.</summary>
    public async Task<string> TopicAsync(string name, JsonObject? attributes = null)
    {
        string[] arguments = attributes is null
            ? ["sns", "create-topic", "--name", name]
            : ["sns", "create-topic", "--name", name, "--attributes", attributes.ToJsonString()];
        return (await Cli.JsonAsync(arguments))["TopicArn"]!.GetValue<string>();
    }

    /// <summary>Subscribes the subscriber through the aws CLI and waits until it has confirmed through SubscribeURL.</summary>
    public async Task<string> ConfirmedSubscriptionAsync(string topicArn, SnsSubscriber subscriber, JsonObject? attributes = null)
    {
        string[] arguments = ["sns", "subscribe", "--topic-arn", topicArn, "--protocol", "http", "--notification-endpoint", subscriber.Endpoint, "--return-subscription-arn"];
        var arn = (await Cli.JsonAsync(attributes is null ? arguments : [.. arguments, "--attributes", attributes.ToJsonString()]))["SubscriptionArn"]!.GetValue<string>();
        await EcsTestKit.WaitForAsync(
            async () => (await Cli.JsonAsync("sns", "get-subscription-attributes", "--subscription-arn", arn))["Attributes"]!["PendingConfirmation"]!.GetValue<string>() == "false",
            confirmed => confirmed, TimeSpan.FromSeconds(30), "the subscriber to confirm through SubscribeURL");
        return arn;
    }

    public static JsonObject Attributes(JsonObject response) => response["Attributes"]!.AsObject();
}
