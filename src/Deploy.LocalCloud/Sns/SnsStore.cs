using System.Net;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Sns;

/// <summary>Topics and subscriptions (<c>sns.json</c>), shared by the API, the EventBridge target and CloudFormation.</summary>
internal sealed class SnsStore(LocalCloudOptions options)
{
    private readonly JsonStateFile<SnsState> file = new(options.StateDirectory, "sns.json");

    public TResult Read<TResult>(Func<SnsState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<SnsState, TResult> change) => file.Update(change);

    public static TopicRecord Topic(SnsState state, string arn) =>
        state.Topics.GetValueOrDefault(arn) ?? throw new AwsServiceException("NotFound", "Topic does not exist", HttpStatusCode.NotFound);

    public static SubscriptionRecord Subscription(SnsState state, string arn) =>
        state.Subscriptions.GetValueOrDefault(arn) ?? throw new AwsServiceException("NotFound", "Subscription does not exist", HttpStatusCode.NotFound);
}

internal sealed class SnsState
{
    /// <summary>Topics by ARN.</summary>
    public Dictionary<string, TopicRecord> Topics { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Subscriptions by ARN, pending ones included.</summary>
    public Dictionary<string, SubscriptionRecord> Subscriptions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Deleted subscriptions by the token their UnsubscribeConfirmation carried (its SubscribeURL restores them).</summary>
    public Dictionary<string, SubscriptionRecord> Unsubscribed { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class TopicRecord
{
    public required string Name { get; set; }

    public required string Arn { get; set; }

    /// <summary>The attributes set by CreateTopic/SetTopicAttributes (Policy, DisplayName, KmsMasterKeyId, ...).</summary>
    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public int SubscriptionsDeleted { get; set; }
}

internal sealed class SubscriptionRecord
{
    public required string Arn { get; set; }

    public required string TopicArn { get; set; }

    public required string Protocol { get; set; }

    public required string Endpoint { get; set; }

    public required string Owner { get; set; }

    public bool PendingConfirmation { get; set; } = true;

    /// <summary>The confirmation token sent in the SubscriptionConfirmation (ConfirmSubscription checks it).</summary>
    public required string Token { get; set; }

    public bool ConfirmationWasAuthenticated { get; set; }

    /// <summary>Set by an authenticated ConfirmSubscription: unsubscribing then needs a signed request.</summary>
    public bool AuthenticateOnUnsubscribe { get; set; }

    /// <summary>RawMessageDelivery, DeliveryPolicy as set.</summary>
    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>What ListSubscriptions shows as the subscription's ARN: the word AWS uses until it is confirmed.</summary>
    public string ListedArn => PendingConfirmation ? "PendingConfirmation" : Arn;
}
