namespace Deploy.Testing;

/// <summary>
/// A clone of a repository as it is on disk: the committed history, plus the working tree's changed, new and deleted
/// files committed on top (so a test of "this repository" tests the sources being edited, not only the last commit).
/// </summary>
public static class WorkingTreeClone
{
    /// <summary>Clones <paramref name="source"/> into <paramref name="target"/> on <paramref name="branch"/>; returns HEAD's commit.</summary>
    public static async Task<string> CreateAsync(string source, string target, string branch, string author = "Deploy Tests")
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(target);
        await GitAsync(Path.GetDirectoryName(Path.GetFullPath(target))!, "clone", "-q", "--no-hardlinks", source, target).ConfigureAwait(false);
        var changed = await GitAsync(source, "ls-files", "-com", "--exclude-standard").ConfigureAwait(false);
        foreach (var file in changed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct())
        {
            var from = Path.Combine(source, file);
            var to = Path.Combine(target, file);
            if (File.Exists(from))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(from, to, overwrite: true);
            }
            else if (File.Exists(to))
            {
                File.Delete(to);
            }
        }

        await GitAsync(target, "config", "user.name", author).ConfigureAwait(false);
        await GitAsync(target, "config", "user.email", "deploy-tests@example.invalid").ConfigureAwait(false);
        await GitAsync(target, "checkout", "-q", "-B", branch).ConfigureAwait(false);
        await GitAsync(target, "add", "-A").ConfigureAwait(false);
        if ((await ProcessRunner.RunAsync("git", ["diff", "--cached", "--quiet"], workingDirectory: target).ConfigureAwait(false)).ExitCode != 0)
        {
            await GitAsync(target, "commit", "-q", "-m", "The working tree under test").ConfigureAwait(false);
        }

        return (await GitAsync(target, "rev-parse", "HEAD").ConfigureAwait(false)).Trim();
    }

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("git", arguments, workingDirectory: directory).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} in {directory}: {result}");
        }

        return result.Stdout;
    }
}
