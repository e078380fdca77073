using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Deploy.Delivery.Images;

/// <summary>
/// Everything the service image is made from that is known before publishing: the files of the service project and
/// of the projects it references (sources, project files, lock files, the Dockerfile and .dockerignore, bin/ and obj/
/// left out), the repository-wide build files above them, the publish settings, the build arguments, the labels'
/// sources and the base image's id. Equal hashes mean an equal image, so BuildImage can say "unchanged" without
/// publishing; the hash also names a dirty build (<see cref="SourceRevision.WithContent"/>).
/// </summary>
public sealed partial record ServiceInputs(string Project, string BaseImageId)
{
    /// <summary>The label the image carries its input hash in.</summary>
    public const string Label = "deploy.input-hash";

    // MSBuild and NuGet read these from the project's directory upwards.
    private static readonly string[] SharedFiles =
        ["global.json", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "NuGet.config", "nuget.config"];

    private static readonly HashSet<string> SkippedDirectories = new(["bin", "obj", ".vs", ".idea"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The revision before <see cref="SourceRevision.WithContent"/>: its commit and source become labels.</summary>
    public SourceRevision? Revision { get; init; }

    /// <summary>Publish settings, e.g. the runtime identifier and configuration.</summary>
    public IReadOnlyList<string> PublishArguments { get; init; } = [];

    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>The build arguments the caller chose (those derived from the revision are covered by it).</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>Labels other than those derived from the revision.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string? Version { get; init; }

    /// <summary>SHA-256 over the inputs as lower-case hex; file contents are read, so a touched but unchanged file does not count.</summary>
    public string Hash()
    {
        var root = RepositoryRoot(Project);
        var text = new StringBuilder();
        void Line(string kind, string name, string value) => text.Append(kind).Append(' ').Append(name).Append('=').Append(value).Append('\n');

        // The .NET that publishes: an SDK update may change the output.
        Line("runtime", "dotnet", Environment.Version.ToString());
        foreach (var project in ProjectDirectories(Project))
        {
            foreach (var file in Files(project))
                Line("file", Relative(root, file), FileHash(file));
        }

        for (var directory = new DirectoryInfo(Path.GetFullPath(Project)); directory is not null; directory = directory.Parent)
        {
            foreach (var name in SharedFiles)
            {
                var file = Path.Combine(directory.FullName, name);
                if (File.Exists(file))
                    Line("shared", Relative(root, file), FileHash(file));
            }

            if (directory.FullName == root)
                break;
        }

        foreach (var argument in PublishArguments)
            Line("publish", "arg", argument);
        Line("dockerfile", "path", Dockerfile.Replace('\\', '/'));
        foreach (var (name, value) in BuildArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
            Line("arg", name, value);
        foreach (var (name, value) in Labels.OrderBy(a => a.Key, StringComparer.Ordinal))
            Line("label", name, value);
        Line("revision", "commit", Revision?.Commit ?? "-");
        Line("revision", "source", Revision?.SourceUrl ?? "-");
        Line("version", "value", Version ?? "-");
        Line("base", "id", BaseImageId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The project's directory and those of the projects it references, transitively, in a stable order.</summary>
    internal static IReadOnlyList<string> ProjectDirectories(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([Path.GetFullPath(project)]);
        while (queue.TryDequeue(out var directory))
        {
            if (!seen.Add(directory) || !Directory.Exists(directory))
                continue;
            foreach (var file in Directory.EnumerateFiles(directory, "*.*proj"))
            {
                foreach (Match reference in ProjectReference().Matches(File.ReadAllText(file)))
                {
                    var path = Path.GetFullPath(Path.Combine(directory, reference.Groups[1].Value.Replace('\\', '/')));
                    queue.Enqueue(Path.GetDirectoryName(path)!);
                }
            }
        }

        return [.. seen];
    }

    private static IEnumerable<string> Files(string directory)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 })
            .OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo sub)
            {
                if (SkippedDirectories.Contains(sub.Name) || sub.LinkTarget is not null)
                    continue;
                foreach (var file in Files(sub.FullName))
                    yield return file;
            }
            else
            {
                yield return entry.FullName;
            }
        }
    }

    private static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    // The nearest directory above the project with a .git entry, else the project's parent: paths are hashed
    // relative to it, so two clones of one commit agree.
    private static string RepositoryRoot(string project)
    {
        var start = new DirectoryInfo(Path.GetFullPath(project));
        for (var directory = start; directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, ".git")) || File.Exists(Path.Combine(directory.FullName, ".git")))
                return directory.FullName;
        }

        return start.Parent?.FullName ?? start.FullName;
    }

    [GeneratedRegex("<ProjectReference\\s+Include=\"([^\"]+)\"")]
    private static partial Regex ProjectReference();
}
