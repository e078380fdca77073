using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CloudFormation.Providers;

/// <summary>AWS::ECR::Repository through the ECR service: scanning, mutability, encryption, lifecycle policy.</summary>
internal sealed class EcrRepositoryProvider(JsonServiceCalls calls) : IResourceProvider
{
    private const string Ecr = "AmazonEC2ContainerRegistry_V20150921";

    public string ResourceType => "AWS::ECR::Repository";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "RepositoryName", "EncryptionConfiguration" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn", "RepositoryUri" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var name = request.String("RepositoryName") ?? request.PhysicalName(256, lowerCase: true);
        var create = new JsonObject
        {
            ["repositoryName"] = name,
            ["imageTagMutability"] = request.String("ImageTagMutability") ?? "MUTABLE",
            ["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = ScanOnPush(request) },
        };
        if (request.Properties["EncryptionConfiguration"] is JsonObject encryption)
        {
            create["encryptionConfiguration"] = new JsonObject
            {
                ["encryptionType"] = encryption["EncryptionType"]?.DeepClone(),
                ["kmsKey"] = encryption["KmsKey"]?.DeepClone(),
            };
            if (encryption["KmsKey"] is null)
            {
                create["encryptionConfiguration"]!.AsObject().Remove("kmsKey");
            }
        }

        var repository = calls.Call(Ecr, "CreateRepository", create)["repository"]!;
        try
        {
            ApplyLifecyclePolicy(name, request, hadPolicy: false);
        }
        catch (AwsServiceException)
        {
            calls.Delete(Ecr, "DeleteRepository", new JsonObject { ["repositoryName"] = name, ["force"] = true });
            throw;
        }

        return Task.FromResult(Result(repository));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var name = previous.PhysicalId;
        calls.Call(Ecr, "PutImageTagMutability", new JsonObject { ["repositoryName"] = name, ["imageTagMutability"] = request.String("ImageTagMutability") ?? "MUTABLE" });
        calls.Call(Ecr, "PutImageScanningConfiguration", new JsonObject
        {
            ["repositoryName"] = name,
            ["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = ScanOnPush(request) },
        });
        ApplyLifecyclePolicy(name, request, hadPolicy: previousProperties["LifecyclePolicy"] is not null);
        var repository = calls.Call(Ecr, "DescribeRepositories", new JsonObject { ["repositoryNames"] = new JsonArray(name) })["repositories"]![0]!;
        return Task.FromResult(Result(repository));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        // As in AWS: a repository holding images is only deleted with EmptyOnDelete; otherwise the delete fails.
        calls.Delete(Ecr, "DeleteRepository", new JsonObject
        {
            ["repositoryName"] = current.PhysicalId,
            ["force"] = request.Boolean("EmptyOnDelete") ?? false,
        });
        return Task.CompletedTask;
    }

    private void ApplyLifecyclePolicy(string name, ResourceRequest request, bool hadPolicy)
    {
        var text = request.Properties["LifecyclePolicy"]?["LifecyclePolicyText"];
        if (text is not null)
        {
            var policy = text is JsonValue value && value.TryGetValue<string>(out var literal) ? literal : text.ToJsonString();
            calls.Call(Ecr, "PutLifecyclePolicy", new JsonObject { ["repositoryName"] = name, ["lifecyclePolicyText"] = policy });
        }
        else if (hadPolicy)
        {
            calls.Delete(Ecr, "DeleteLifecyclePolicy", new JsonObject { ["repositoryName"] = name });
        }
    }

    private static bool ScanOnPush(ResourceRequest request) =>
        request.Properties["ImageScanningConfiguration"]?["ScanOnPush"] is JsonValue flag
        && (flag.TryGetValue<bool>(out var on) ? on : flag.TryGetValue<string>(out var text) && text == "true");

    private static ProvisionedResource Result(JsonNode repository) => ProvisionedResource.Of(
        repository["repositoryName"]!.GetValue<string>(),
        ("Arn", repository["repositoryArn"]!.GetValue<string>()),
        ("RepositoryUri", repository["repositoryUri"]!.GetValue<string>()));
}
