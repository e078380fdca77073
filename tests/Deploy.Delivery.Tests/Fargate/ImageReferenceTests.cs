using Deploy.Delivery.Fargate;

namespace Deploy.Delivery.Tests.Fargate;

public sealed class ImageReferenceTests
{
    private const string Registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

    [Theory]
    [InlineData("sample-service:v1", Registry + "/sample-service", "v1", null)]
    [InlineData("team/app:v2", Registry + "/team/app", "v2", null)]
    [InlineData("sample-service@sha256:abc", Registry + "/sample-service", null, "sha256:abc")]
    [InlineData("127.0.0.1:4566/sample-service:v1", "127.0.0.1:4566/sample-service", "v1", null)]
    [InlineData("localhost/app:v1", "localhost/app", "v1", null)]
    [InlineData(Registry + "/other:v3", Registry + "/other", "v3", null)]
    public void A_repository_and_tag_without_registry_host_is_completed_with_the_platform_registry(string given, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(given, Registry);

        Assert.Equal((repository, tag, digest), (reference.Repository, reference.Tag, reference.Digest));
    }

    [Fact]
    public void A_repository_without_tag_or_digest_is_still_refused()
    {
        Assert.Throws<FormatException>(() => ImageReference.Parse("sample-service", Registry));
    }
}
