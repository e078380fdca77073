using Deploy.LocalCloud.Events;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>An EventBridge rule target whose ARN is a pipeline's (<c>arn:aws:codepipeline:&lt;region&gt;:&lt;account&gt;:&lt;name&gt;</c>):
/// starts an execution with trigger <c>CloudWatchEvent</c> and the rule's ARN as its detail, as CodePipeline shows it.</summary>
internal sealed class PipelineEventTarget(PipelineExecutor executor) : IEventTarget
{
    public string Service => "codepipeline";

    public Task DeliverAsync(EventDelivery delivery, CancellationToken cancellationToken)
    {
        var arn = delivery.Target["Arn"]!.GetValue<string>();
        var parts = arn.Split(':', 6);
        if (parts.Length < 6 || parts[5].Length == 0)
        {
            throw new InvalidOperationException($"{arn} is not a pipeline ARN");
        }

        executor.Start(parts[5], "CloudWatchEvent", delivery.RuleArn);
        return Task.CompletedTask;
    }
}
