using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Iam.Policies;

/// <summary>
/// How IAM matches the strings of a policy: wildcards (<c>*</c> any run of characters, <c>?</c> one character), actions
/// case-insensitively, ARNs part by part and case-sensitively, and policy variables (<c>${aws:username}</c>) replaced
/// from the request's context.
/// </summary>
internal static class PolicyPatterns
{
    /// <summary>A wildcard match of the whole <paramref name="value"/> (no regular expression: policies are data).</summary>
    public static bool Like(string value, string pattern, bool ignoreCase = false) => Like(value.AsSpan(), pattern.AsSpan(), ignoreCase);

    /// <summary>As above, on spans (the parts of an ARN, without cutting it into strings).</summary>
    public static bool Like(ReadOnlySpan<char> value, ReadOnlySpan<char> pattern, bool ignoreCase = false)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        int v = 0, p = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || (pattern[p] != '*' && value.Slice(v, 1).Equals(pattern.Slice(p, 1), comparison))))
            {
                v++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                // Remember the star and first try matching it with nothing; widen it on a later mismatch.
                starP = p++;
                starV = v;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                v = ++starV;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Action names compare case-insensitively: <c>ecs:updateservice</c> is <c>ecs:UpdateService</c>; <c>ecs:Describe*</c>.</summary>
    public static bool ActionMatches(string pattern, string action) => Like(action, pattern, ignoreCase: true);

    /// <summary>
    /// An ARN against an ARN pattern, as the <c>Resource</c> element and <c>ArnLike</c> compare them: the six parts
    /// (<c>arn:partition:service:region:account:resource</c>) each matched on their own, so a wildcard does not reach
    /// across a colon of the first five; the resource part may hold colons. <c>*</c> alone matches anything.
    /// </summary>
    public static bool ArnMatches(string pattern, string arn)
    {
        if (pattern == "*")
        {
            return true;
        }

        // Part by part, as Split(':', 6) would cut them (the sixth keeps its colons), without allocating.
        ReadOnlySpan<char> patternRest = pattern, arnRest = arn;
        for (var part = 0; part < 6; part++)
        {
            var patternHas = NextPart(ref patternRest, part, out var patternPart);
            if (!NextPart(ref arnRest, part, out var arnPart) || !patternHas || !Like(arnPart, patternPart))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The next colon-separated part (the sixth is the rest); false when a part before the sixth has no colon after it.</summary>
    private static bool NextPart(ref ReadOnlySpan<char> rest, int part, out ReadOnlySpan<char> value)
    {
        if (part == 5)
        {
            value = rest;
            return true;
        }

        var colon = rest.IndexOf(':');
        if (colon < 0)
        {
            value = default;
            return false;
        }

        value = rest[..colon];
        rest = rest[(colon + 1)..];
        return true;
    }

    /// <summary>
    /// <paramref name="text"/> with its policy variables replaced from <paramref name="context"/>: <c>${key}</c> by the
    /// key's value, <c>${key, 'default'}</c> by the default when the key is absent. Null when a variable has no value
    /// (IAM: the element then matches nothing) or the key holds several values.
    /// </summary>
    public static string? Substitute(string text, IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        var start = text.IndexOf("${", StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        var position = 0;
        while (start >= 0)
        {
            var end = text.IndexOf('}', start);
            if (end < 0)
            {
                break;
            }

            result.Append(text, position, start - position);
            var variable = text[(start + 2)..end];
            var comma = variable.IndexOf(',', StringComparison.Ordinal);
            var key = (comma < 0 ? variable : variable[..comma]).Trim();
            var fallback = comma < 0 ? null : variable[(comma + 1)..].Trim().Trim('\'');
            var value = context.GetValueOrDefault(key) switch
            {
                [var single] => single,
                null or [] => fallback,
                _ => null,
            };
            if (value is null)
            {
                return null;
            }

            result.Append(value);
            position = end + 1;
            start = text.IndexOf("${", position, StringComparison.Ordinal);
        }

        return result.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>A policy element that may be one string or a list of them.</summary>
    public static IEnumerable<string> Values(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(item => item?.ToString() ?? string.Empty),
        JsonValue value => [value.ToString()],
        _ => [],
    };

    /// <summary>Condition keys and values: keys compare case-insensitively (as IAM compares key names), a key may have several values.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Context(IEnumerable<KeyValuePair<string, string>> pairs) =>
        pairs.GroupBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(pair => pair.Value)], StringComparer.OrdinalIgnoreCase);
}
