using Deploy.LocalCloud.Events;

namespace Deploy.LocalCloud.Sns;

/// <summary>An EventBridge rule target whose ARN is a topic's: publishes what the target's input settings made of the event
/// (the whole event by default) as the message, as EventBridge does. The topic policy is not evaluated (IAM is not enforced).</summary>
internal sealed class SnsEventTarget(SnsPublisher publisher) : IEventTarget
{
    public string Service => "sns";

    public Task DeliverAsync(EventDelivery delivery, CancellationToken cancellationToken)
    {
        publisher.Publish(delivery.Target["Arn"]!.GetValue<string>(), delivery.Input);
        return Task.CompletedTask;
    }
}
