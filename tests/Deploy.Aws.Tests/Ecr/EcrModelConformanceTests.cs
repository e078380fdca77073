using Deploy.Aws.Ecr;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Ecr;

public sealed class EcrModelConformanceTests
{
    private const string Service = "ecr";
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly Dictionary<string, Func<EcrClient, Task<object?>>> Calls = new()
    {
        ["CreateRepository"] = async c => await c.CreateRepositoryAsync(new CreateRepositoryRequest
        {
            RegistryId = "123456789012",
            RepositoryName = "team/app",
            Tags = [new EcrTag("Owner", "team")],
            ImageTagMutability = "IMMUTABLE",
            ImageScanningConfiguration = new ImageScanningConfiguration(true),
            EncryptionConfiguration = new EncryptionConfiguration("KMS", "alias/ecr"),
        }),
        ["DescribeRepositories"] = async c => await c.DescribeRepositoriesAsync(new DescribeRepositoriesRequest
        {
            RegistryId = "123456789012",
            RepositoryNames = ["team/app"],
            NextToken = "token",
            MaxResults = 100,
        }),
        ["DeleteRepository"] = async c => await c.DeleteRepositoryAsync(new DeleteRepositoryRequest { RepositoryName = "team/app", Force = true }),
        ["GetAuthorizationToken"] = async c => await c.GetAuthorizationTokenAsync(new GetAuthorizationTokenRequest(["123456789012"])),
        ["DescribeImages"] = async c => await c.DescribeImagesAsync(new DescribeImagesRequest
        {
            RepositoryName = "team/app",
            ImageIds = [ImageIdentifier.ForTag("v1"), ImageIdentifier.ForDigest(Digest)],
            MaxResults = 10,
            Filter = new DescribeImagesFilter("TAGGED", "ACTIVE"),
        }),
        ["ListImages"] = async c => await c.ListImagesAsync(new ListImagesRequest
        {
            RegistryId = "123456789012",
            RepositoryName = "team/app",
            MaxResults = 100,
            NextToken = "token",
            Filter = new ListImagesFilter("UNTAGGED", "ACTIVE"),
        }),
        ["BatchGetImage"] = async c => await c.BatchGetImageAsync(new BatchGetImageRequest
        {
            RepositoryName = "team/app",
            ImageIds = [ImageIdentifier.ForTag("v1")],
            AcceptedMediaTypes = ["application/vnd.oci.image.manifest.v1+json"],
        }),
        ["BatchDeleteImage"] = async c => await c.BatchDeleteImageAsync(new BatchDeleteImageRequest
        {
            RepositoryName = "team/app",
            ImageIds = [ImageIdentifier.ForDigest(Digest)],
        }),
        ["PutLifecyclePolicy"] = async c => await c.PutLifecyclePolicyAsync(new PutLifecyclePolicyRequest
        {
            RepositoryName = "team/app",
            LifecyclePolicyText = """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}""",
        }),
        ["GetLifecyclePolicy"] = async c => await c.GetLifecyclePolicyAsync(new GetLifecyclePolicyRequest { RepositoryName = "team/app" }),
        ["PutImageScanningConfiguration"] = async c => await c.PutImageScanningConfigurationAsync(new PutImageScanningConfigurationRequest
        {
            RepositoryName = "team/app",
            ImageScanningConfiguration = new ImageScanningConfiguration(true),
        }),
        ["PutImageTagMutability"] = async c => await c.PutImageTagMutabilityAsync(new PutImageTagMutabilityRequest
        {
            RepositoryName = "team/app",
            ImageTagMutability = "MUTABLE",
        }),
        ["DescribeImageScanFindings"] = async c => await c.DescribeImageScanFindingsAsync(new DescribeImageScanFindingsRequest
        {
            RepositoryName = "team/app",
            ImageId = ImageIdentifier.ForTag("v1"),
            MaxResults = 100,
        }),
    };

    public static TheoryData<string> Operations => [.. Calls.Keys];

    [Theory]
    [MemberData(nameof(Operations))]
    public Task Each_operation_sends_a_request_the_model_accepts_and_reads_every_member_it_declares_from_the_models_response(string operation) =>
        ClientConformance.CheckAsync(Service, operation, s => new EcrClient(s), Calls[operation]);

    [Fact]
    public void The_client_covers_every_ECR_operation_the_build_needs()
    {
        string[] needed =
        [
            "CreateRepository", "DescribeRepositories", "DeleteRepository", "GetAuthorizationToken", "DescribeImages", "ListImages", "BatchGetImage",
            "BatchDeleteImage", "PutLifecyclePolicy", "GetLifecyclePolicy", "PutImageScanningConfiguration", "PutImageTagMutability",
            "DescribeImageScanFindings",
        ];

        Assert.Equal(needed.Order(StringComparer.Ordinal), Calls.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Minimal_requests_send_only_the_required_members()
    {
        var handler = RecordingHandler.AnsweringWithSamples(Service);
        using var session = OfflineSession.For(handler);
        var client = new EcrClient(session);

        await client.DescribeRepositoriesAsync(new DescribeRepositoriesRequest());
        await client.GetAuthorizationTokenAsync();
        await client.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = "app" });

        Assert.Equal(["{}", "{}", """{"repositoryName":"app"}"""], handler.Requests.Select(r => r.BodyText));
        Assert.All(handler.Requests, r => ModelAssert.Conforms(Service, r));
    }
}
