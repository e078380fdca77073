using Deploy.Delivery.Machine;
using Deploy.Engine;

namespace Deploy.Delivery.Quality;

/// <summary>
/// Locates the external linters and installs the missing ones: npm tools at pinned versions into a
/// folder of ours (never global), Debian tools with apt when running as root.
/// </summary>
public sealed class LintTools(string toolsDirectory, ToolRunner tools, IBuildLog log)
{
    /// <summary>npm packages at the versions our CI files and Dockerfiles are checked with.</summary>
    public static readonly IReadOnlyDictionary<string, string> NpmPackages = new Dictionary<string, string>
    {
        // 4.70.1 is the newest that starts on Node 20 (Debian's); 4.75 does not.
        ["gitlab-ci-local"] = "4.70.1",
        ["dockerfilelint"] = "1.8.0",
    };

    /// <summary>Commands from Debian and the package that provides each (gitlab-ci-local needs rsync and git).</summary>
    public static readonly IReadOnlyDictionary<string, string> DebianCommands = new Dictionary<string, string>
    {
        ["shellcheck"] = "shellcheck",
        ["yamllint"] = "yamllint",
        ["rsync"] = "rsync",
        ["git"] = "git",
        ["npm"] = "npm",
    };

    public string NpmBin(string command) => Path.Combine(toolsDirectory, "node_modules", ".bin", command);

    /// <summary>The version in the installed package's package.json, or null.</summary>
    public string? InstalledVersion(string package)
    {
        var manifest = Path.Combine(toolsDirectory, "node_modules", package, "package.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
    }

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await new DebianPackages(tools, log).EnsureCommandsAsync(DebianCommands, "Lint", cancellationToken);

        // Two builds (or test processes) of one checkout may ensure the tools at once: one installs, the other waits.
        Directory.CreateDirectory(toolsDirectory);
        using var installing = await LockAsync(cancellationToken);

        // A tool installed at another version (an older pin) is installed again at the pinned one.
        var missing = NpmPackages.Where(p => !File.Exists(NpmBin(p.Key)) || InstalledVersion(p.Key) != p.Value).Select(p => $"{p.Key}@{p.Value}").ToList();
        if (missing.Count > 0)
        {
            log.Information($"Installing {string.Join(", ", missing)} into {toolsDirectory}");
            await tools.RunAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel", "error", "--prefix", toolsDirectory, .. missing],
                new ToolOptions { CaptureOutput = true, EchoOutput = false }, cancellationToken);
        }
    }

    /// <summary>An exclusive lock on the tools folder (.NET locks a FileShare.None stream with flock on Linux).</summary>
    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(toolsDirectory, ".install.lock");
        for (var waited = 0; ; waited++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < 3000)
            {
                if (waited == 0)
                {
                    log.Information($"Waiting for another build installing the linters into {toolsDirectory}");
                }

                await Task.Delay(200, cancellationToken);
            }
        }
    }
}
