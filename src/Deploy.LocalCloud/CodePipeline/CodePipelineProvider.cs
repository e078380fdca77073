using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.CloudFormation.Providers;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>AWS::CodePipeline::Pipeline through the CodePipeline service (Ref = pipeline name).</summary>
internal sealed class CodePipelineProvider(JsonServiceCalls calls) : IResourceProvider
{
    private const string CodePipeline = "CodePipeline_20150709";

    private static readonly HashSet<string> Verbatim = new(StringComparer.Ordinal) { "Configuration" };

    public string ResourceType => "AWS::CodePipeline::Pipeline";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "Name" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Version" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Result(calls.Call(CodePipeline, "CreatePipeline", Body(request, request.String("Name") ?? request.PhysicalName(100)))["pipeline"]!));

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken) =>
        Task.FromResult(Result(calls.Call(CodePipeline, "UpdatePipeline", Body(request, previous.PhysicalId))["pipeline"]!));

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        calls.Delete(CodePipeline, "DeletePipeline", new JsonObject { ["name"] = current.PhysicalId });
        return Task.CompletedTask;
    }

    private static JsonObject Body(ResourceRequest request, string name)
    {
        var pipeline = (JsonObject)PropertyNames.ToCamelCase(request.Properties, new Dictionary<string, string>(), Verbatim)!;
        pipeline["name"] = name;
        foreach (var cloudFormationOnly in new[] { "restartExecutionOnUpdate", "tags", "disableInboundStageTransitions" })
        {
            pipeline.Remove(cloudFormationOnly);
        }

        foreach (var action in (pipeline["stages"] as JsonArray ?? []).SelectMany(s => s?["actions"] as JsonArray ?? []))
        {
            // Configuration values are strings in the API; CloudFormation also accepts booleans and numbers.
            if (action?["configuration"] is JsonObject configuration)
            {
                foreach (var key in configuration.Select(p => p.Key).ToList())
                {
                    if (configuration[key] is JsonValue value && !value.TryGetValue<string>(out _))
                    {
                        configuration[key] = value.ToJsonString();
                    }
                }
            }
        }

        return new JsonObject { ["pipeline"] = pipeline };
    }

    private static ProvisionedResource Result(JsonNode pipeline) =>
        ProvisionedResource.Of(pipeline["name"]!.GetValue<string>(), ("Version", pipeline["version"]!.ToJsonString()));
}
