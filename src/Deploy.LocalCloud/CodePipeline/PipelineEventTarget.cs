using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>An EventBridge rule target whose ARN is a pipeline's (<c>arn:aws:codepipeline:&lt;region&gt;:&lt;account&gt;:&lt;name&gt;</c>):
/// starts an execution with trigger <c>CloudWatchEvent</c> and the rule's ARN as its detail, as CodePipeline shows it.
/// EventBridge starts it as the target's <c>RoleArn</c> (which it must be able to assume): that role needs
/// codepipeline:StartPipelineExecution on the pipeline, else the invocation fails.</summary>
internal sealed class PipelineEventTarget(PipelineExecutor executor, ServiceRoleSessions roles) : IEventTarget
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

        // EventBridge's session name for a target's role is a random id; the event's id names this delivery.
        var session = roles.Assume(delivery.Target["RoleArn"]?.GetValue<string>(), "events.amazonaws.com", delivery.Event["id"]!.GetValue<string>(), "EventBridge");
        session.Require("codepipeline:StartPipelineExecution", arn);
        executor.Start(parts[5], "CloudWatchEvent", delivery.RuleArn);
        return Task.CompletedTask;
    }
}
