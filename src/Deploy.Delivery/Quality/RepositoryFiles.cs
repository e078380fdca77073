namespace Deploy.Delivery.Quality;

/// <summary>Which files belong to the repository's sources (not build output, tools or temp state).</summary>
internal static class RepositoryFiles
{
    private static readonly string[] GeneratedSegments = ["bin", "obj", "node_modules", ".git", "artifacts", "temp"];

    public static bool IsGenerated(string root, string path) =>
        Path.GetRelativePath(root, path)
            .Split(Path.DirectorySeparatorChar)
            .Any(segment => GeneratedSegments.Contains(segment, StringComparer.Ordinal));
}
