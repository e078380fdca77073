using System.Text.Json.Nodes;

namespace Deploy.Delivery.Infra;

/// <summary>Which images a lifecycle rule looks at.</summary>
public enum EcrTagStatus
{
    Tagged,
    Untagged,
    Any,
}

/// <summary>The count a lifecycle rule applies: more than N images, or images older than N days.</summary>
public sealed record EcrLifecycleCount
{
    private EcrLifecycleCount(string countType, int number, string? unit)
    {
        CountType = countType;
        Number = number;
        Unit = unit;
    }

    /// <summary><c>imageCountMoreThan</c> or <c>sinceImagePushed</c>.</summary>
    public string CountType { get; }

    public int Number { get; }

    /// <summary><c>days</c> for <c>sinceImagePushed</c>, null otherwise.</summary>
    public string? Unit { get; }

    /// <summary>Expire the images beyond the newest <paramref name="images"/>.</summary>
    public static EcrLifecycleCount MoreThan(int images) => new("imageCountMoreThan", images, null);

    /// <summary>Expire the images pushed more than <paramref name="days"/> days ago.</summary>
    public static EcrLifecycleCount DaysSincePush(int days) => new("sinceImagePushed", days, "days");
}

/// <summary>One rule of an ECR lifecycle policy; every rule expires what it selects.</summary>
/// <param name="Priority">Evaluation order, unique, lower first.</param>
/// <param name="Description">Shown in the console next to the rule.</param>
/// <param name="TagStatus">Which images the rule considers.</param>
/// <param name="TagPatterns">For tagged images: the tag patterns (<c>*</c> wildcards) the rule applies to.</param>
/// <param name="Count">The count beyond which images expire.</param>
public sealed record EcrLifecycleRule(int Priority, string Description, EcrTagStatus TagStatus, IReadOnlyList<string> TagPatterns, EcrLifecycleCount Count)
{
    internal JsonObject ToJson()
    {
        var selection = new JsonObject
        {
            ["tagStatus"] = TagStatus switch
            {
                EcrTagStatus.Tagged => "tagged",
                EcrTagStatus.Untagged => "untagged",
                _ => "any",
            },
        };
        if (TagStatus == EcrTagStatus.Tagged)
        {
            selection["tagPatternList"] = new JsonArray([.. TagPatterns.Select(p => (JsonNode)p)]);
        }

        selection["countType"] = Count.CountType;
        if (Count.Unit is { } unit)
        {
            selection["countUnit"] = unit;
        }

        selection["countNumber"] = Count.Number;

        return new JsonObject
        {
            ["rulePriority"] = Priority,
            ["description"] = Description,
            ["selection"] = selection,
            ["action"] = new JsonObject { ["type"] = "expire" },
        };
    }
}

/// <summary>Renders lifecycle rules as the policy text ECR expects (compact JSON, rules in priority order).</summary>
public static class EcrLifecyclePolicy
{
    public static string Render(IEnumerable<EcrLifecycleRule> rules)
    {
        var ordered = rules.OrderBy(r => r.Priority).ToList();
        if (ordered.Select(r => r.Priority).Distinct().Count() != ordered.Count)
        {
            throw new ArgumentException("Lifecycle rule priorities must be unique.", nameof(rules));
        }

        if (ordered.Any(r => r.TagStatus == EcrTagStatus.Tagged && r.TagPatterns.Count == 0))
        {
            throw new ArgumentException("A rule selecting tagged images needs at least one tag pattern (\"*\" for all).", nameof(rules));
        }

        if (ordered.SkipLast(1).Any(r => r.TagStatus == EcrTagStatus.Any))
        {
            throw new ArgumentException("A rule selecting any tag status must have the highest priority number.", nameof(rules));
        }

        var policy = new JsonObject { ["rules"] = new JsonArray([.. ordered.Select(r => (JsonNode)r.ToJson())]) };
        return CloudFormationJson.Compact(policy);
    }
}
