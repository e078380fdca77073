namespace Deploy.Engine;

/// <summary>
/// Marks where each target's output starts and ends. On GitLab these are log sections, left
/// expanded so failures stay visible; the error line is repeated after the section end.
/// </summary>
internal sealed class TargetSections(IBuildLog log, HostKind host, TimeProvider time)
{
    private const string Escape = "\u001b[0K";

    public void Begin(int index, string name)
    {
        if (log.IsQuiet)
            return;
        var header = $"=== {name} ===";
        if (host == HostKind.GitLab)
            log.Write($"{Escape}section_start:{Now()}:{SectionId(index, name)}\r{Escape}{header}");
        else
            log.Information(header);
    }

    public void End(int index, string name, string? error)
    {
        if (host != HostKind.GitLab)
            return;
        if (!log.IsQuiet)
            log.Write($"{Escape}section_end:{Now()}:{SectionId(index, name)}\r{Escape}");
        if (error is not null)
            log.Error(error);
    }

    internal static string SectionId(int index, string name) =>
        $"target_{index}_" + new string([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();
}
