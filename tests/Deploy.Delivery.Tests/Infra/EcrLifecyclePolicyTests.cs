using System.Text.Json.Nodes;
using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

public sealed class EcrLifecyclePolicyTests
{
    [Fact]
    public void The_default_policy_expires_untagged_images_after_7_days_then_keeps_the_newest_30_tagged()
    {
        var text = EcrLifecyclePolicy.Render(new ImageLifecycle().Rules);

        Assert.Equal(
            "{\"rules\":["
            + "{\"rulePriority\":1,\"description\":\"Expire untagged images 7 days after their push\","
            + "\"selection\":{\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":7},"
            + "\"action\":{\"type\":\"expire\"}},"
            + "{\"rulePriority\":2,\"description\":\"Keep only the newest 30 tagged images\","
            + "\"selection\":{\"tagStatus\":\"tagged\",\"tagPatternList\":[\"*\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":30},"
            + "\"action\":{\"type\":\"expire\"}}"
            + "]}",
            text);
    }

    [Fact]
    public void The_numbers_come_from_the_settings()
    {
        var rules = JsonNode.Parse(EcrLifecyclePolicy.Render(new ImageLifecycle(KeepTaggedImages: 5, ExpireUntaggedAfterDays: 2).Rules))!["rules"]!.AsArray();

        Assert.Equal([2, 5], rules.Select(r => (int)r!["selection"]!["countNumber"]!));
    }

    [Fact]
    public void Rules_are_written_in_priority_order_whatever_order_they_come_in()
    {
        var rules = new ImageLifecycle().Rules.Reverse();

        var priorities = JsonNode.Parse(EcrLifecyclePolicy.Render(rules))!["rules"]!.AsArray().Select(r => (int)r!["rulePriority"]!);

        Assert.Equal([1, 2], priorities);
    }

    [Fact]
    public void Two_rules_with_one_priority_are_refused()
    {
        var rule = new EcrLifecycleRule(1, "a", EcrTagStatus.Untagged, [], EcrLifecycleCount.MoreThan(1));

        var error = Assert.Throws<ArgumentException>(() => EcrLifecyclePolicy.Render([rule, rule with { Description = "b" }]));

        Assert.Contains("unique", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_for_tagged_images_needs_a_tag_pattern()
    {
        var rule = new EcrLifecycleRule(1, "a", EcrTagStatus.Tagged, [], EcrLifecycleCount.MoreThan(1));

        Assert.Throws<ArgumentException>(() => EcrLifecyclePolicy.Render([rule]));
    }

    [Fact]
    public void A_rule_for_any_image_must_come_last()
    {
        var any = new EcrLifecycleRule(1, "any", EcrTagStatus.Any, [], EcrLifecycleCount.MoreThan(100));
        var untagged = new EcrLifecycleRule(2, "untagged", EcrTagStatus.Untagged, [], EcrLifecycleCount.DaysSincePush(1));

        Assert.Throws<ArgumentException>(() => EcrLifecyclePolicy.Render([any, untagged]));
        Assert.Contains("\"tagStatus\":\"any\"", EcrLifecyclePolicy.Render([untagged, any with { Priority = 3 }]), StringComparison.Ordinal);
    }
}
