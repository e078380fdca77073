using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>
/// The Docker CLI with a private config directory, so logins of tests never touch the user's. Images it
/// imported are removed by id on dispose, with every tag and registry digest that points at them.
/// </summary>
public sealed class DockerCli : IAsyncDisposable
{
    private readonly TempDirectory config = new();
    private readonly List<string> importedImageIds = [];

    public Task<ProcessResult> RunAsync(string[] arguments, string? stdin = null) =>
        ProcessRunner.RunAsync("docker", arguments, new Dictionary<string, string> { ["DOCKER_CONFIG"] = config.Path }, stdin, TimeSpan.FromMinutes(3));

    public async Task<ProcessResult> MustRunAsync(string[] arguments, string? stdin = null)
    {
        var result = await RunAsync(arguments, stdin);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    /// <summary>
    /// A tiny image made offline: Debian's static busybox in an otherwise empty root file system
    /// (<c>docker import</c>), so no registry on the internet is needed. The marker varies the content.
    /// </summary>
    public async Task<string> ImportTinyImageAsync(string tag, string marker)
    {
        Assert.True(File.Exists("/bin/busybox"), "busybox-static is needed: apt-get install -y busybox-static");
        using var root = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(root.Path, "bin"));
        File.Copy("/bin/busybox", Path.Combine(root.Path, "bin", "busybox"));
        await File.WriteAllTextAsync(Path.Combine(root.Path, "marker.txt"), marker);
        var tar = Path.Combine(root.Path, "..", Path.GetFileName(root.Path) + ".tar");
        var packed = await ProcessRunner.RunAsync("tar", ["-C", root.Path, "-cf", tar, "."]);
        Assert.True(packed.ExitCode == 0, packed.ToString());
        try
        {
            var imported = await MustRunAsync(["import", "-c", "CMD [\"/bin/busybox\",\"cat\",\"/marker.txt\"]", tar, tag]);
            importedImageIds.Add(imported.Stdout.Trim());
        }
        finally
        {
            File.Delete(tar);
        }

        return tag;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in importedImageIds)
        {
            await RunAsync(["rmi", "--force", id]);
        }

        config.Dispose();
    }
}
