namespace Deploy.Delivery.Tests.Quality;

/// <summary>The checkout this test runs from, found by walking up to Deploy.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>Where Lint installs its npm tools; the tests reuse that install.</summary>
    public static string ToolsDirectory => System.IO.Path.Combine(Path, ".nuke", "temp", "tools");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Deploy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Deploy.sln not found above " + AppContext.BaseDirectory);
    }
}
