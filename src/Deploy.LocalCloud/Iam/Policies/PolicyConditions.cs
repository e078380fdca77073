using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deploy.LocalCloud.Iam.Policies;

/// <summary>
/// A statement's <c>Condition</c> block against a request's context: every operator must hold, and within an operator
/// every key (AND); a key holds when its value matches any of the listed values (OR). Operators: the string family
/// (<c>StringEquals</c>, <c>StringNotEquals</c>, their <c>IgnoreCase</c> forms, <c>StringLike</c>, <c>StringNotLike</c>),
/// each also with <c>IfExists</c> and the <c>ForAnyValue:</c>/<c>ForAllValues:</c> set qualifiers.
/// </summary>
internal static class PolicyConditions
{
    /// <summary>True when the block holds, false when it does not, null when it uses an operator not implemented here.</summary>
    public static bool? Evaluate(JsonObject? conditions, IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        if (conditions is null)
        {
            return true;
        }

        foreach (var (operatorName, keys) in conditions)
        {
            if (keys is not JsonObject keyValues || Parse(operatorName) is not { } op)
            {
                return null;
            }

            foreach (var (key, values) in keyValues)
            {
                var expected = values switch
                {
                    JsonArray array => array.Select(v => v?.ToString() ?? string.Empty).ToList(),
                    null => [],
                    _ => [values.ToString()],
                };
                if (!Holds(op, context.GetValueOrDefault(key), expected))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool Holds(Operator op, IReadOnlyList<string>? actual, List<string> expected)
    {
        if (actual is null || actual.Count == 0)
        {
            // A missing key matches nothing: positive operators fail, negated ones hold; IfExists holds either way.
            // ForAllValues over an empty set holds (vacuously), as IAM documents.
            return op.IfExists || op.Negated || op.Set == SetQualifier.ForAllValues;
        }

        bool Matches(string value) => expected.Any(pattern => op.Compare(value, pattern));
        return op.Set switch
        {
            SetQualifier.ForAllValues => op.Negated ? actual.All(v => !Matches(v)) : actual.All(Matches),
            // One value, or ForAnyValue: the request's value(s) against the listed ones.
            _ => op.Negated ? !actual.Any(Matches) : actual.Any(Matches),
        };
    }

    private static Operator? Parse(string name)
    {
        var set = SetQualifier.None;
        if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            set = SetQualifier.ForAnyValue;
            name = name["ForAnyValue:".Length..];
        }
        else if (name.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            set = SetQualifier.ForAllValues;
            name = name["ForAllValues:".Length..];
        }

        var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal);
        if (ifExists)
        {
            name = name[..^"IfExists".Length];
        }

        Func<string, string, bool>? compare = name switch
        {
            "StringEquals" or "StringNotEquals" => (value, pattern) => string.Equals(value, pattern, StringComparison.Ordinal),
            "StringEqualsIgnoreCase" or "StringNotEqualsIgnoreCase" => (value, pattern) => string.Equals(value, pattern, StringComparison.OrdinalIgnoreCase),
            "StringLike" or "StringNotLike" => Like,
            _ => null,
        };
        return compare is null ? null : new Operator(compare, name.Contains("Not", StringComparison.Ordinal), ifExists, set);
    }

    /// <summary>IAM's wildcards: <c>*</c> any run of characters, <c>?</c> one character; case-sensitive.</summary>
    public static bool Like(string value, string pattern) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private enum SetQualifier
    {
        None,
        ForAnyValue,
        ForAllValues,
    }

    private sealed record Operator(Func<string, string, bool> Compare, bool Negated, bool IfExists, SetQualifier Set);
}
