using System.Formats.Tar;
using System.Text;

namespace Deploy.Delivery.Images;

/// <summary>
/// Writes a minimal glibc root file system as a tar stream: the host's installed Debian packages that a
/// self-contained .NET app needs (the runtime-deps package set), plus the few files their maintainer scripts
/// or a base system would have made.
/// </summary>
internal static class DebianRootFileSystem
{
    // runtime-deps' packages less libicu (the repository builds with InvariantGlobalization), plus the shell and basic
    // utilities its Debian base has, so shell-form RUN steps in a user's Dockerfile work: dash is /bin/sh.
    public static readonly IReadOnlyList<string> Packages =
    [
        "libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libssl3", "ca-certificates", "tzdata",
        "dash", "bash", "coreutils", "sed", "grep", "findutils",
        "libacl1", "libattr1", "libgmp10", "libselinux1", "libpcre2-8-0", "libtinfo6",
    ];

    // Bumped when Write changes what it adds beyond the host's files, so HostStamp changes with it.
    private const string RecipeVersion = "2";

    // Made by update-ca-certificates or base-files, so in no package's file list.
    private static readonly string[] HostExtras = ["/etc/ssl/certs", "/etc/os-release", "/usr/lib/os-release"];

    private static readonly string[] SkippedPrefixes = ["/usr/share/doc/", "/usr/share/man/", "/usr/share/lintian/", "/usr/share/info/"];

    private const string DpkgInfo = "/var/lib/dpkg/info";
    private const UnixFileMode Directory755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode File644 = (UnixFileMode)0b110_100_100;
    private const int AppUid = 1654;

    public static void Write(Stream output)
    {
        using var writer = new RootFileSystemWriter(output);
        foreach (var package in Packages)
        {
            foreach (var path in File.ReadLines(PackageFileList(package)).Where(p => p != "/." && !SkippedPrefixes.Any(s => p.StartsWith(s, StringComparison.Ordinal))))
                writer.AddHostPath(path);
        }

        foreach (var path in HostExtras)
            writer.AddHostTree(path);

        // Same user and group as Microsoft's images, so USER 1654 has a name and a home.
        writer.AddFile("/etc/passwd", $"root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:{AppUid}:{AppUid}:app:/home/app:/usr/sbin/nologin\n");
        writer.AddFile("/etc/group", $"root:x:0:\napp:x:{AppUid}:\n");
        writer.AddFile("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n");
        writer.AddLink("/etc/localtime", "/usr/share/zoneinfo/Etc/UTC");
        writer.AddDirectory("/tmp", Directory755 | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);
        writer.AddDirectory("/home/app", Directory755, AppUid);
    }

    /// <summary>
    /// A cheap fingerprint of what <see cref="Write"/> would produce: the package file lists' and the extra host
    /// files' paths, sizes and modification times (dpkg rewrites a package's list whenever it installs it), without
    /// reading the tens of megabytes the tar holds.
    /// </summary>
    public static string HostStamp()
    {
        var stamp = new System.Text.StringBuilder(RecipeVersion).Append('\n');
        void Add(FileSystemInfo info) =>
            stamp.Append(info.FullName).Append(' ').Append(info is FileInfo { Exists: true } file && file.LinkTarget is null ? file.Length : 0)
                .Append(' ').Append(info.Exists ? info.LastWriteTimeUtc.Ticks : 0).Append(' ').Append(info.LinkTarget).Append('\n');
        foreach (var package in Packages)
            Add(new FileInfo(PackageFileList(package)));
        foreach (var path in HostExtras)
        {
            var directory = new DirectoryInfo(path);
            Add(directory.Exists ? directory : new FileInfo(path));
            if (directory.Exists && directory.LinkTarget is null)
            {
                foreach (var entry in directory.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                    .OrderBy(e => e.FullName, StringComparer.Ordinal))
                    Add(entry);
            }
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(stamp.ToString())));
    }

    // Multi-arch packages (libc6 ...) list their files as "<name>:<arch>.list".
    private static string PackageFileList(string package)
    {
        string[] candidates = Directory.Exists(DpkgInfo) ? [Path.Combine(DpkgInfo, $"{package}.list"), .. Directory.EnumerateFiles(DpkgInfo, $"{package}:*.list")] : [];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"Debian package {package} is not installed on this host (no {DpkgInfo}/{package}.list); the local base image needs a Debian host.");
    }

    private sealed class RootFileSystemWriter(Stream output) : IDisposable
    {
        private readonly TarWriter _tar = new(output, TarEntryFormat.Gnu, leaveOpen: true);
        private readonly HashSet<string> _written = [];

        public void AddHostTree(string path)
        {
            AddHostPath(path);
            if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
            {
                var everything = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
                foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", everything).Order(StringComparer.Ordinal))
                    AddHostPath(entry);
            }
        }

        public void AddHostPath(string path)
        {
            var file = new FileInfo(path);
            if (file.LinkTarget is { } target)
                AddLink(path, target);
            else if (file.Exists)
                AddFile(path, File.OpenRead(path), OperatingSystem.IsWindows() ? File644 : File.GetUnixFileMode(path));
            else if (Directory.Exists(path))
                AddDirectory(path, Directory755);
            // Otherwise dpkg's path-excludes (docs, locales) left a listed file out on this slim host.
        }

        public void AddFile(string path, string content) => AddFile(path, new MemoryStream(Encoding.UTF8.GetBytes(content)), File644);

        public void AddLink(string path, string target) =>
            Add(new GnuTarEntry(TarEntryType.SymbolicLink, EntryName(path)) { LinkName = target });

        public void AddDirectory(string path, UnixFileMode mode, int uid = 0) =>
            Add(new GnuTarEntry(TarEntryType.Directory, EntryName(path)) { Mode = mode, Uid = uid, Gid = uid });

        public void Dispose() => _tar.Dispose();

        private void AddFile(string path, Stream content, UnixFileMode mode)
        {
            using (content)
                Add(new GnuTarEntry(TarEntryType.RegularFile, EntryName(path)) { Mode = mode, DataStream = content });
        }

        private void Add(GnuTarEntry entry)
        {
            // Fixed times (and GNU rather than PAX headers, which embed the process id) keep the stream, and so
            // the recipe label hashed from it, the same until the content changes.
            entry.ModificationTime = entry.AccessTime = entry.ChangeTime = DateTimeOffset.UnixEpoch;
            if (_written.Add(entry.Name))
                _tar.WriteEntry(entry);
        }

        private string EntryName(string path) =>
            Path.Combine(RealDirectory(Path.GetDirectoryName(path)!), Path.GetFileName(path)).TrimStart('/');

        // Where a host directory really is, writing it and every link met on the way first (Debian's merged
        // /usr: /lib -> usr/lib), so entries land under real directories as on the host.
        private string RealDirectory(string directory)
        {
            if (directory == "/")
                return directory;
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
}
