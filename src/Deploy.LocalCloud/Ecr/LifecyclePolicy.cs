using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecr;

/// <summary>
/// An ECR lifecycle policy: rules by ascending rulePriority; each image belongs to the first rule whose tag
/// selection matches it (a lower-priority rule can never expire it), and that rule's count decides.
/// </summary>
internal sealed class LifecyclePolicy
{
    private readonly IReadOnlyList<LifecycleRule> rules;

    private LifecyclePolicy(IReadOnlyList<LifecycleRule> rules) => this.rules = rules;

    public static LifecyclePolicy Parse(string text)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text) as JsonObject ?? throw Invalid("policy must be a JSON object");
        }
        catch (JsonException)
        {
            throw Invalid("policy is not valid JSON");
        }

        var rules = (root["rules"] as JsonArray ?? throw Invalid("'rules' is required"))
            .Select(node => LifecycleRule.Parse(node as JsonObject ?? throw Invalid("each rule must be an object")))
            .OrderBy(r => r.Priority)
            .ToList();
        if (rules.Count == 0)
        {
            throw Invalid("at least one rule is required");
        }

        if (rules.Select(r => r.Priority).Distinct().Count() != rules.Count)
        {
            throw Invalid("rulePriority values must be unique");
        }

        if (rules.SkipLast(1).Any(r => r.TagStatus == "any"))
        {
            throw Invalid("a rule with tagStatus 'any' must have the highest rulePriority");
        }

        return new LifecyclePolicy(rules);
    }

    /// <summary>Digests the policy expires now.</summary>
    public IReadOnlySet<string> Expired(IReadOnlyList<ImageRecord> images, DateTimeOffset now)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var expired = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var selected = images.Where(i => !claimed.Contains(i.Digest) && rule.Selects(i)).ToList();
            claimed.UnionWith(selected.Select(i => i.Digest));
            var victims = rule.CountType == "imageCountMoreThan"
                ? selected.OrderByDescending(i => i.PushedAt).Skip(rule.CountNumber)
                : selected.Where(i => i.PushedAt < now.AddDays(-rule.CountNumber));
            expired.UnionWith(victims.Select(i => i.Digest));
        }

        return expired;
    }

    internal static AwsServiceException Invalid(string reason) =>
        new("InvalidParameterException",
            $"Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: {reason}'");

    private sealed record LifecycleRule(int Priority, string TagStatus, IReadOnlyList<string> TagPrefixes, IReadOnlyList<Regex> TagPatterns, string CountType, int CountNumber)
    {
        public static LifecycleRule Parse(JsonObject rule)
        {
            var priority = rule.OptionalInt("rulePriority") ?? throw Invalid("rulePriority is required");
            var selection = rule["selection"] as JsonObject ?? throw Invalid("selection is required");
            var tagStatus = selection.OptionalString("tagStatus") ?? throw Invalid("tagStatus is required");
            var prefixes = selection.OptionalStringList("tagPrefixList");
            var patterns = selection.OptionalStringList("tagPatternList");
            var countType = selection.OptionalString("countType") ?? throw Invalid("countType is required");
            var countNumber = selection.OptionalInt("countNumber") ?? throw Invalid("countNumber is required");
            var action = (rule["action"] as JsonObject)?.OptionalString("type");
            if (tagStatus is not ("tagged" or "untagged" or "any"))
            {
                throw Invalid($"tagStatus '{tagStatus}' must be tagged, untagged or any");
            }

            if (tagStatus == "tagged" && prefixes.Count == 0 && patterns.Count == 0)
            {
                throw Invalid("a tagged rule needs tagPrefixList or tagPatternList");
            }

            if (countType is not ("imageCountMoreThan" or "sinceImagePushed"))
            {
                throw Invalid($"countType '{countType}' must be imageCountMoreThan or sinceImagePushed");
            }

            if (countType == "sinceImagePushed" && selection.OptionalString("countUnit") != "days")
            {
                throw Invalid("sinceImagePushed needs countUnit 'days'");
            }

            if (countNumber < 1 || action != "expire")
            {
                throw Invalid("countNumber must be positive and action.type 'expire'");
            }

            var regexes = patterns.Select(p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1))).ToList();
            return new LifecycleRule(priority, tagStatus, prefixes, regexes, countType, countNumber);
        }

        /// <summary>Tag selection: every listed prefix/pattern must be matched by at least one of the image's tags.</summary>
        public bool Selects(ImageRecord image) => TagStatus switch
        {
            "untagged" => image.Tags.Count == 0,
            "tagged" => image.Tags.Count > 0
                        && TagPrefixes.All(p => image.Tags.Any(t => t.StartsWith(p, StringComparison.Ordinal)))
                        && TagPatterns.All(p => image.Tags.Any(p.IsMatch)),
            _ => true,
        };
    }
}
