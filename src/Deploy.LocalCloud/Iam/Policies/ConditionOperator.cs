using System.Globalization;
using System.Net;

namespace Deploy.LocalCloud.Iam.Policies;

internal enum ConditionKind
{
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}

internal enum SetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}

/// <summary>
/// One condition operator of IAM's reference: its comparison of a request value with a listed value, whether it is
/// negated (<c>StringNotEquals</c>, <c>ArnNotLike</c>, <c>NotIpAddress</c>, …), <c>IfExists</c> and its set qualifier.
/// A value that does not parse as the operator's type (a number, a date, an IP) matches nothing.
/// </summary>
internal sealed record ConditionOperator(ConditionKind Kind, Func<string, string, bool> Compare, bool Negated, bool IfExists, SetQualifier Set)
{
    public static ConditionOperator? Parse(string name)
    {
        var set = SetQualifier.None;
        foreach (var (prefix, qualifier) in new[] { ("ForAnyValue:", SetQualifier.ForAnyValue), ("ForAllValues:", SetQualifier.ForAllValues) })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                set = qualifier;
                name = name[prefix.Length..];
            }
        }

        var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal);
        if (ifExists)
        {
            name = name[..^"IfExists".Length];
        }

        (ConditionKind Kind, Func<string, string, bool> Compare, bool Negated)? parsed = name switch
        {
            "StringEquals" => (ConditionKind.String, Ordinal, false),
            "StringNotEquals" => (ConditionKind.String, Ordinal, true),
            "StringEqualsIgnoreCase" => (ConditionKind.String, IgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (ConditionKind.String, IgnoreCase, true),
            "StringLike" => (ConditionKind.String, StringLike, false),
            "StringNotLike" => (ConditionKind.String, StringLike, true),
            "NumericEquals" => (ConditionKind.Numeric, Numeric(c => c == 0), false),
            "NumericNotEquals" => (ConditionKind.Numeric, Numeric(c => c == 0), true),
            "NumericLessThan" => (ConditionKind.Numeric, Numeric(c => c < 0), false),
            "NumericLessThanEquals" => (ConditionKind.Numeric, Numeric(c => c <= 0), false),
            "NumericGreaterThan" => (ConditionKind.Numeric, Numeric(c => c > 0), false),
            "NumericGreaterThanEquals" => (ConditionKind.Numeric, Numeric(c => c >= 0), false),
            "DateEquals" => (ConditionKind.Date, Date(c => c == 0), false),
            "DateNotEquals" => (ConditionKind.Date, Date(c => c == 0), true),
            "DateLessThan" => (ConditionKind.Date, Date(c => c < 0), false),
            "DateLessThanEquals" => (ConditionKind.Date, Date(c => c <= 0), false),
            "DateGreaterThan" => (ConditionKind.Date, Date(c => c > 0), false),
            "DateGreaterThanEquals" => (ConditionKind.Date, Date(c => c >= 0), false),
            "Bool" => (ConditionKind.Bool, IgnoreCase, false),
            "BinaryEquals" => (ConditionKind.Binary, Ordinal, false),
            "IpAddress" => (ConditionKind.IpAddress, InNetwork, false),
            "NotIpAddress" => (ConditionKind.IpAddress, InNetwork, true),
            // ArnEquals takes wildcards too: IAM documents both as the same part-by-part match.
            "ArnEquals" or "ArnLike" => (ConditionKind.Arn, ArnLike, false),
            "ArnNotEquals" or "ArnNotLike" => (ConditionKind.Arn, ArnLike, true),
            "Null" when !ifExists && set == SetQualifier.None => (ConditionKind.Null, Ordinal, false),
            _ => null,
        };
        return parsed is { } p ? new ConditionOperator(p.Kind, p.Compare, p.Negated, ifExists, set) : null;
    }

    private static bool Ordinal(string value, string pattern) => string.Equals(value, pattern, StringComparison.Ordinal);

    private static bool IgnoreCase(string value, string pattern) => string.Equals(value, pattern, StringComparison.OrdinalIgnoreCase);

    private static bool StringLike(string value, string pattern) => PolicyPatterns.Like(value, pattern);

    private static bool ArnLike(string value, string pattern) => PolicyPatterns.ArnMatches(pattern, value);

    private static Func<string, string, bool> Numeric(Func<int, bool> holds) => (value, pattern) =>
        decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
        && decimal.TryParse(pattern, NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
        && holds(v.CompareTo(p));

    private static Func<string, string, bool> Date(Func<int, bool> holds) => (value, pattern) =>
        ParseDate(value) is { } v && ParseDate(pattern) is { } p && holds(v.CompareTo(p));

    /// <summary>ISO 8601 (<c>2026-01-01</c>, <c>2026-01-01T00:00:00Z</c>) or epoch seconds, as IAM accepts.</summary>
    private static DateTimeOffset? ParseDate(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch) ? DateTimeOffset.FromUnixTimeSeconds(epoch)
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date
        : null;

    /// <summary>An address inside a CIDR block (a bare address is its own /32 or /128).</summary>
    private static bool InNetwork(string value, string pattern) =>
        IPAddress.TryParse(value, out var address)
        && (IPNetwork.TryParse(pattern, out var network) ? network.Contains(address)
            : IPAddress.TryParse(pattern, out var single) && single.Equals(address));
}
