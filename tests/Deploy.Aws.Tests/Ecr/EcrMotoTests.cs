using System.Text.Json;
using Deploy.Aws.Ecr;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Ecr;

[Collection(MotoGroup.Name)]
public sealed class EcrMotoTests(MotoServer moto) : MotoTestBase(moto)
{
    private const string Manifest = """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"}]}
        """;

    [Fact]
    public async Task A_repository_is_created_configured_described_and_deleted()
    {
        using var session = MotoSessions.For(Moto);
        var ecr = new EcrClient(session);

        var created = await ecr.CreateRepositoryAsync(new CreateRepositoryRequest
        {
            RepositoryName = "team/app",
            ImageTagMutability = "IMMUTABLE",
            ImageScanningConfiguration = new ImageScanningConfiguration(true),
            Tags = [new EcrTag("app", "web")],
        });
        await ecr.PutImageTagMutabilityAsync(new PutImageTagMutabilityRequest { RepositoryName = "team/app", ImageTagMutability = "MUTABLE" });
        await ecr.PutImageScanningConfigurationAsync(new PutImageScanningConfigurationRequest
        {
            RepositoryName = "team/app",
            ImageScanningConfiguration = new ImageScanningConfiguration(false),
        });
        var described = await ecr.DescribeRepositoriesAsync(new DescribeRepositoriesRequest { RepositoryNames = ["team/app"] });
        var all = new List<Repository>();
        await foreach (var repository in ecr.DescribeAllRepositoriesAsync(new DescribeRepositoriesRequest()))
        {
            all.Add(repository);
        }

        await ecr.DeleteRepositoryAsync(new DeleteRepositoryRequest { RepositoryName = "team/app", Force = true });

        Assert.Equal($"{MotoServer.AccountId}.dkr.ecr.us-east-1.amazonaws.com/team/app", created.Repository?.RepositoryUri);
        Assert.NotNull(created.Repository?.CreatedAt);
        var repo = Assert.Single(described.Repositories!);
        Assert.Equal("MUTABLE", repo.ImageTagMutability);
        Assert.False(repo.ImageScanningConfiguration?.ScanOnPush);
        Assert.Equal(created.Repository?.RepositoryArn, Assert.Single(all).RepositoryArn);
        var missing = await Assert.ThrowsAsync<EcrException>(() => ecr.DescribeRepositoriesAsync(new DescribeRepositoriesRequest { RepositoryNames = ["team/app"] }));
        Assert.Equal("RepositoryNotFoundException", missing.Code);
    }

    [Fact]
    public async Task Creating_a_repository_twice_fails_with_a_message_naming_the_repository()
    {
        using var session = MotoSessions.For(Moto);
        var ecr = new EcrClient(session);
        await ecr.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = "app" });

        var error = await Assert.ThrowsAsync<EcrException>(() => ecr.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = "app" }));

        Assert.Equal("RepositoryAlreadyExistsException", error.Code);
        Assert.StartsWith("ECR CreateRepository failed for repository 'app': RepositoryAlreadyExistsException:", error.Message, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task Operations_on_a_missing_repository_fail_with_RepositoryNotFoundException()
    {
        using var session = MotoSessions.For(Moto);
        var ecr = new EcrClient(session);

        var error = await Assert.ThrowsAsync<EcrException>(() => ecr.GetLifecyclePolicyAsync(new GetLifecyclePolicyRequest { RepositoryName = "nope" }));

        Assert.Equal("RepositoryNotFoundException", error.Code);
        Assert.Contains("repository 'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_authorization_token_decodes_into_docker_credentials_for_the_account_registry()
    {
        using var session = MotoSessions.For(Moto);

        var auth = await new EcrClient(session).GetAuthAsync();

        Assert.Equal("AWS", auth.User);
        Assert.False(string.IsNullOrEmpty(auth.Password));
        Assert.EndsWith(".dkr.ecr.us-east-1.amazonaws.com", auth.Registry, StringComparison.Ordinal);
        Assert.NotNull(auth.ExpiresAt);
        Assert.DoesNotContain(auth.Password, auth.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lifecycle_policy_is_stored_and_read_back()
    {
        using var session = MotoSessions.For(Moto);
        var ecr = new EcrClient(session);
        await ecr.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = "app" });
        const string policy = """{"rules":[{"rulePriority":1,"description":"expire untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}""";

        await ecr.PutLifecyclePolicyAsync(new PutLifecyclePolicyRequest { RepositoryName = "app", LifecyclePolicyText = policy });
        var read = await ecr.GetLifecyclePolicyAsync(new GetLifecyclePolicyRequest { RepositoryName = "app" });

        Assert.Equal(MotoServer.AccountId, read.RegistryId);
        Assert.Equal(JsonDocument.Parse(policy).RootElement.GetRawText(), JsonDocument.Parse(read.LifecyclePolicyText!).RootElement.GetRawText());
    }

    [Fact]
    public async Task Pushed_images_are_described_fetched_scanned_and_deleted()
    {
        using var session = MotoSessions.For(Moto);
        var ecr = new EcrClient(session);
        await ecr.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = "app" });
        await JsonProtocol.InvokeAsync<object, JsonElement>(
            session, AwsService.Ecr, "PutImage", new { repositoryName = "app", imageManifest = Manifest, imageTag = "1.0.0" }, null, CancellationToken.None);

        var images = await ecr.DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = "app" });
        var fetched = await ecr.BatchGetImageAsync(new BatchGetImageRequest { RepositoryName = "app", ImageIds = [ImageIdentifier.ForTag("1.0.0"), ImageIdentifier.ForTag("missing")] });
        var beforeScan = await Assert.ThrowsAsync<EcrException>(() =>
            ecr.DescribeImageScanFindingsAsync(new DescribeImageScanFindingsRequest { RepositoryName = "app", ImageId = ImageIdentifier.ForTag("1.0.0") }));
        await JsonProtocol.InvokeAsync<object, JsonElement>(
            session, AwsService.Ecr, "StartImageScan", new { repositoryName = "app", imageId = new { imageTag = "1.0.0" } }, null, CancellationToken.None);
        var findings = await ecr.DescribeImageScanFindingsAsync(new DescribeImageScanFindingsRequest { RepositoryName = "app", ImageId = ImageIdentifier.ForTag("1.0.0") });
        var deleted = await ecr.BatchDeleteImageAsync(new BatchDeleteImageRequest { RepositoryName = "app", ImageIds = [ImageIdentifier.ForTag("1.0.0")] });
        var after = await ecr.DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = "app" });

        var image = Assert.Single(images.ImageDetails!);
        Assert.Equal(["1.0.0"], image.ImageTags);
        Assert.StartsWith("sha256:", image.ImageDigest, StringComparison.Ordinal);
        Assert.Equal(Manifest, Assert.Single(fetched.Images!).ImageManifest);
        Assert.Equal("ImageNotFound", Assert.Single(fetched.Failures!).FailureCode);
        Assert.Equal("ScanNotFoundException", beforeScan.Code);
        Assert.Equal("COMPLETE", findings.ImageScanStatus?.Status);
        Assert.NotNull(findings.ImageScanFindings?.FindingSeverityCounts);
        Assert.Equal(image.ImageDigest, Assert.Single(deleted.ImageIds!).ImageDigest);
        Assert.Empty(after.ImageDetails!);
    }
}
