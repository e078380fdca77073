using Deploy.Engine;

namespace Deploy.Delivery.Machine;

/// <summary>
/// Installs missing commands from Debian's packages when we may (root on Debian/Ubuntu with apt-get),
/// else fails with one line saying what to install. Targets use it to work on a fresh machine.
/// </summary>
public sealed class DebianPackages(ToolRunner tools, IBuildLog log)
{
    /// <param name="commands">command name → the Debian package that provides it.</param>
    /// <param name="purpose">who needs them, for the messages ("Lint", "the tests").</param>
    /// <param name="cancellationToken">stops waiting for apt-get.</param>
    public async Task EnsureCommandsAsync(IReadOnlyDictionary<string, string> commands, string purpose, CancellationToken cancellationToken)
    {
        var missing = commands.Where(c => FindOnPath(c.Key) is null).Select(c => c.Value).Distinct().ToList();
        if (missing.Count > 0)
        {
            await InstallAsync(missing, purpose, cancellationToken);
        }
    }

    public async Task InstallAsync(IReadOnlyList<string> packages, string purpose, CancellationToken cancellationToken)
    {
        var list = string.Join(" ", packages);
        if (!CanInstall())
        {
            throw new BuildFailedException($"{purpose} needs {list}: install them with your package manager (Debian/Ubuntu: sudo apt-get install {list}) and re-run.");
        }

        log.Information($"Installing {list} with apt-get (needed by {purpose})");
        var options = new ToolOptions
        {
            CaptureOutput = true,
            EchoOutput = false,
            Environment = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" },
        };
        await tools.RunAsync("apt-get", ["update", "-q"], options, cancellationToken);
        await tools.RunAsync("apt-get", ["install", "-y", "-q", "--no-install-recommends", .. packages], options, cancellationToken);
    }

    /// <summary>True when running as root on a system with apt-get (Debian, Ubuntu, their containers).</summary>
    public static bool CanInstall() => FindOnPath("apt-get") is not null && Environment.UserName == "root";

    /// <summary>The full path of a command on PATH, or null.</summary>
    public static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);
}
