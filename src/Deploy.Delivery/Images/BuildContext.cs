using System.Formats.Tar;
using System.Security.Cryptography;

namespace Deploy.Delivery.Images;

/// <summary>
/// A Docker build context: the files of a directory that <c>.dockerignore</c> lets through, walked the way the
/// docker CLI walks it, written as a tar whose bytes depend only on names, modes and contents (fixed owner and
/// times), so its hash says whether anything the build sees changed.
/// </summary>
internal sealed class BuildContext
{
    private const UnixFileMode DefaultFileMode = (UnixFileMode)0b110_100_100;
    private const UnixFileMode DefaultDirectoryMode = (UnixFileMode)0b111_101_101;

    private BuildContext(string directory, IReadOnlyList<string> paths, string dockerfile, bool dockerfileIgnored)
    {
        Directory = directory;
        Paths = paths;
        Dockerfile = dockerfile;
        DockerfileIgnored = dockerfileIgnored;
    }

    public string Directory { get; }

    /// <summary>The entries sent, relative with <c>/</c>, in walk order (directories before their contents).</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>The Dockerfile's path in the context, relative with <c>/</c>.</summary>
    public string Dockerfile { get; }

    /// <summary>True when <c>.dockerignore</c> names the Dockerfile: it is sent, but COPY does not see it.</summary>
    public bool DockerfileIgnored { get; }

    /// <summary>
    /// Selects what the CLI would send for <paramref name="dockerfile"/> (relative to the context): the Dockerfile
    /// and <c>.dockerignore</c> always go, the engine itself drops them from COPY when they are ignored.
    /// </summary>
    public static BuildContext Select(string directory, string dockerfile = "Dockerfile")
    {
        var path = DockerIgnore.CleanPath(dockerfile.Replace('\\', '/'));
        var rules = DockerIgnore.Load(directory);
        var ignore = rules.Keeping(DockerIgnore.FileName).Keeping(path);
        var paths = new List<string>();
        Walk(new DirectoryInfo(directory), "", null, ignore, paths);
        return new BuildContext(directory, paths, path, rules.IsIgnored(path));
    }

    /// <summary>
    /// Names, sizes and modification times of the entries: equal before and after reading them means nothing changed
    /// meanwhile.
    /// </summary>
    public string Snapshot() => string.Join('\n', Paths.Select(path =>
    {
        var info = new FileInfo(Path.Combine(Directory, path));
        return info.Exists ? $"{path} {info.Length} {info.LastWriteTimeUtc.Ticks}" : $"{path} -";
    }));

    /// <summary>
    /// Writes the tar to <paramref name="output"/> and returns its SHA-256 as lower-case hex; with
    /// <paramref name="dockerfile"/>, that text is sent as the Dockerfile instead of the file's content.
    /// </summary>
    public async Task<string> WriteAsync(Stream output, CancellationToken cancellationToken, string? dockerfile = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var hashing = new HashingStream(output, hash))
        await using (var tar = new TarWriter(hashing, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var path in Paths)
            {
                var entry = Entry(path);
                if (dockerfile is not null && path == Dockerfile && entry.DataStream is { } original)
                {
                    await original.DisposeAsync();
                    entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(dockerfile));
                }

                await using (entry.DataStream)
                    await tar.WriteEntryAsync(entry, cancellationToken);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private GnuTarEntry Entry(string path)
    {
        var fullPath = Path.Combine(Directory, path);
        var info = new FileInfo(fullPath);
        GnuTarEntry entry;
        if (info.LinkTarget is { } target)
        {
            entry = new GnuTarEntry(TarEntryType.SymbolicLink, path) { LinkName = target };
        }
        else if (info.Attributes.HasFlag(FileAttributes.Directory))
        {
            entry = new GnuTarEntry(TarEntryType.Directory, path + "/") { Mode = ModeOf(fullPath, DefaultDirectoryMode) };
        }
        else
        {
            entry = new GnuTarEntry(TarEntryType.RegularFile, path) { Mode = ModeOf(fullPath, DefaultFileMode), DataStream = File.OpenRead(fullPath) };
        }

        entry.ModificationTime = entry.AccessTime = entry.ChangeTime = DateTimeOffset.UnixEpoch;
        entry.Uid = entry.Gid = 0;
        return entry;
    }

    private static UnixFileMode ModeOf(string path, UnixFileMode fallback) =>
        OperatingSystem.IsWindows() ? fallback : File.GetUnixFileMode(path);

    // The CLI's archiver (moby/go-archive TarWithOptions) with the patterns from .dockerignore.
    private static void Walk(DirectoryInfo directory, string relative, IgnoreMatch? parent, DockerIgnore ignore, List<string> paths)
    {
        var entries = directory.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
            .OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            var isDirectory = entry is DirectoryInfo && entry.LinkTarget is null;
            var match = ignore.Match(path, parent);
            if (!match.Ignored)
                paths.Add(path);
            else if (!isDirectory || !ignore.MayKeepSomethingUnder(path))
                continue;
            if (isDirectory)
                Walk((DirectoryInfo)entry, path, match, ignore, paths);
        }
    }

    // Hashes exactly the bytes that reach the output.
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
