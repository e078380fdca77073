using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Tests.Sns;

/// <summary>
/// SNS through the aws CLI (botocore, an independent client) with a real loopback HTTP subscriber: the confirmation flow,
/// Notifications in SNS's format, signatures checked by Python's <c>cryptography</c>, retries, raw delivery, and every
/// response the local cloud sent validated against botocore's <c>sns</c> model.
/// </summary>
public sealed class SnsCliTests(SnsCloud sns) : IClassFixture<SnsCloud>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_http_endpoint_confirms_through_SubscribeURL_receives_the_published_message_as_a_notification_and_hears_of_its_unsubscribe()
    {
        await using var subscriber = await SnsSubscriber.StartAsync(confirm: false);
        var topic = await sns.TopicAsync("orders", new JsonObject { ["DisplayName"] = "Orders" });

        var subscribed = await sns.Cli.JsonAsync("sns", "subscribe", "--topic-arn", topic, "--protocol", "http", "--notification-endpoint", subscriber.Endpoint);
        Assert.Equal("pending confirmation", subscribed["SubscriptionArn"]!.GetValue<string>());
        var confirmation = await subscriber.WaitForAsync("SubscriptionConfirmation", _ => true, Wait);
        var pending = (await sns.Cli.JsonAsync("sns", "list-subscriptions-by-topic", "--topic-arn", topic))["Subscriptions"]!.AsArray().Single()!;
        Assert.Equal("PendingConfirmation", pending["SubscriptionArn"]!.GetValue<string>());
        Assert.Equal(subscriber.Endpoint, pending["Endpoint"]!.GetValue<string>());
        // Nothing reaches a subscription that is not confirmed yet.
        await sns.Cli.JsonAsync("sns", "publish", "--topic-arn", topic, "--message", "before the confirmation");

        Assert.Equal(topic, confirmation.Headers["x-amz-sns-topic-arn"]);
        Assert.Equal(confirmation.Field("MessageId"), confirmation.Headers["x-amz-sns-message-id"]);
        Assert.False(confirmation.Headers.ContainsKey("x-amz-sns-subscription-arn"));
        Assert.Equal("Amazon Simple Notification Service Agent", confirmation.Headers["User-Agent"]);
        Assert.Equal("text/plain; charset=UTF-8", confirmation.Headers["Content-Type"]);
        Assert.Equal($"You have chosen to subscribe to the topic {topic}.\nTo confirm the subscription, visit the SubscribeURL included in this message.", confirmation.Field("Message"));
        var subscribeUrl = new Uri(confirmation.Field("SubscribeURL"));
        Assert.Equal(sns.Cloud.Instance.Endpoint.Authority, subscribeUrl.Authority);
        Assert.Contains("Token=" + confirmation.Field("Token"), subscribeUrl.Query, StringComparison.Ordinal);

        // What a subscriber does: fetch SubscribeURL, with no AWS signature.
        using (var http = new HttpClient())
        using (var answer = await http.GetAsync(subscribeUrl))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("<ConfirmSubscriptionResponse", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var arn = (await sns.Cli.JsonAsync("sns", "list-subscriptions", "--query", "{Subscriptions: Subscriptions[?TopicArn=='" + topic + "']}"))["Subscriptions"]!.AsArray().Single()!["SubscriptionArn"]!.GetValue<string>();
        Assert.StartsWith(topic + ":", arn, StringComparison.Ordinal);
        var attributes = SnsCloud.Attributes(await sns.Cli.JsonAsync("sns", "get-subscription-attributes", "--subscription-arn", arn));
        Assert.Equal(("false", "false", "http"), (attributes["PendingConfirmation"]!.GetValue<string>(), attributes["ConfirmationWasAuthenticated"]!.GetValue<string>(), attributes["Protocol"]!.GetValue<string>()));

        var published = await sns.Cli.JsonAsync("sns", "publish", "--topic-arn", topic, "--subject", "Order 42", "--message", "Order 42 shipped \"today\"\nline two",
            "--message-attributes", "{\"priority\":{\"DataType\":\"Number\",\"StringValue\":\"1\"}}");
        var messageId = published["MessageId"]!.GetValue<string>();
        var notification = await subscriber.WaitForAsync("Notification", p => p.Headers["x-amz-sns-message-id"] == messageId, Wait);

        Assert.Equal(arn, notification.Headers["x-amz-sns-subscription-arn"]);
        Assert.Equal(topic, notification.Headers["x-amz-sns-topic-arn"]);
        Assert.Equal(("Notification", messageId, topic), (notification.Field("Type"), notification.Field("MessageId"), notification.Field("TopicArn")));
        Assert.Equal(("Order 42", "Order 42 shipped \"today\"\nline two"), (notification.Field("Subject"), notification.Field("Message")));
        Assert.True(DateTimeOffset.TryParseExact(notification.Field("Timestamp"), "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _));
        Assert.Equal("{\"priority\":{\"Type\":\"Number\",\"Value\":\"1\"}}", notification.Json!["MessageAttributes"]!.ToJsonString());
        Assert.Equal("1", notification.Field("SignatureVersion"));
        Assert.Equal(new Uri(sns.Cloud.Instance.Endpoint, "/?Action=Unsubscribe&SubscriptionArn=" + Uri.EscapeDataString(arn)), new Uri(notification.Field("UnsubscribeURL")));
        Assert.DoesNotContain(subscriber.Posts, p => p.Type == "Notification" && p.Field("Message") == "before the confirmation");

        await sns.Cli.JsonAsync("sns", "unsubscribe", "--subscription-arn", arn);
        var goodbye = await subscriber.WaitForAsync("UnsubscribeConfirmation", _ => true, Wait);
        Assert.Equal(arn, goodbye.Headers["x-amz-sns-subscription-arn"]);
        Assert.Empty((await sns.Cli.JsonAsync("sns", "list-subscriptions-by-topic", "--topic-arn", topic))["Subscriptions"]!.AsArray());
        var topicAttributes = SnsCloud.Attributes(await sns.Cli.JsonAsync("sns", "get-topic-attributes", "--topic-arn", topic));
        Assert.Equal(("Orders", "1", "0"), (topicAttributes["DisplayName"]!.GetValue<string>(), topicAttributes["SubscriptionsDeleted"]!.GetValue<string>(), topicAttributes["SubscriptionsConfirmed"]!.GetValue<string>()));

        // The UnsubscribeConfirmation's SubscribeURL restores the subscription, as SNS documents.
        using (var http = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(goodbye.Field("SubscribeURL")))).StatusCode);
        }

        Assert.Equal(arn, (await sns.Cli.JsonAsync("sns", "list-subscriptions-by-topic", "--topic-arn", topic))["Subscriptions"]!.AsArray().Single()!["SubscriptionArn"]!.GetValue<string>());
        await sns.Cli.JsonAsync("sns", "delete-topic", "--topic-arn", topic);
        Assert.DoesNotContain(topic, (await sns.Cli.JsonAsync("sns", "list-topics"))["Topics"]!.AsArray().Select(t => t!["TopicArn"]!.GetValue<string>()));
        sns.Cloud.AssertResponsesMatchBotocore();
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task Every_message_verifies_with_pythons_cryptography_against_the_certificate_served_at_SigningCertURL(string signatureVersion)
    {
        await using var subscriber = await SnsSubscriber.StartAsync();
        var topic = await sns.TopicAsync("signed-v" + signatureVersion, new JsonObject { ["SignatureVersion"] = signatureVersion });
        var arn = await sns.ConfirmedSubscriptionAsync(topic, subscriber);
        var id = (await sns.Cli.JsonAsync("sns", "publish", "--topic-arn", topic, "--subject", "Signed", "--message", "Café ✓ {\"json\": true}"))["MessageId"]!.GetValue<string>();
        var notification = await subscriber.WaitForAsync("Notification", p => p.Field("MessageId") == id, Wait);
        await sns.Cli.JsonAsync("sns", "unsubscribe", "--subscription-arn", arn);
        var goodbye = await subscriber.WaitForAsync("UnsubscribeConfirmation", _ => true, Wait);
        var confirmation = subscriber.Posts.Single(p => p.Type == "SubscriptionConfirmation");

        foreach (var post in new[] { confirmation, notification, goodbye })
        {
            Assert.Equal(signatureVersion, post.Field("SignatureVersion"));
            Assert.Equal("verified", await PythonSnsSignature.VerifyAsync(post.Body));
        }

        // The oracle can say no: one changed character of the message breaks the signature.
        var tampered = notification.Json!;
        tampered["Message"] = "Cafe ✓ {\"json\": true}";
        Assert.StartsWith("rejected", await PythonSnsSignature.VerifyAsync(tampered.ToJsonString()), StringComparison.Ordinal);
        sns.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_failing_subscriber_gets_the_same_message_again_on_the_policys_schedule_and_a_4xx_ends_the_delivery()
    {
        await using var subscriber = await SnsSubscriber.StartAsync();
        var topic = await sns.TopicAsync("retries");
        var policy = "{\"healthyRetryPolicy\":{\"numRetries\":3,\"minDelayTarget\":1,\"maxDelayTarget\":1}}";
        await sns.ConfirmedSubscriptionAsync(topic, subscriber, new JsonObject { ["DeliveryPolicy"] = policy });

        subscriber.Answer(500, 503);
        var retried = (await sns.Cli.JsonAsync("sns", "publish", "--topic-arn", topic, "--message", "retry me"))["MessageId"]!.GetValue<string>();
        var posts = await subscriber.WaitForAsync(all => all.Count(p => p.Type == "Notification" && p.Field("MessageId") == retried) == 3, Wait, "two retries");
        var attempts = posts.Where(p => p.Type == "Notification" && p.Field("MessageId") == retried).ToList();
        Assert.All(attempts, a => Assert.Equal(retried, a.Headers["x-amz-sns-message-id"]));
        Assert.True(attempts[1].ArrivedAfter - attempts[0].ArrivedAfter >= TimeSpan.FromSeconds(0.9), "the first retry waited minDelayTarget");
        Assert.True(attempts[2].ArrivedAfter - attempts[1].ArrivedAfter >= TimeSpan.FromSeconds(0.9), "the second retry waited minDelayTarget");

        subscriber.Answer(404);
        var refused = (await sns.Cli.JsonAsync("sns", "publish", "--topic-arn", topic, "--message", "not found"))["MessageId"]!.GetValue<string>();
        await subscriber.WaitForAsync("Notification", p => p.Field("MessageId") == refused, Wait);
        // A retry would come 1 s later; three times that passes with no second attempt.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(subscriber.Posts, p => p.Type == "Notification" && p.Field("MessageId") == refused);

        var effective = JsonNode.Parse(SnsCloud.Attributes(await sns.Cli.JsonAsync("sns", "get-topic-attributes", "--topic-arn", topic))["EffectiveDeliveryPolicy"]!.GetValue<string>())!;
        Assert.Equal(3, effective["http"]!["defaultHealthyRetryPolicy"]!["numRetries"]!.GetValue<int>());
        Assert.Equal(20, effective["http"]!["defaultHealthyRetryPolicy"]!["minDelayTarget"]!.GetValue<int>());
        sns.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Raw_delivery_posts_the_bare_message_and_a_json_structure_gives_http_subscribers_their_own_text()
    {
        await using var raw = await SnsSubscriber.StartAsync();
        await using var wrapped = await SnsSubscriber.StartAsync();
        var topic = await sns.TopicAsync("raw");
        await sns.ConfirmedSubscriptionAsync(topic, raw, new JsonObject { ["RawMessageDelivery"] = "true" });
        await sns.ConfirmedSubscriptionAsync(topic, wrapped);

        var structured = "{\"default\":\"for everyone\",\"http\":\"for http endpoints\"}";
        var id = (await sns.Cli.JsonAsync("sns", "publish", "--topic-arn", topic, "--message-structure", "json", "--message", structured))["MessageId"]!.GetValue<string>();

        var bare = await raw.WaitForAsync("Notification", p => p.Headers["x-amz-sns-message-id"] == id, Wait);
        Assert.Equal("for http endpoints", bare.Body);
        Assert.Equal("true", bare.Headers["x-amz-sns-rawdelivery"]);
        Assert.Equal("for http endpoints", (await wrapped.WaitForAsync("Notification", p => p.Field("MessageId") == id, Wait)).Field("Message"));
        Assert.Equal("InvalidParameter", await sns.Cli.ErrorCodeAsync("sns", "publish", "--topic-arn", topic, "--message-structure", "json", "--message", "{\"http\":\"no default\"}"));
        sns.Cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task UnsubscribeURL_works_without_a_signature_unless_the_subscription_was_confirmed_with_AuthenticateOnUnsubscribe()
    {
        await using var subscriber = await SnsSubscriber.StartAsync(confirm: false);
        var topic = await sns.TopicAsync("guarded");
        await sns.Cli.JsonAsync("sns", "subscribe", "--topic-arn", topic, "--protocol", "http", "--notification-endpoint", subscriber.Endpoint);
        var token = (await subscriber.WaitForAsync("SubscriptionConfirmation", _ => true, Wait)).Field("Token");
        Assert.Equal("InvalidParameter", await sns.Cli.ErrorCodeAsync("sns", "confirm-subscription", "--topic-arn", topic, "--token", "0" + token));
        var arn = (await sns.Cli.JsonAsync("sns", "confirm-subscription", "--topic-arn", topic, "--token", token, "--authenticate-on-unsubscribe", "true"))["SubscriptionArn"]!.GetValue<string>();
        var id = (await sns.Cli.JsonAsync("sns", "publish", "--topic-arn", topic, "--message", "hello"))["MessageId"]!.GetValue<string>();
        var unsubscribeUrl = new Uri((await subscriber.WaitForAsync("Notification", p => p.Field("MessageId") == id, Wait)).Field("UnsubscribeURL"));

        using var http = new HttpClient();
        using (var refused = await http.GetAsync(unsubscribeUrl))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("<Code>AuthorizationError</Code>", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal("true", SnsCloud.Attributes(await sns.Cli.JsonAsync("sns", "get-subscription-attributes", "--subscription-arn", arn))["ConfirmationWasAuthenticated"]!.GetValue<string>());
        // Other actions still need a signature.
        using (var unsigned = await http.GetAsync(new Uri(sns.Cloud.Instance.Endpoint, "/?Action=ListTopics&Version=2010-03-31")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
            Assert.Contains("<Code>MissingAuthenticationToken</Code>", await unsigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await sns.Cli.JsonAsync("sns", "unsubscribe", "--subscription-arn", arn);
        Assert.Equal("NotFound", await sns.Cli.ErrorCodeAsync("sns", "get-subscription-attributes", "--subscription-arn", arn));
        sns.Cloud.AssertResponsesMatchBotocore();
    }
}
