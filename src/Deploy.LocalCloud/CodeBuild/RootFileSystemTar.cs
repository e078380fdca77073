using System.Formats.Tar;
using System.Text;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// Writes host files into a root file system tar, each under its real directory (Debian's merged <c>/usr</c>:
/// <c>/bin -> usr/bin</c> is written as the link it is), with fixed times so the same content gives the same bytes.
/// </summary>
internal sealed class RootFileSystemTar(Stream output) : IDisposable
{
    private const UnixFileMode Directory755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode File644 = (UnixFileMode)0b110_100_100;

    private readonly TarWriter tar = new(output, TarEntryFormat.Gnu, leaveOpen: true);
    private readonly HashSet<string> written = new(StringComparer.Ordinal);

    public void AddHostTree(string path)
    {
        AddHostPath(path);
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
        {
            var everything = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
            foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", everything).Order(StringComparer.Ordinal))
            {
                AddHostPath(entry);
            }
        }
    }

    public void AddHostPath(string path)
    {
        var file = new FileInfo(path);
        if (file.LinkTarget is { } target)
        {
            AddLink(path, target);
        }
        else if (file.Exists)
        {
            using var content = File.OpenRead(path);
            Add(new GnuTarEntry(TarEntryType.RegularFile, EntryName(path)) { Mode = OperatingSystem.IsWindows() ? File644 : File.GetUnixFileMode(path), DataStream = content });
        }
        else if (Directory.Exists(path))
        {
            AddDirectory(path, Directory755);
        }

        // Otherwise dpkg's path excludes (docs, locales) left a listed file out on this host.
    }

    public void AddFile(string path, string content, UnixFileMode mode = File644)
    {
        using var data = new MemoryStream(Encoding.UTF8.GetBytes(content));
        Add(new GnuTarEntry(TarEntryType.RegularFile, EntryName(path)) { Mode = mode, DataStream = data });
    }

    public void AddLink(string path, string target) =>
        Add(new GnuTarEntry(TarEntryType.SymbolicLink, EntryName(path)) { LinkName = target });

    public void AddDirectory(string path, UnixFileMode mode) =>
        Add(new GnuTarEntry(TarEntryType.Directory, EntryName(path)) { Mode = mode });

    public void Dispose() => tar.Dispose();

    private void Add(GnuTarEntry entry)
    {
        entry.ModificationTime = entry.AccessTime = entry.ChangeTime = DateTimeOffset.UnixEpoch;
        if (written.Add(entry.Name))
        {
            tar.WriteEntry(entry);
        }
    }

    private string EntryName(string path) =>
        Path.Combine(RealDirectory(Path.GetDirectoryName(path) ?? "/"), Path.GetFileName(path)).TrimStart('/');

    private string RealDirectory(string directory)
    {
        if (directory == "/")
        {
            return directory;
        }

        var parent = RealDirectory(Path.GetDirectoryName(directory)!);
        var current = Path.Combine(parent, Path.GetFileName(directory));
        if (new DirectoryInfo(current).LinkTarget is { } target)
        {
            Add(new GnuTarEntry(TarEntryType.SymbolicLink, current.TrimStart('/')) { LinkName = target });
            return RealDirectory(Path.GetFullPath(target, parent));
        }

        Add(new GnuTarEntry(TarEntryType.Directory, current.TrimStart('/')) { Mode = Directory755 });
        return current;
    }
}
