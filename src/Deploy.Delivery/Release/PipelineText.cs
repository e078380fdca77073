using System.Globalization;

namespace Deploy.Delivery.Release;

/// <summary>How Release writes commits, durations and times.</summary>
internal static class PipelineText
{
    /// <summary>A commit as git abbreviates it (7 characters).</summary>
    public static string Short(string? commit) => commit is null ? "(unknown commit)" : commit[..Math.Min(7, commit.Length)];

    /// <summary>The first line of a commit message or summary, at most 72 characters.</summary>
    public static string FirstLine(string? text)
    {
        var line = (text ?? "").Split('\n', 2)[0].Trim();
        return line.Length <= 72 ? line : line[..71] + "…";
    }

    /// <summary><c>42 s</c>, <c>3 min 5 s</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        var seconds = (long)Math.Max(0, Math.Round(span.TotalSeconds));
        return seconds < 60
            ? seconds.ToString(CultureInfo.InvariantCulture) + " s"
            : $"{(seconds / 60).ToString(CultureInfo.InvariantCulture)} min{(seconds % 60 == 0 ? "" : $" {(seconds % 60).ToString(CultureInfo.InvariantCulture)} s")}";
    }

    /// <summary>A service time as <c>HH:mm:ss</c> UTC (CI logs and AWS consoles across time zones agree on UTC).</summary>
    public static string Time(DateTimeOffset? at) => at is { } value ? value.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "--:--:--";
}
