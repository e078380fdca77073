using System.Text.Json.Nodes;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.Registry;

namespace Deploy.LocalCloud.Ecr;

/// <summary>ECR control plane (JSON 1.1, <c>AmazonEC2ContainerRegistry_V20150921</c>). Split by concern into partial files.</summary>
internal sealed partial class EcrService : IJsonApiService
{
    private readonly EcrStore store;
    private readonly EcrAuthorizationTokens tokens;
    private readonly ScanFindingsFixture scanFindings;
    private readonly BlobStore blobs;
    private readonly EcrImageRecorder recorder;
    private readonly LocalCloudAddress address;
    private readonly TimeProvider clock;
    private readonly JsonOperations operations;
    private readonly RequestCaller requestCaller;

    public EcrService(EcrStore store, EcrAuthorizationTokens tokens, ScanFindingsFixture scanFindings, BlobStore blobs, EcrImageRecorder recorder, LocalCloudAddress address, TimeProvider clock,
        RequestCaller requestCaller)
    {
        this.requestCaller = requestCaller;
        this.store = store;
        this.tokens = tokens;
        this.scanFindings = scanFindings;
        this.blobs = blobs;
        this.recorder = recorder;
        this.address = address;
        this.clock = clock;
        operations = new JsonOperations()
            .Add("CreateRepository", CreateRepository)
            .Add("DescribeRepositories", DescribeRepositories)
            .Add("DeleteRepository", DeleteRepository)
            .Add("GetAuthorizationToken", GetAuthorizationToken)
            .Add("PutImageScanningConfiguration", PutImageScanningConfiguration)
            .Add("PutImageTagMutability", PutImageTagMutability)
            .Add("DescribeImages", DescribeImages)
            .Add("ListImages", ListImages)
            .Add("BatchGetImage", BatchGetImage)
            .Add("BatchDeleteImage", BatchDeleteImage)
            .Add("PutImage", PutImage)
            .Add("PutLifecyclePolicy", PutLifecyclePolicy)
            .Add("GetLifecyclePolicy", GetLifecyclePolicy)
            .Add("DeleteLifecyclePolicy", DeleteLifecyclePolicy)
            .Add("StartImageScan", StartImageScan)
            .Add("DescribeImageScanFindings", DescribeImageScanFindings);
    }

    public string TargetPrefix => "AmazonEC2ContainerRegistry_V20150921";

    public string SigningName => "ecr";

    public JsonObject Handle(string operation, JsonObject request) => operations.Run(operation, request);

    private DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>JSON 1.1 timestamps are epoch seconds (fractional allowed).</summary>
    private static JsonValue Timestamp(DateTimeOffset value) => JsonValue.Create(value.ToUnixTimeMilliseconds() / 1000.0);

    private JsonObject RepositoryScope(string repositoryName) => new()
    {
        ["registryId"] = store.AccountId,
        ["repositoryName"] = repositoryName,
    };

    private JsonObject RepositoryJson(RepositoryRecord repository)
    {
        var encryption = new JsonObject { ["encryptionType"] = repository.EncryptionType };
        if (repository.KmsKey is not null)
        {
            encryption["kmsKey"] = repository.KmsKey;
        }

        return new JsonObject
        {
            ["repositoryArn"] = store.RepositoryArn(repository.Name),
            ["registryId"] = store.AccountId,
            ["repositoryName"] = repository.Name,
            // Not <account>.dkr.ecr.<region>.amazonaws.com: that name does not resolve here (README).
            ["repositoryUri"] = $"{address.RegistryHost}/{repository.Name}",
            ["createdAt"] = Timestamp(repository.CreatedAt),
            ["imageTagMutability"] = repository.ImageTagMutability,
            ["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = repository.ScanOnPush },
            ["encryptionConfiguration"] = encryption,
        };
    }

    private static string RequireMutability(string value) =>
        value is "MUTABLE" or "IMMUTABLE"
            ? value
            : throw new AwsServiceException("InvalidParameterException",
                $"Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]' (exclusion filters are not supported locally), got '{value}'");
}
