namespace Deploy.LocalCloud.Logs;

/// <summary>
/// The plain-term subset of CloudWatch filter patterns: every term (or "quoted phrase") must occur,
/// case-sensitively. JSON/space-delimited patterns and ?OR terms are not supported (README).
/// </summary>
internal sealed class FilterPattern
{
    private readonly IReadOnlyList<string> terms;

    private FilterPattern(IReadOnlyList<string> terms) => this.terms = terms;

    public static FilterPattern Parse(string? pattern)
    {
        var terms = new List<string>();
        var text = pattern?.Trim() ?? string.Empty;
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            else if (text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                end = end < 0 ? text.Length : end;
                terms.Add(text[(i + 1)..end]);
                i = end + 1;
            }
            else
            {
                var end = i;
                while (end < text.Length && !char.IsWhiteSpace(text[end]))
                {
                    end++;
                }

                terms.Add(text[i..end]);
                i = end;
            }
        }

        return new FilterPattern(terms);
    }

    public bool Matches(string message) => terms.All(term => message.Contains(term, StringComparison.Ordinal));
}
