using System.Net;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.Sns;

namespace Deploy.LocalCloud.Tests.Sns;

/// <summary>SNS's HTTP/S retry schedule on the figures of AWS's "Amazon SNS message delivery retries" page.</summary>
public sealed class DeliveryPolicyTests
{
    [Fact]
    public void Without_a_policy_SNS_retries_three_times_twenty_seconds_apart()
    {
        Assert.Equal([20, 20, 20], Seconds(DeliveryPolicy.For(null, null)));
    }

    [Fact]
    public void A_linear_backoff_from_twenty_to_forty_seconds_retries_after_twenty_thirty_and_forty()
    {
        var policy = DeliveryPolicy.For("{\"http\":{\"defaultHealthyRetryPolicy\":{\"maxDelayTarget\":40}}}", null);

        Assert.Equal([20, 30, 40], Seconds(policy));
    }

    [Fact]
    public void The_four_phases_come_in_order_and_every_backoff_function_rises_from_the_minimum_to_the_maximum()
    {
        foreach (var function in new[] { "linear", "arithmetic", "geometric", "exponential" })
        {
            var policy = DeliveryPolicy.For(null,
                "{\"healthyRetryPolicy\":{\"numRetries\":10,\"numNoDelayRetries\":1,\"numMinDelayRetries\":2,\"numMaxDelayRetries\":2,\"minDelayTarget\":5,\"maxDelayTarget\":260,\"backoffFunction\":\"" + function + "\"}}");
            var delays = Seconds(policy);

            Assert.Equal(10, delays.Count);
            Assert.Equal([0, 5, 5, 5], delays.Take(4));
            Assert.Equal([260, 260, 260], delays.Skip(7));
            Assert.True(delays.Skip(3).Take(5).Zip(delays.Skip(4).Take(5)).All(pair => pair.First <= pair.Second), $"{function}: {string.Join(", ", delays)}");
        }
    }

    [Fact]
    public void A_subscription_policy_wins_unless_the_topic_disables_overrides()
    {
        const string topic = "{\"http\":{\"defaultHealthyRetryPolicy\":{\"numRetries\":5}},\"disableSubscriptionOverrides\":false}";
        const string subscription = "{\"healthyRetryPolicy\":{\"numRetries\":1,\"minDelayTarget\":2,\"maxDelayTarget\":2}}";

        Assert.Equal([2], Seconds(DeliveryPolicy.For(topic, subscription)));
        Assert.Equal(5, DeliveryPolicy.For("{\"http\":{\"defaultHealthyRetryPolicy\":{\"numRetries\":5},\"disableSubscriptionOverrides\":true}}", subscription).NumRetries);
    }

    [Theory]
    [InlineData("{\"healthyRetryPolicy\":{\"numRetries\":101}}")]
    [InlineData("{\"healthyRetryPolicy\":{\"numRetries\":2,\"numNoDelayRetries\":3}}")]
    [InlineData("{\"healthyRetryPolicy\":{\"minDelayTarget\":30,\"maxDelayTarget\":20}}")]
    [InlineData("{\"healthyRetryPolicy\":{\"backoffFunction\":\"random\"}}")]
    [InlineData("[]")]
    public void A_policy_SNS_would_refuse_is_InvalidParameter(string policy)
    {
        Assert.Equal("InvalidParameter", Assert.Throws<AwsServiceException>(() => DeliveryPolicy.Validate(policy, forTopic: false)).Code);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "Delivered")]
    [InlineData(HttpStatusCode.Found, "Delivered")]
    [InlineData(HttpStatusCode.NotFound, "Permanent")]
    [InlineData(HttpStatusCode.TooManyRequests, "Permanent")]
    [InlineData(HttpStatusCode.InternalServerError, "Retry")]
    [InlineData(HttpStatusCode.SwitchingProtocols, "Retry")]
    public void Status_codes_count_as_SNS_counts_them(HttpStatusCode status, string outcome)
    {
        Assert.Equal(outcome, SnsDelivery.Classify(status).ToString());
    }

    private static List<double> Seconds(DeliveryPolicy policy) => [.. policy.RetryDelays().Select(d => Math.Round(d.TotalSeconds, 3))];
}
