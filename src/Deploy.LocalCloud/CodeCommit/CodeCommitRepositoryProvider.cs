using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.CloudFormation.Providers;

namespace Deploy.LocalCloud.CodeCommit;

/// <summary>AWS::CodeCommit::Repository (Ref = repository id, as in AWS).</summary>
internal sealed class CodeCommitRepositoryProvider(JsonServiceCalls calls) : IResourceProvider
{
    private const string CodeCommit = "CodeCommit_20150413";

    public string ResourceType => "AWS::CodeCommit::Repository";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "RepositoryName" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn", "CloneUrlHttp", "CloneUrlSsh", "Name" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var metadata = calls.Call(CodeCommit, "CreateRepository", new JsonObject
        {
            ["repositoryName"] = request.RequiredString("RepositoryName"),
            ["repositoryDescription"] = request.String("RepositoryDescription") ?? string.Empty,
        })["repositoryMetadata"]!;
        return Task.FromResult(Result(metadata));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var name = request.RequiredString("RepositoryName");
        calls.Call(CodeCommit, "UpdateRepositoryDescription", new JsonObject { ["repositoryName"] = name, ["repositoryDescription"] = request.String("RepositoryDescription") ?? string.Empty });
        return Task.FromResult(Result(calls.Call(CodeCommit, "GetRepository", new JsonObject { ["repositoryName"] = name })["repositoryMetadata"]!));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        if (current.Attributes.GetValueOrDefault("Name") is JsonValue name)
        {
            calls.Delete(CodeCommit, "DeleteRepository", new JsonObject { ["repositoryName"] = name.GetValue<string>() });
        }

        return Task.CompletedTask;
    }

    private static ProvisionedResource Result(JsonNode metadata) => ProvisionedResource.Of(
        metadata["repositoryId"]!.GetValue<string>(),
        ("Arn", metadata["Arn"]!.GetValue<string>()),
        ("CloneUrlHttp", metadata["cloneUrlHttp"]!.GetValue<string>()),
        ("CloneUrlSsh", metadata["cloneUrlSsh"]!.GetValue<string>()),
        ("Name", metadata["repositoryName"]!.GetValue<string>()));
}
