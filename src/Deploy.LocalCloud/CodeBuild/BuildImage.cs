using System.Security.Cryptography;
using System.Text;
using Deploy.LocalCloud.Docker;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// The image a build runs in. <c>aws/codebuild/*</c> (AWS's curated images, which cannot be pulled here) maps to a local
/// build image made offline from the host's Debian packages with their dependency closure — bash, git, curl, CA
/// certificates, the Docker CLI — imported through the Docker API and tagged with a recipe label, so it is made once per
/// host and again only when the host's packages change. The .NET SDK is not in it: the host's is mounted (BuildContainer).
/// Any other image name is used as given (pulled when missing).
/// </summary>
internal sealed class BuildImage(DockerEngine docker) : IDisposable
{
    public const string CuratedPrefix = "aws/codebuild/";
    public const string LocalRepository = "deploy-local/codebuild-standard";
    public const string RecipeLabel = "deploy.codebuild-image.recipe";

    /// <summary>What our buildspec needs from the standard image; the build image cannot be made without them.</summary>
    public static readonly IReadOnlyList<string> RequiredPackages = ["bash", "git", "curl", "ca-certificates"];

    /// <summary>Taken when the host has them: the .NET SDK's native dependencies and common tools of the standard image.</summary>
    public static readonly IReadOnlyList<string> OptionalPackages =
        ["libicu72", "libssl3", "zlib1g", "libstdc++6", "libgcc-s1", "tzdata", "zip", "unzip", "xz-utils", "jq", "less", "make", "procps", "openssh-client"];

    // Not in any package's file list: made by maintainer scripts (certificates, alternatives, the dash diversion).
    private static readonly string[] HostExtras = ["/etc/ssl/certs", "/etc/alternatives", "/etc/os-release", "/usr/lib/os-release", "/usr/bin/sh", "/usr/bin/docker"];

    private static readonly string[] SkippedPrefixes = ["/usr/share/doc/", "/usr/share/man/", "/usr/share/info/", "/usr/share/lintian/", "/usr/share/locale/"];

    private static readonly string[] Config =
    [
        "ENV PATH=/usr/share/dotnet:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 HOME=/root LANG=C.UTF-8",
        "WORKDIR /codebuild",
    ];

    private readonly SemaphoreSlim gate = new(1, 1);
    private string? localTag;

    public static bool IsCurated(string image) => image.StartsWith(CuratedPrefix, StringComparison.Ordinal);

    /// <summary>The image to run for <paramref name="requested"/>, and a note saying what was done (for the build log).</summary>
    public async Task<(string Image, string Note)> ResolveAsync(string requested, AuthConfig? auth, CancellationToken cancellationToken)
    {
        if (IsCurated(requested))
        {
            var (tag, made) = await EnsureLocalAsync(cancellationToken);
            return (tag, made is null ? $"{requested} runs as {tag} (the local build image)" : $"{requested} runs as {tag}, {made}");
        }

        if (await InspectAsync(requested, cancellationToken) is null)
        {
            await docker.PullAsync(requested, auth, cancellationToken);
            return (requested, $"pulled {requested}");
        }

        return (requested, $"{requested} is present in the Docker engine");
    }

    /// <summary>Makes the local build image unless an image with the same recipe exists; returns its tag and, when made, how long it took.</summary>
    public async Task<(string Tag, string? Made)> EnsureLocalAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (localTag is not null)
            {
                return (localTag, null);
            }

