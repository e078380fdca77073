using System.Formats.Tar;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Tests.Images;

/// <summary>
/// A throw-away base image with a shell, imported from the host's static busybox (no registry needed), for
/// Dockerfiles whose RUN steps must run. Removed after the tests of the class.
/// </summary>
public sealed class BusyboxImage : IAsyncLifetime
{
    private static readonly string[] Applets = ["sh", "echo", "ls", "find", "cat", "false", "true", "wget"];

    public string Image { get; } = $"deploy-test/busybox:{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        using var docker = Tools.CreateDockerClient();
        using var rootFileSystem = new MemoryStream();
        using (var tar = new TarWriter(rootFileSystem, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)Convert.ToInt32("755", 8) });
            tar.WriteEntry("/usr/bin/busybox", "bin/busybox");
            foreach (var applet in Applets)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = (UnixFileMode)Convert.ToInt32("1777", 8) });
        }

        rootFileSystem.Position = 0;
        var colon = Image.LastIndexOf(':');
        var import = new ImagesCreateParameters { FromSrc = "-", Repo = Image[..colon], Tag = Image[(colon + 1)..], Changes = ["ENV PATH=/bin"] };
        await docker.Images.CreateImageAsync(import, rootFileSystem, null, new Progress<JSONMessage>());
    }

    public async Task DisposeAsync()
    {
        using var docker = Tools.CreateDockerClient();
        var id = (await docker.Images.InspectImageAsync(Image)).ID;
        await RemoveWithDescendantsAsync(docker, id, await docker.Images.ListImagesAsync(new ImagesListParameters { All = true }));
    }

    // A failed build leaves its cached steps as untagged children; removing only the base would leave them dangling.
    private static async Task RemoveWithDescendantsAsync(Docker.DotNet.DockerClient docker, string id, IList<ImagesListResponse> all)
    {
        foreach (var child in all.Where(image => image.ParentID == id))
            await RemoveWithDescendantsAsync(docker, child.ID, all);
        await docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true }).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
