using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>One cached directory: where it lives on the host and where the build sees it.</summary>
internal sealed record CacheMount(string HostDirectory, string ContainerPath);

/// <summary>
/// A project's LOCAL cache in <c>LOCAL_CUSTOM_CACHE</c> mode, as CodeBuild documents it: the directories the buildspec
/// names under <c>cache/paths</c> are kept on the build host between builds of the project and linked into each build
/// before its source is downloaded; only directories are cached, and a source item of the same name wins. Here the
/// "build host" is the local cloud's state directory (<c>codebuild/cache/&lt;project&gt;</c>) and the link is a bind mount.
/// </summary>
internal static class BuildCache
{
    public const string CustomMode = "LOCAL_CUSTOM_CACHE";

    /// <summary>The project's cache as the build records it (NO_CACHE when the project has none).</summary>
    public static JsonObject Of(JsonObject project) =>
        project["cache"]?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "NO_CACHE" };

    /// <summary>True when the cache keeps the buildspec's paths (type LOCAL with the custom mode).</summary>
    public static bool KeepsPaths(JsonObject? cache) =>
        cache?["type"]?.GetValue<string>() == "LOCAL"
        && (cache["modes"] as JsonArray ?? []).Any(m => m?.GetValue<string>() == CustomMode);

    /// <summary>Where a project's cached directories live on the host.</summary>
    public static string ProjectDirectory(string codeBuildRoot, string projectName) => Path.Combine(codeBuildRoot, "cache", projectName);

    /// <summary>
    /// The mounts for the buildspec's cache paths (relative ones are relative to the source directory), and one log line
    /// per path that is linked or left out, with why.
    /// </summary>
    public static (IReadOnlyList<CacheMount> Mounts, IReadOnlyList<string> Notes) Mounts(
        JsonObject? cache, IReadOnlyList<string> paths, string projectDirectory, string hostSource, string containerSource)
    {
        var mounts = new List<CacheMount>();
        var notes = new List<string>();
        if (paths.Count == 0)
        {
            return (mounts, notes);
        }

        if (!KeepsPaths(cache))
        {
            var type = cache?["type"]?.GetValue<string>() ?? "NO_CACHE";
            if (type != "NO_CACHE")
            {
                notes.Add(type == "S3"
                    ? "Warning: the project's S3 cache is not supported by the local cloud; cache/paths are not kept"
                    : $"Warning: cache/paths are kept only with the {CustomMode} mode of a LOCAL cache; this project's cache has not got it");
            }

            return (mounts, notes);
        }

        foreach (var written in paths)
        {
            var directory = DirectoryOf(written);
            if (directory is null)
            {
                notes.Add($"Warning: cache path '{written}' is not a directory: only directories can be cached locally");
                continue;
            }

            string containerPath;
            if (directory.StartsWith('/'))
            {
                containerPath = directory;
            }
            else
            {
                var full = Path.GetFullPath(Path.Combine(hostSource, directory));
                if (!full.StartsWith(hostSource.TrimEnd('/') + "/", StringComparison.Ordinal))
                {
                    notes.Add($"Warning: cache path '{written}' leaves the source directory; it is not cached");
                    continue;
                }

                if (Directory.Exists(full) || File.Exists(full))
                {
                    notes.Add($"Cache path '{written}' is in the source; the source's copy is used");
                    continue;
                }

                containerPath = containerSource.TrimEnd('/') + "/" + Path.GetRelativePath(hostSource, full);
            }

            if (mounts.Any(m => m.ContainerPath == containerPath))
            {
                continue;
            }

            var host = Directory.CreateDirectory(Path.Combine(projectDirectory, Key(directory))).FullName;
            mounts.Add(new CacheMount(host, containerPath));
            notes.Add($"Linking local cache for {directory}");
        }

        return (mounts, notes);
    }

    /// <summary>The directory a cache path names (<c>dir/**/*</c>, <c>dir/*</c>, <c>dir/</c> and <c>dir</c> all name
    /// <c>dir</c>), or null when what is left still has a wildcard.</summary>
    public static string? DirectoryOf(string path)
    {
        var trimmed = path.Trim();
        foreach (var suffix in new[] { "/**/*", "/**", "/*" })
        {
            if (trimmed.EndsWith(suffix, StringComparison.Ordinal))
            {
                trimmed = trimmed[..^suffix.Length];
                break;
            }
        }

        trimmed = trimmed.TrimEnd('/');
        if (trimmed.StartsWith("./", StringComparison.Ordinal))
        {
            trimmed = trimmed[2..];
        }

        return trimmed.Length == 0 || trimmed.IndexOfAny(['*', '?', '[', '{']) >= 0 ? null : trimmed;
    }

    // A stable folder name per cached directory, whatever characters it has.
    private static string Key(string directory) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..16];
}