            var packages = DebianPackages.ReadHost();
            var missing = RequiredPackages.Where(p => !packages.IsInstalled(p)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"The local CodeBuild image needs these Debian packages on the host: {string.Join(", ", missing)} (apt-get install -y {string.Join(' ', missing)}).");
            }

            var roots = packages.Installed.Where(p => p.Essential).Select(p => p.Name).Concat(RequiredPackages).Concat(OptionalPackages.Where(packages.IsInstalled));
            var closure = packages.Closure(roots);
            var recipe = Recipe(closure);
            var tag = $"{LocalRepository}:{recipe[..12]}";
            var existing = await InspectAsync(tag, cancellationToken);
            if (existing?.Config?.Labels is { } labels && labels.TryGetValue(RecipeLabel, out var label) && label == recipe)
            {
                localTag = tag;
                return (tag, null);
            }

            var started = System.Diagnostics.Stopwatch.StartNew();
            await ImportAsync(closure, tag, recipe, cancellationToken);
            localTag = tag;
            return (tag, $"made from {closure.Count} host Debian packages in {started.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ImportAsync(IReadOnlyList<DebianPackage> closure, string tag, string recipe, CancellationToken cancellationToken)
    {
        var temp = Path.GetTempFileName();
        try
        {
            await using (var rootFileSystem = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                WriteRootFileSystem(closure, rootFileSystem);
                rootFileSystem.Position = 0;
                var errors = new LastError();
                var (repository, reference) = DockerEngine.SplitReference(tag);
                var import = new ImagesCreateParameters { FromSrc = "-", Repo = repository, Tag = reference, Changes = [.. Config, $"LABEL {RecipeLabel}={recipe}"] };
                await docker.Client.Images.CreateImageAsync(import, rootFileSystem, null, errors, cancellationToken);
                if (errors.Message is { } error)
                {
                    throw new InvalidOperationException($"Importing the local CodeBuild image {tag} failed: {error}");
                }
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static void WriteRootFileSystem(IReadOnlyList<DebianPackage> closure, Stream output)
    {
        using var tar = new RootFileSystemTar(output);
        foreach (var package in closure)
        {
            foreach (var path in DebianPackages.Files(package).Where(p => !SkippedPrefixes.Any(s => p.StartsWith(s, StringComparison.Ordinal))))
            {
                tar.AddHostPath(path);
            }
        }

        foreach (var path in HostExtras)
        {
            tar.AddHostTree(path);
        }

        // dpkg's database of what the image holds, as a Debian image has it: tools that read it (BuildImage making the
        // service's offline runtime base from installed packages, dpkg -l, apt) see the image's packages.
        foreach (var list in closure.Select(DebianPackages.FileList).OfType<string>())
        {
            tar.AddHostPath(list);
        }

        tar.AddFile("/var/lib/dpkg/status", DebianPackages.StatusFileOf(closure));
        tar.AddFile("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        tar.AddFile("/etc/group", "root:x:0:\nnogroup:x:65534:\n");
        tar.AddFile("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n");
        tar.AddLink("/etc/localtime", "/usr/share/zoneinfo/Etc/UTC");
        tar.AddLink("/usr/bin/dotnet", "/usr/share/dotnet/dotnet");
        tar.AddDirectory("/tmp", (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        tar.AddDirectory("/root", (UnixFileMode)0b111_000_000);
        tar.AddDirectory("/usr/share/dotnet", (UnixFileMode)0b111_101_101);
        tar.AddDirectory("/codebuild", (UnixFileMode)0b111_101_101);
    }

    /// <summary>The packages and versions it is made of, the host files added, and the image config.</summary>
    private static string Recipe(IReadOnlyList<DebianPackage> closure)
    {
        var text = new StringBuilder();
        foreach (var package in closure)
        {
            text.Append(package.Name).Append('=').Append(package.Version).Append('\n');
        }

        foreach (var extra in HostExtras.Where(p => File.Exists(p) || Directory.Exists(p)))
        {
            text.Append(extra).Append('@').Append(File.GetLastWriteTimeUtc(extra).Ticks).Append('\n');
        }

        text.AppendJoin('\n', Config).Append("\nv2");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private async Task<ImageInspectResponse?> InspectAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.Client.Images.InspectImageAsync(image, cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }

    public void Dispose() => gate.Dispose();

    private sealed class LastError : IProgress<JSONMessage>
    {
        public string? Message { get; private set; }

        public void Report(JSONMessage value) => Message = value.Error?.Message ?? Message;
    }
}
