using System.Text;

namespace Deploy.Delivery.Notifications;

/// <summary>
/// Slack's mrkdwn text, made safe and short: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> are control characters there and are
/// escaped, and every cut happens on a whole character (never inside an entity or a surrogate pair) and is marked with
/// an ellipsis. Lengths count UTF-16 units after escaping, which is never less than what Slack counts.
/// </summary>
public static class SlackText
{
    /// <summary>Marks where text was cut.</summary>
    public const char Ellipsis = '…';

    /// <summary><paramref name="text"/> with Slack's three control characters escaped.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
    }

    /// <summary><paramref name="text"/> escaped and, if longer than <paramref name="limit"/>, cut to fit with an ellipsis.</summary>
    public static string EscapeWithin(string text, int limit)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var escaped = Escape(text);
        if (escaped.Length <= limit)
        {
            return escaped;
        }

        var kept = new StringBuilder(limit);
        var room = limit - 1;
        for (var i = 0; i < text.Length; i++)
        {
            var unit = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? text.Substring(i, 2) : text[i].ToString();
            var piece = Escape(unit);
            if (kept.Length + piece.Length > room)
            {
                break;
            }

            kept.Append(piece);
            i += unit.Length - 1;
        }

        return kept.Append(Ellipsis).ToString();
    }

    /// <summary><paramref name="text"/> with no more than <paramref name="limit"/> characters (plain text, not escaped).</summary>
    public static string Within(string text, int limit)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (text.Length <= limit)
        {
            return text;
        }

        var cut = limit - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut] + Ellipsis;
    }

    /// <summary>
    /// The last lines of <paramref name="lines"/>, at most <paramref name="maxLines"/>, as a code block of at most
    /// <paramref name="limit"/> characters after the title <paramref name="title"/> makes for the number shown (mrkdwn,
    /// already escaped): each line escaped and cut to <paramref name="lineLimit"/>; the earliest lines go first, with a
    /// note saying how many, because the last lines say why it stopped.
    /// </summary>
    public static string TailBlock(Func<int, string> title, IReadOnlyList<string> lines, int maxLines, int limit, int lineLimit)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(lines);
        const string open = "\n```\n", close = "\n```";
        var dropped = Math.Max(0, lines.Count - maxLines);
        var shown = lines.Skip(dropped).Select(l => EscapeWithin(NoFences(l), lineLimit)).ToList();
        string Block() => title(shown.Count) + (dropped > 0 ? $" ({dropped} earlier line{(dropped == 1 ? "" : "s")} left out)" : "")
            + open + string.Join('\n', shown) + close;
        while (shown.Count > 1 && Block().Length > limit)
        {
            shown.RemoveAt(0);
            dropped++;
        }

        var block = Block();
        return block.Length <= limit ? block : Within(title(shown.Count), limit);
    }

    /// <summary>A line holding <c>```</c> would end the code block early.</summary>
    private static string NoFences(string line) =>
        (line.Length == 0 ? " " : line).Replace("```", "'''", StringComparison.Ordinal);
}
