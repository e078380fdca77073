namespace Deploy.Delivery.Tests.Quality;

/// <summary>A throw-away folder with files written by the test, deleted afterwards.</summary>
internal sealed class TempRepository : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("deploy-lint-").FullName;

    public TempRepository Write(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"));
        return this;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
