using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.LocalCloud.Docker;

/// <summary>What a container looks like to the ECS part: gone, running (with health), or exited.</summary>
internal sealed record ContainerObservation(bool Exists, bool Running, long ExitCode, string? Error, string? Health, bool OomKilled)
{
    public static readonly ContainerObservation Missing = new(false, false, 0, null, null, false);
}

/// <summary>The one container to start for a task's container definition.</summary>
internal sealed record TaskContainerSpec(
    string Name,
    string Image,
    IReadOnlyList<string> Environment,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string>? EntryPoint,
    int? ContainerPort,
    string Protocol,
    HealthConfig? HealthCheck,
    IReadOnlyDictionary<string, string> Labels,
    long? MemoryBytes,
    string? WorkingDirectory,
    string? User);

/// <summary>
/// The Docker Engine (Docker.DotNet), at <c>DOCKER_HOST</c> or the default socket. Every call gets its own
/// timeout so an engine that went away (dockerd restarting) makes calls fail fast instead of hanging the scheduler.
/// </summary>
internal sealed class DockerEngine : IDisposable
{
    private readonly DockerClientConfiguration configuration;
    private readonly DockerClient client;

    public DockerEngine()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var endpoint = string.IsNullOrWhiteSpace(host) ? new Uri("unix:///var/run/docker.sock") : new Uri(host);
        configuration = new DockerClientConfiguration(endpoint, defaultTimeout: TimeSpan.FromSeconds(30));
        client = configuration.CreateClient();
    }

    public IDockerClient Client => client;

    public async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await client.System.PingAsync(timeout.Token);
            return true;
        }
        catch (Exception error) when (IsEngineUnavailable(error) && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public static bool IsEngineUnavailable(Exception error) =>
        error is HttpRequestException or IOException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException
        || (error is DockerApiException api && (int)api.StatusCode >= 500);

    /// <summary>Pulls an image (with registry credentials when given); throws with Docker's message on failure.</summary>
    public async Task PullAsync(string image, AuthConfig? auth, CancellationToken cancellationToken)
    {
        var (name, reference) = SplitReference(image);
        var errors = new StringBuilder();
        var progress = new Progress<JSONMessage>(message =>
        {
            if (!string.IsNullOrEmpty(message.ErrorMessage))
            {
                errors.Append(message.ErrorMessage);
            }
        });
        await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = name, Tag = reference }, auth, progress, cancellationToken);
        // Progress<T> reports asynchronously; give it a moment before reading what it collected.
        await Task.Delay(50, cancellationToken);
        if (errors.Length > 0)
        {
            throw new InvalidOperationException(errors.ToString());
        }
    }

    /// <summary>The repo digest of a local image for the given registry repository (null when unknown).</summary>
    public async Task<string?> RepoDigestAsync(string image, CancellationToken cancellationToken)
    {
        var inspected = await client.Images.InspectImageAsync(image, cancellationToken);
        var (name, _) = SplitReference(image);
        return inspected.RepoDigests?.FirstOrDefault(d => d.StartsWith(name + "@", StringComparison.Ordinal)) is { } digest
            ? digest[(digest.IndexOf('@', StringComparison.Ordinal) + 1)..]
            : null;
    }

    /// <summary>Creates and starts the container; returns its id and the host port bound on 127.0.0.1 (if a port is published).</summary>
    public async Task<(string Id, int? HostPort)> StartAsync(TaskContainerSpec spec, CancellationToken cancellationToken)
    {
        var portKey = spec.ContainerPort is { } port ? $"{port}/{spec.Protocol}" : null;
        var parameters = new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            Env = [.. spec.Environment],
            Cmd = spec.Command is null ? null : [.. spec.Command],
            Entrypoint = spec.EntryPoint is null ? null : [.. spec.EntryPoint],
            Labels = spec.Labels.ToDictionary(l => l.Key, l => l.Value),
            Healthcheck = spec.HealthCheck,
            WorkingDir = spec.WorkingDirectory,
            User = spec.User,
            ExposedPorts = portKey is null ? null : new Dictionary<string, EmptyStruct> { [portKey] = default },
            HostConfig = new HostConfig
            {
                // awsvpc emulation: the container port, published on loopback with a random host port.
                PortBindings = portKey is null ? null : new Dictionary<string, IList<PortBinding>>
                {
                    [portKey] = [new PortBinding { HostIP = "127.0.0.1", HostPort = string.Empty }],
                },
                Memory = spec.MemoryBytes ?? 0,
            },
        };
        var created = await client.Containers.CreateContainerAsync(parameters, cancellationToken);
        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        if (portKey is null)
        {
            return (created.ID, null);
        }

        var inspected = await client.Containers.InspectContainerAsync(created.ID, cancellationToken);
        var binding = inspected.NetworkSettings?.Ports is { } ports && ports.TryGetValue(portKey, out var bindings) ? bindings?.FirstOrDefault() : null;
        return (created.ID, binding is not null && int.TryParse(binding.HostPort, System.Globalization.CultureInfo.InvariantCulture, out var hostPort) ? hostPort : null);
    }

    public async Task<ContainerObservation> ObserveAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var inspected = await client.Containers.InspectContainerAsync(id, cancellationToken);
            var state = inspected.State;
            return new ContainerObservation(true, state.Running, state.ExitCode, string.IsNullOrEmpty(state.Error) ? null : state.Error, state.Health?.Status, state.OOMKilled);
        }
        catch (DockerContainerNotFoundException)
        {
            return ContainerObservation.Missing;
        }
    }

    public async Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(0, grace.TotalSeconds) }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // already gone
        }
    }

    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // already gone
        }
    }

    public async Task<IList<ContainerListResponse>> ListOwnedAsync(string ownerValue, CancellationToken cancellationToken) =>
        await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Owner}={ownerValue}"] = true } },
        }, cancellationToken);

    /// <summary>Follows a container's stdout/stderr from <paramref name="since"/> and hands over complete lines with their timestamps.</summary>
    public async Task FollowLogsAsync(string id, DateTimeOffset since, Func<IReadOnlyList<(long Timestamp, string Message)>, Task> onLines, CancellationToken cancellationToken)
    {
        using var stream = await client.Containers.GetContainerLogsAsync(id, tty: false, new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Follow = true,
            Timestamps = true,
            Since = since.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, cancellationToken);
        var buffer = new byte[16 * 1024];
        var pending = new Dictionary<MultiplexedStream.TargetStream, StringBuilder>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            if (!pending.TryGetValue(read.Target, out var text))
            {
                text = new StringBuilder();
                pending[read.Target] = text;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
            var lines = new List<(long, string)>();
            var all = text.ToString();
            var end = all.LastIndexOf('\n');
            if (end < 0)
            {
                continue;
            }

            foreach (var line in all[..end].Split('\n'))
            {
                lines.Add(ParseTimestamped(line.TrimEnd('\r')));
            }

            text.Clear().Append(all[(end + 1)..]);
            await onLines(lines);
        }

        var rest = pending.Values.Select(t => t.ToString()).Where(t => t.Length > 0).Select(ParseTimestamped).ToList();
        if (rest.Count > 0)
        {
            await onLines(rest);
        }
    }

    /// <summary>Docker prefixes each line with an RFC 3339 nanosecond timestamp and a space.</summary>
    private static (long, string) ParseTimestamped(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && DateTimeOffset.TryParse(line[..space], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            return (at.ToUnixTimeMilliseconds(), line[(space + 1)..]);
        }

        return (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), line);
    }

    /// <summary>Splits <c>host:port/repo:tag</c> or <c>repo@sha256:..</c> into name and tag/digest (default tag latest).</summary>
    public static (string Name, string Reference) SplitReference(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return (image[..at], image[(at + 1)..]);
        }

        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    public void Dispose()
    {
        client.Dispose();
        configuration.Dispose();
    }
}
