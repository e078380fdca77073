using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.CloudFormation.Providers;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>AWS::CodeBuild::Project through the CodeBuild service (Ref = project name).</summary>
internal sealed class CodeBuildProjectProvider(JsonServiceCalls calls) : IResourceProvider
{
    private const string CodeBuild = "CodeBuild_20161006";

    private static readonly Dictionary<string, string> Renames = new(StringComparer.Ordinal) { ["BuildSpec"] = "buildspec" };

    public string ResourceType => "AWS::CodeBuild::Project";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "Name" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var body = Body(request, request.String("Name") ?? request.PhysicalName(150));
        return Task.FromResult(Result(calls.Call(CodeBuild, "CreateProject", body)["project"]!));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken) =>
        Task.FromResult(Result(calls.Call(CodeBuild, "UpdateProject", Body(request, previous.PhysicalId))["project"]!));

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        calls.Delete(CodeBuild, "DeleteProject", new JsonObject { ["name"] = current.PhysicalId });
        return Task.CompletedTask;
    }

    private static JsonObject Body(ResourceRequest request, string name)
    {
        var body = (JsonObject)PropertyNames.ToCamelCase(request.Properties, Renames, new HashSet<string>(StringComparer.Ordinal))!;
        body["name"] = name;
        body.Remove("badgeEnabled");
        body.Remove("triggers");
        body.Remove("visibility");
        foreach (var variable in body["environment"]?["environmentVariables"] as JsonArray ?? [])
        {
            // CloudFormation allows numbers and booleans here; the API wants strings.
            if (variable?["value"] is JsonValue value && !value.TryGetValue<string>(out _))
            {
                variable["value"] = value.ToJsonString();
            }
        }

        return body;
    }

    private static ProvisionedResource Result(JsonNode project) =>
        ProvisionedResource.Of(project["name"]!.GetValue<string>(), ("Arn", project["arn"]!.GetValue<string>()));
}
