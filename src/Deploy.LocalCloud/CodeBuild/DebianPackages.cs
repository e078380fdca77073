using System.Text.RegularExpressions;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>One installed Debian package as <c>/var/lib/dpkg/status</c> describes it.</summary>
internal sealed record DebianPackage(string Name, string Version, string Architecture, bool Essential, IReadOnlyList<string> Depends, IReadOnlyList<string> Provides)
{
    /// <summary>The package's stanza of <c>/var/lib/dpkg/status</c>, as the host has it.</summary>
    public string StatusStanza { get; init; } = string.Empty;
}

/// <summary>
/// The host's installed Debian packages and the dependency closure of a chosen few: what the local build image is made
/// from, so that it needs no registry (the same idea as the service's offline runtime base, with dependencies followed).
/// </summary>
internal sealed partial class DebianPackages
{
    private const string StatusFile = "/var/lib/dpkg/status";
    private const string InfoDirectory = "/var/lib/dpkg/info";

    private readonly Dictionary<string, DebianPackage> installed;
    private readonly Dictionary<string, string> providers;

    private DebianPackages(Dictionary<string, DebianPackage> installed)
    {
        this.installed = installed;
        providers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var package in installed.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            foreach (var virtualName in package.Provides)
            {
                providers.TryAdd(virtualName, package.Name);
            }
        }
    }

    public IReadOnlyCollection<DebianPackage> Installed => installed.Values;

    public static DebianPackages ReadHost()
    {
        if (!File.Exists(StatusFile))
        {
            throw new InvalidOperationException($"No {StatusFile}: the local CodeBuild image is made from the host's Debian packages and needs a Debian host.");
        }

        var packages = new Dictionary<string, DebianPackage>(StringComparer.Ordinal);
        foreach (var stanza in File.ReadAllText(StatusFile).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = Fields(stanza);
            if (fields.GetValueOrDefault("Status") is not { } status || !status.EndsWith(" installed", StringComparison.Ordinal) || !fields.TryGetValue("Package", out var name))
            {
                continue;
            }

            var depends = string.Join(", ", new[] { fields.GetValueOrDefault("Pre-Depends"), fields.GetValueOrDefault("Depends") }.Where(d => !string.IsNullOrWhiteSpace(d)));
            packages[name] = new DebianPackage(
                name,
                fields.GetValueOrDefault("Version", string.Empty),
                fields.GetValueOrDefault("Architecture", string.Empty),
                fields.GetValueOrDefault("Essential") == "yes",
                Split(depends),
                Split(fields.GetValueOrDefault("Provides", string.Empty)).Select(p => VersionConstraint().Replace(p, string.Empty).Trim()).ToList())
            {
                StatusStanza = stanza.Trim('\n'),
            };
        }

        return new DebianPackages(packages);
    }

    public bool IsInstalled(string name) => installed.ContainsKey(name);

    /// <summary>The packages and everything they depend on (first installed alternative of each group), by name.</summary>
    public IReadOnlyList<DebianPackage> Closure(IEnumerable<string> roots)
    {
        var result = new SortedDictionary<string, DebianPackage>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.TryPop(out var name))
        {
            if (result.ContainsKey(name) || !installed.TryGetValue(name, out var package))
            {
                continue;
            }

            result[name] = package;
            foreach (var group in package.Depends)
            {
                var chosen = group.Split('|')
                    .Select(alternative => VersionConstraint().Replace(alternative, string.Empty).Trim().Split(':')[0])
                    .Select(alternative => installed.ContainsKey(alternative) ? alternative : providers.GetValueOrDefault(alternative))
                    .FirstOrDefault(alternative => alternative is not null);
                if (chosen is not null)
                {
                    pending.Push(chosen);
                }
            }
        }

        return [.. result.Values];
    }

    /// <summary>The files a package installed (multi-arch packages list theirs as <c>name:arch.list</c>).</summary>
    public static IEnumerable<string> Files(DebianPackage package)
    {
        var list = FileList(package);
        return list is null ? [] : File.ReadLines(list).Where(p => p != "/.");
    }

    /// <summary>dpkg's list of the package's files on the host (<c>/var/lib/dpkg/info/&lt;name&gt;[:arch].list</c>), if any.</summary>
    public static string? FileList(DebianPackage package) =>
        new[] { Path.Combine(InfoDirectory, $"{package.Name}.list"), Path.Combine(InfoDirectory, $"{package.Name}:{package.Architecture}.list") }
            .FirstOrDefault(File.Exists);

    /// <summary>A <c>/var/lib/dpkg/status</c> that lists exactly these packages.</summary>
    public static string StatusFileOf(IEnumerable<DebianPackage> packages) =>
        string.Concat(packages.Select(p => p.StatusStanza + "\n\n"));

    private static Dictionary<string, string> Fields(string stanza)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? last = null;
        foreach (var line in stanza.Split('\n'))
        {
            if (line.StartsWith(' ') && last is not null)
            {
                fields[last] += "\n" + line;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                last = line[..colon];
                fields[last] = line[(colon + 1)..].Trim();
            }
        }

        return fields;
    }

    private static List<string> Split(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    [GeneratedRegex(@"\s*\(.*?\)")]
    private static partial Regex VersionConstraint();
}
