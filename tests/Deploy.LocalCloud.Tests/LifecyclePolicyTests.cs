using Deploy.LocalCloud.Ecr;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Tests;

public sealed class LifecyclePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_image_claimed_by_a_higher_priority_rule_is_never_expired_by_a_lower_one()
    {
        var policy = LifecyclePolicy.Parse("""
            {"rules":[
              {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}},
              {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}
            """);
        var images = new[] { Image("a", 1, "prod-1"), Image("b", 2, "prod-2"), Image("c", 3, "dev-1"), Image("d", 4, "dev-2") };

        var expired = policy.Expired(images, Now);

        Assert.Equal(["c"], expired.Order());
    }

    [Fact]
    public void Since_image_pushed_expires_only_images_older_than_the_count_in_days()
    {
        var policy = LifecyclePolicy.Parse("""
            {"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":10},"action":{"type":"expire"}}]}
            """);
        var images = new[] { Image("old", -20), Image("young", -5), Image("tagged-old", -20, "v1") };

        Assert.Equal(["old"], policy.Expired(images, Now).Order());
    }

    [Theory]
    [InlineData("""not json""")]
    [InlineData("""{"rules":[]}""")]
    [InlineData("""{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},{"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}""")]
    [InlineData("""{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countNumber":1},"action":{"type":"expire"}}]}""")]
    public void Invalid_policies_are_refused_with_InvalidParameterException(string text)
    {
        var error = Assert.Throws<AwsServiceException>(() => LifecyclePolicy.Parse(text));

        Assert.Equal("InvalidParameterException", error.Code);
    }

    private static ImageRecord Image(string digest, int dayOffset, params string[] tags) => new()
    {
        Digest = digest,
        ManifestMediaType = "application/vnd.oci.image.manifest.v1+json",
        PushedAt = Now.AddDays(dayOffset),
        Tags = [.. tags],
    };
}
