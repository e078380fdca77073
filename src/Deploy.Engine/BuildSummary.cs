using System.Globalization;

namespace Deploy.Engine;

/// <summary>The table printed at the end of a run, and the exit code it implies.</summary>
internal static class BuildSummary
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int UsageError = 2;
    public const int Aborted = 130;

    /// <summary>Aborted by SIGTERM (128 + 15, as shells report it).</summary>
    public const int Terminated = 143;

    /// <param name="results">Every planned target's outcome.</param>
    /// <param name="cancelled">Whether the run was cancelled: targets it kept from running make the build aborted, not failed.</param>
    public static int ExitCode(IReadOnlyList<TargetResult> results, bool cancelled = false) =>
        results.Any(r => r.Status == TargetStatus.Aborted) || (cancelled && results.Any(r => r.IsUnsuccessful)) ? Aborted
        : results.Any(r => r.IsUnsuccessful) ? Failed
        : Succeeded;

    /// <summary>Writes the table through <see cref="IBuildLog.Write"/>, so it is masked and shown even when quiet.</summary>
    public static void Write(IBuildLog log, IReadOnlyList<TargetResult> results, TimeSpan total, bool cancelled = false)
    {
        string[] header = ["Target", "Status", "Duration", "Note"];
        var rows = results.Select(r => new[]
        {
            r.Name,
            r.Status.ToString(),
            r.Status is TargetStatus.Succeeded or TargetStatus.Failed or TargetStatus.Aborted ? FormatDuration(r.Duration) : "-",
            FirstLine(r.Note),
        }).ToList();
        var widths = Enumerable.Range(0, 3).Select(c => rows.Select(r => r[c].Length).Append(header[c].Length).Max()).ToArray();
        string Line(string[] cells) =>
            string.Join("   ", cells.Select((cell, c) => c < 3 ? cell.PadRight(widths[c]) : cell)).TrimEnd();

        var rule = new string('-', widths.Sum() + 9 + 4);
        log.Write("");
        log.Write(rule);
        log.Write(Line(header));
        log.Write(rule);
        foreach (var row in rows)
            log.Write(Line(row));
        log.Write(rule);
        log.Write(Line(["Total", "", FormatDuration(total), ""]));
        log.Write(rule);
        log.Write(ExitCode(results, cancelled) switch
        {
            Succeeded => "Build succeeded.",
            Aborted => "Build aborted.",
            _ => "Build failed.",
        });
    }

    /// <summary>A row is one line: a note with a list on following lines shows its first line (the log has the rest).</summary>
    internal static string FirstLine(string? note) =>
        note is null ? "" : note.Split('\n', 2)[0].TrimEnd('\r', ' ', ':');

    public static string FormatDuration(TimeSpan duration) =>
        duration < TimeSpan.FromSeconds(1) ? "< 1s"
        : string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}:{duration.Seconds:00}");
}
