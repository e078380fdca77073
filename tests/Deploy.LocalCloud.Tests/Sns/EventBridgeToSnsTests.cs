using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests.Sns;

/// <summary>
/// EventBridge rules whose target is a topic (input transformer, constant input, the whole event) through the aws CLI, to a
/// real HTTP subscriber; and SNS's error codes for bad input, the same as moto's (an independent implementation).
/// </summary>
public sealed class EventBridgeToSnsTests(SnsCloud sns) : IClassFixture<SnsCloud>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_rule_targeting_a_topic_publishes_what_its_input_transformer_makes_of_the_event_to_the_subscribers()
    {
        await using var subscriber = await SnsSubscriber.StartAsync();
        var topic = await sns.TopicAsync("events");
        await sns.ConfirmedSubscriptionAsync(topic, subscriber);
        await sns.Cli.JsonAsync("events", "put-rule", "--name", "orders", "--event-pattern", "{\"source\":[\"shop.orders\"]}");
        var transformer = new JsonObject
        {
            ["InputPathsMap"] = new JsonObject { ["order"] = "$.detail.order", ["total"] = "$.detail.total", ["kind"] = "$.detail-type" },
            ["InputTemplate"] = "\"Order <order> (<kind>) totals <total> EUR\"",
        };
        var targets = new JsonArray(
            new JsonObject { ["Id"] = "transformed", ["Arn"] = topic, ["InputTransformer"] = transformer },
            new JsonObject { ["Id"] = "constant", ["Arn"] = topic, ["Input"] = "{\"fixed\":true}" },
            new JsonObject { ["Id"] = "whole", ["Arn"] = topic });
        Assert.Equal(0, (await sns.Cli.JsonAsync("events", "put-targets", "--rule", "orders", "--targets", targets.ToJsonString()))["FailedEntryCount"]!.GetValue<int>());
        Assert.Equal("ValidationException", await sns.Cli.ErrorCodeAsync("events", "put-targets", "--rule", "orders", "--targets",
            new JsonArray(new JsonObject { ["Id"] = "bad", ["Arn"] = topic, ["Input"] = "{}", ["InputPath"] = "$.detail" }).ToJsonString()));
        var stored = (await sns.Cli.JsonAsync("events", "list-targets-by-rule", "--rule", "orders"))["Targets"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(transformer, stored.Single(t => t!["Id"]!.GetValue<string>() == "transformed")!["InputTransformer"]));

        var entry = new JsonObject { ["Source"] = "shop.orders", ["DetailType"] = "Order Placed", ["Detail"] = "{\"order\":\"A-17\",\"total\":42.5}" };
        var eventId = (await sns.Cli.JsonAsync("events", "put-events", "--entries", new JsonArray(entry).ToJsonString()))["Entries"]![0]!["EventId"]!.GetValue<string>();
        var posts = await subscriber.WaitForAsync(all => all.Count(p => p.Type == "Notification") == 3, Wait, "three notifications");
        var messages = posts.Where(p => p.Type == "Notification").Select(p => p.Field("Message")).ToList();

        Assert.Contains("\"Order A-17 (Order Placed) totals 42.5 EUR\"", messages);
        Assert.Contains("{\"fixed\":true}", messages);
        var whole = JsonNode.Parse(messages.Single(m => m.Contains(eventId, StringComparison.Ordinal)))!;
        Assert.Equal(("shop.orders", "A-17"), (whole["source"]!.GetValue<string>(), whole["detail"]!["order"]!.GetValue<string>()));
        sns.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Bad_sns_requests_get_the_error_codes_moto_gives()
    {
        await using var moto = await MotoServer.StartAsync();
        var cases = new[]
        {
            new[] { "sns", "get-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:{account}:missing" },
            ["sns", "publish", "--topic-arn", "arn:aws:sns:us-east-1:{account}:missing", "--message", "hello"],
            ["sns", "create-topic", "--name", "no spaces allowed"],
            ["sns", "get-subscription-attributes", "--subscription-arn", "arn:aws:sns:us-east-1:{account}:parity:00000000-0000-0000-0000-000000000000"],
            ["sns", "list-subscriptions-by-topic", "--topic-arn", "arn:aws:sns:us-east-1:{account}:missing"],
        };
        foreach (var (cli, account) in new[] { (sns.Cli, "000000000000"), (moto.Cli, MotoServer.AccountId) })
        {
            await cli.JsonAsync("sns", "create-topic", "--name", "parity");
            Assert.Equal($"arn:aws:sns:us-east-1:{account}:parity", (await cli.JsonAsync("sns", "create-topic", "--name", "parity"))["TopicArn"]!.GetValue<string>());
        }

        foreach (var arguments in cases)
        {
            var local = await sns.Cli.ErrorCodeAsync([.. arguments.Select(a => a.Replace("{account}", "000000000000", StringComparison.Ordinal))]);
            var oracle = await moto.Cli.ErrorCodeAsync([.. arguments.Select(a => a.Replace("{account}", MotoServer.AccountId, StringComparison.Ordinal))]);
            Assert.True(oracle == local, $"{string.Join(' ', arguments)}: moto {oracle}, local cloud {local}");
        }

        // moto stores any attribute name; SNS answers InvalidParameter ("Invalid parameter: AttributeName").
        Assert.Equal("InvalidParameter", await sns.Cli.ErrorCodeAsync("sns", "set-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:000000000000:parity",
            "--attribute-name", "NoSuchAttribute", "--attribute-value", "x"));
        sns.Cloud.AssertResponsesMatchBotocore();
    }
}
