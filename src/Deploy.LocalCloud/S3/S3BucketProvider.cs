using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;

namespace Deploy.LocalCloud.S3;

/// <summary>AWS::S3::Bucket: encryption, public access block, versioning (Ref = bucket name).</summary>
internal sealed class S3BucketProvider(S3Store store, Hosting.LocalCloudOptions options) : IResourceProvider
{
    public string ResourceType => "AWS::S3::Bucket";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "BucketName", "ObjectLockEnabled" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Arn", "DomainName", "RegionalDomainName", "DualStackDomainName", "WebsiteURL",
    };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var name = request.String("BucketName") ?? request.PhysicalName(63, lowerCase: true);
        store.CreateBucket(name);
        store.Update(state =>
        {
            Apply(S3Store.Bucket(state, name), request);
            return true;
        });
        return Task.FromResult(Result(name));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        store.Update(state =>
        {
            Apply(S3Store.Bucket(state, previous.PhysicalId), request);
            return true;
        });
        return Task.FromResult(Result(previous.PhysicalId));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        // As in AWS, a bucket with objects is not deleted: the stack's delete fails with BucketNotEmpty.
        if (store.Read(state => state.Buckets.ContainsKey(current.PhysicalId)))
        {
            store.DeleteBucket(current.PhysicalId);
        }

        return Task.CompletedTask;
    }

    private static void Apply(BucketRecord bucket, ResourceRequest request)
    {
        var status = request.Properties["VersioningConfiguration"]?["Status"]?.GetValue<string>();
        if (status is not null and not ("Enabled" or "Suspended"))
        {
            throw new ResourceProviderException($"Properties validation failed for resource {request.LogicalId} with message: #/VersioningConfiguration/Status: {status} is not a valid enum value");
        }

        bucket.Versioning = status ?? (bucket.Versioning is null ? null : "Suspended");
        var rule = request.Properties["BucketEncryption"]?["ServerSideEncryptionConfiguration"]?[0]?["ServerSideEncryptionByDefault"];
        bucket.SseAlgorithm = rule?["SSEAlgorithm"]?.GetValue<string>() ?? "AES256";
        bucket.KmsMasterKeyId = rule?["KMSMasterKeyID"]?.GetValue<string>();
        var block = request.Properties["PublicAccessBlockConfiguration"];
        bucket.BlockPublicAcls = Flag(block?["BlockPublicAcls"]);
        bucket.IgnorePublicAcls = Flag(block?["IgnorePublicAcls"]);
        bucket.BlockPublicPolicy = Flag(block?["BlockPublicPolicy"]);
        bucket.RestrictPublicBuckets = Flag(block?["RestrictPublicBuckets"]);
    }

    private static bool? Flag(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<bool>(out var flag) ? flag : value.TryGetValue<string>(out var text) && text == "true"
        : null;

    private ProvisionedResource Result(string name) => ProvisionedResource.Of(
        name,
        ("Arn", $"arn:aws:s3:::{name}"),
        ("DomainName", $"{name}.s3.amazonaws.com"),
        ("RegionalDomainName", $"{name}.s3.{options.Region}.amazonaws.com"),
        ("DualStackDomainName", $"{name}.s3.dualstack.{options.Region}.amazonaws.com"),
        ("WebsiteURL", $"http://{name}.s3-website-{options.Region}.amazonaws.com"));
}
