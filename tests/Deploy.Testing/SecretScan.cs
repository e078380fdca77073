namespace Deploy.Testing;

/// <summary>Finds files that hold a secret: the "no secret in any file" checks of tests that run real jobs and builds.</summary>
public static class SecretScan
{
    private static readonly EnumerationOptions Recursive = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
    };

    /// <summary>Every file under the roots that exist, once.</summary>
    public static IEnumerable<string> Files(params string[] roots) =>
        roots.Where(Directory.Exists).SelectMany(root => Directory.EnumerateFiles(root, "*", Recursive)).Distinct();

    /// <summary>The files under the roots written at or after <paramref name="since"/> (UTC).</summary>
    public static IEnumerable<string> WrittenSince(DateTime since, params string[] roots) =>
        Files(roots).Where(file => File.GetLastWriteTimeUtc(file) >= since);

    /// <summary>Whether the file's text contains any of the secrets.</summary>
    public static bool HoldsAny(string file, IReadOnlyCollection<string> secrets)
    {
        try
        {
            // Empty entries include pipes and sockets, which would block a read; huge files are no output of ours.
            var length = new FileInfo(file).Length;
            if (length == 0 || length > 256 * 1024 * 1024)
            {
                return false;
            }

            var text = File.ReadAllText(file);
            return secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone meanwhile, or not ours
        }
    }
}
