using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Events;

/// <summary>One delivery of a matched event to one target of a rule.</summary>
/// <param name="RuleArn">The rule that matched (CodePipeline shows it as the execution's <c>triggerDetail</c>).</param>
/// <param name="Target">The target as PutTargets stored it (<c>Id</c>, <c>Arn</c>, <c>RoleArn</c>, <c>Input</c>, <c>InputTransformer</c>, …).</param>
/// <param name="Event">The whole event as EventBridge delivers it.</param>
/// <param name="Input">What the target receives: the event, or what the target's <c>Input</c>, <c>InputPath</c> or
/// <c>InputTransformer</c> made of it (<see cref="TargetInput"/>).</param>
internal sealed record EventDelivery(string RuleArn, JsonObject Target, JsonObject Event, string Input);

/// <summary>
/// A kind of rule target, chosen by the service part of the target's ARN (<c>arn:aws:&lt;service&gt;:…</c>): CodePipeline
/// and SNS; another service is one more implementation registered in the composition root.
/// </summary>
internal interface IEventTarget
{
    /// <summary>The ARN service this target kind handles, e.g. <c>codepipeline</c>.</summary>
    string Service { get; }

    /// <summary>Delivers one event; a failure is logged by the bus (EventBridge retries and then drops, it never tells the sender).</summary>
    Task DeliverAsync(EventDelivery delivery, CancellationToken cancellationToken);
}
