using Deploy.Engine;
using Docker.DotNet;

namespace Deploy.Delivery.Machine;

/// <summary>
/// Makes sure a Docker Engine answers: the one at DOCKER_HOST (or the default socket); when none does and
/// we may install (root on Debian/Ubuntu), installs Debian's docker.io and starts dockerd in the background.
/// </summary>
public sealed class DockerEngine(ToolRunner tools, IBuildLog log, DebianPackages packages, string logDirectory)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The engine endpoint: DOCKER_HOST when set, else the default Unix socket.</summary>
    public static Uri Endpoint(IReadOnlyDictionary<string, string> environment) =>
        environment.TryGetValue("DOCKER_HOST", out var host) && !string.IsNullOrWhiteSpace(host)
            ? new Uri(host)
            : new Uri("unix:///var/run/docker.sock");

    public async Task<Uri> EnsureRunningAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(environment);
        if (await AnswersAsync(endpoint, cancellationToken))
        {
            return endpoint;
        }

        if (Unreachable(endpoint, environment, DebianPackages.CanInstall()) is { } reason)
        {
            throw new BuildFailedException(reason);
        }

        if (DebianPackages.FindOnPath("dockerd") is null)
        {
            await packages.InstallAsync(["docker.io"], "Docker Engine", cancellationToken);
        }

        Directory.CreateDirectory(logDirectory);
        var logFile = Path.Combine(logDirectory, "dockerd.log");
        log.Information($"No Docker Engine was running: starting dockerd in the background (log: {logFile})");
        // bash detaches dockerd so it outlives this build, like a service would.
        await tools.RunAsync("bash", ["-c", $"nohup dockerd >'{logFile}' 2>&1 &"],
            new ToolOptions { CaptureOutput = true, EchoOutput = false }, cancellationToken);

        var deadline = DateTimeOffset.UtcNow + StartTimeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await AnswersAsync(endpoint, cancellationToken))
            {
                return endpoint;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new BuildFailedException($"dockerd did not answer within {StartTimeout.TotalSeconds:0} s; see {logFile}.");
    }

    /// <summary>Why a Docker Engine that does not answer cannot be started here, or null when installing and starting one is ours to do.</summary>
    internal static string? Unreachable(Uri endpoint, IReadOnlyDictionary<string, string> environment, bool canInstall)
    {
        // CodeBuild gives a build the Docker Engine only in privileged mode; installing one inside the build would not help.
        if (environment.TryGetValue("CODEBUILD_BUILD_ID", out var build) && !string.IsNullOrWhiteSpace(build))
        {
            return $"No Docker Engine answers at {endpoint}: this CodeBuild project must run in privileged mode (PrivilegedMode: true in its "
                + "environment; the platform's build project sets it) to build and push images.";
        }

        return environment.ContainsKey("DOCKER_HOST") || !canInstall
            ? $"No Docker Engine answers at {endpoint}: start Docker (e.g. sudo systemctl start docker) or point DOCKER_HOST at a running engine, then re-run."
            : null;
    }

    public static async Task<bool> AnswersAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using var configuration = new DockerClientConfiguration(endpoint, defaultTimeout: TimeSpan.FromSeconds(3));
            using var client = configuration.CreateClient();
            await client.System.PingAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
            && e is DockerApiException or HttpRequestException or IOException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
