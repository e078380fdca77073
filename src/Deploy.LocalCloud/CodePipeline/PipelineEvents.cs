using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>
/// CodePipeline's own events on the default bus ("CodePipeline Pipeline/Stage/Action Execution State Change", source
/// <c>aws.codepipeline</c>, detail shaped as in AWS's "Monitoring CodePipeline events"). They are collected while the
/// executions store is locked and published after, so a rule's target never runs inside the lock.
/// </summary>
internal sealed class PipelineEvents(IEventBus bus, LocalCloudOptions options)
{
    public BusEvent Execution(PipelineExecutionRecord execution, string state) =>
        Event(execution, "CodePipeline Pipeline Execution State Change", Common(execution, state, withTrigger: true));

    public BusEvent Stage(PipelineExecutionRecord execution, string stage, string state)
    {
        var detail = Common(execution, state, withTrigger: false);
        detail["stage"] = stage;
        return Event(execution, "CodePipeline Stage Execution State Change", detail);
    }

    public BusEvent Action(PipelineExecutionRecord execution, ActionRunRecord action, string state)
    {
        var detail = Common(execution, state, withTrigger: false);
        detail["stage"] = action.StageName;
        detail["action"] = action.ActionName;
        detail["region"] = options.Region;
        detail["type"] = new JsonObject
        {
            ["owner"] = action.ActionTypeId["owner"]?.DeepClone(),
            ["provider"] = action.ActionTypeId["provider"]?.DeepClone(),
            ["category"] = action.ActionTypeId["category"]?.DeepClone(),
            ["version"] = action.ActionTypeId["version"]?.DeepClone(),
        };
        if (action.InputArtifacts.Count > 0)
        {
            detail["input-artifacts"] = Artifacts(action.InputArtifacts);
        }

        if (action.Status != "InProgress")
        {
            var result = new JsonObject();
            Put(result, "external-execution-id", action.ExternalExecutionId);
            Put(result, "external-execution-summary", action.Summary ?? action.ErrorMessage);
            Put(result, "error-code", action.ErrorCode);
            detail["execution-result"] = result;
            if (action.Status == "Succeeded" && action.OutputArtifacts.Count > 0)
            {
                detail["output-artifacts"] = Artifacts(action.OutputArtifacts);
            }
        }

        return Event(execution, "CodePipeline Action Execution State Change", detail);
    }

    public void Publish(IEnumerable<BusEvent> events)
    {
        foreach (var entry in events)
        {
            bus.Publish(entry);
        }
    }

    /// <summary>The members all three share; only the pipeline-level event names its trigger.</summary>
    private static JsonObject Common(PipelineExecutionRecord execution, string state, bool withTrigger)
    {
        var detail = new JsonObject
        {
            ["pipeline"] = execution.PipelineName,
            ["execution-id"] = execution.Id,
            ["start-time"] = execution.StartTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
        if (withTrigger)
        {
            detail["execution-trigger"] = Trigger(execution);
        }

        detail["state"] = state;
        detail["version"] = execution.PipelineVersion;
        detail["pipeline-execution-attempt"] = execution.Attempt + 1.0;
        return detail;
    }

    private static JsonObject Trigger(PipelineExecutionRecord execution)
    {
        var trigger = new JsonObject { ["trigger-type"] = execution.TriggerType };
        Put(trigger, "trigger-detail", execution.TriggerDetail);
        return trigger;
    }

    private BusEvent Event(PipelineExecutionRecord execution, string detailType, JsonObject detail) =>
        new("aws.codepipeline", detailType, detail, [$"arn:aws:codepipeline:{options.Region}:{options.AccountId}:{execution.PipelineName}"]);

    private static JsonArray Artifacts(IEnumerable<ArtifactLocation> locations) =>
        new([.. locations.Select(l => (JsonNode?)new JsonObject
        {
            ["name"] = l.Name,
            ["s3location"] = new JsonObject { ["bucket"] = l.Bucket, ["key"] = l.Key },
        })]);

    private static void Put(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }
}
