namespace Deploy.Delivery.Quality;

/// <summary>Which files belong to the repository's sources (not build output, tools or temp state).</summary>
internal static class RepositoryFiles
{
    // .gitlab-ci-local holds gitlab-ci-local's state and copies of the repository for the jobs it ran; .nuget is where
    // .gitlab-ci.yml's jobs keep (and cache) the NuGet packages, other projects' files.
    private static readonly string[] GeneratedSegments = ["bin", "obj", "node_modules", ".git", "artifacts", "temp", ".gitlab-ci-local", ".nuget"];

    public static bool IsGenerated(string root, string path) =>
        Path.GetRelativePath(root, path)
            .Split(Path.DirectorySeparatorChar)
            .Any(segment => GeneratedSegments.Contains(segment, StringComparer.Ordinal));
}
