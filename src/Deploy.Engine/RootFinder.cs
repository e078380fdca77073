namespace Deploy.Engine;

/// <summary>Finds the build root: <c>--root</c>, else the nearest ancestor containing <c>.nuke/</c>, else the working directory.</summary>
internal static class RootFinder
{
    public static string Find(string? rootOption, string workingDirectory)
    {
        if (rootOption is not null)
        {
            var root = Path.GetFullPath(rootOption, workingDirectory);
            return Directory.Exists(root) ? root : throw new BuildConfigurationException($"Option --root: directory '{root}' does not exist.");
        }

        for (var directory = new DirectoryInfo(workingDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, ".nuke")))
                return directory.FullName;
        }

        return Path.GetFullPath(workingDirectory);
    }
}
