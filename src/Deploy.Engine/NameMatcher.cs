using System.Text;

namespace Deploy.Engine;

/// <summary>
/// Target, parameter and environment names match ignoring case, dashes and underscores,
/// so <c>push-ecr</c>, <c>PushEcr</c> and <c>PUSH_ECR</c> are the same name.
/// </summary>
internal static class NameMatcher
{
    public static string Normalize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not ('-' or '_'))
                builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    public static bool Matches(string left, string right) =>
        string.Equals(Normalize(left), Normalize(right), StringComparison.Ordinal);

    /// <summary><c>MaxAttempts</c> → <c>max-attempts</c>, <c>EcrURL</c> → <c>ecr-url</c>.</summary>
    public static string ToKebab(string name) => Split(name, '-').ToLowerInvariant();

    /// <summary><c>MaxAttempts</c> → <c>MAX_ATTEMPTS</c>.</summary>
    public static string ToEnvironment(string name) => Split(name, '_').ToUpperInvariant();

    /// <summary>Returns <c> Did you mean 'X'?</c> for the closest candidate, or an empty string.</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates)
    {
        var suggestion = Suggest(input, candidates);
        return suggestion is null ? "" : $" Did you mean '{suggestion}'?";
    }

    public static string? Suggest(string input, IEnumerable<string> candidates)
    {
        var normalized = Normalize(input);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(normalized, Normalize(candidate));
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // Suggest only plausible typos, not any name at all.
        return bestDistance <= Math.Max(2, normalized.Length / 3) ? best : null;
    }

    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static string Split(string name, char separator)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '-' or '_')
            {
                builder.Append(separator);
                continue;
            }

            if (i > 0 && char.IsUpper(c) && name[i - 1] is not ('-' or '_'))
            {
                var afterLower = char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]);
                var acronymEnd = char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLower || acronymEnd)
                    builder.Append(separator);
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
