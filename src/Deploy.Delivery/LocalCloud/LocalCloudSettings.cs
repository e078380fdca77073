namespace Deploy.Delivery.LocalCloud;

/// <summary>
/// Where and how the build runs its local cloud. The access key id and region are its documented defaults; the secret is
/// random per state directory (see <see cref="SecretFile"/>).
/// </summary>
public sealed record LocalCloudSettings
{
    public const string AccessKeyId = "local";
    public const string Region = "us-east-1";

    /// <summary>The repository root (holds src/Deploy.LocalCloud).</summary>
    public required string RootDirectory { get; init; }

    /// <summary><c>.nuke/temp/local-cloud</c>: compiled binaries, state, log, the env file.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>A fixed port keeps image URIs (<c>127.0.0.1:port/repo</c>) stable across restarts.</summary>
    public int Port { get; init; } = 4566;

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public string ProjectDirectory => Path.Combine(RootDirectory, "src", "Deploy.LocalCloud");

    public string StateDirectory => Path.Combine(WorkDirectory, "state");

    /// <summary>What the aws CLI and the build read: endpoint, key, secret, region. Owner-only: it holds the secret.</summary>
    public string EnvFile => Path.Combine(WorkDirectory, "env");

    /// <summary>The local cloud makes its secret on first start here (its LocalSecretFile; another assembly, so named twice).</summary>
    public string SecretFile => Path.Combine(StateDirectory, "secret-access-key");

    public string InstanceFile => Path.Combine(WorkDirectory, "instance.json");

    public string LogFile => Path.Combine(WorkDirectory, "local-cloud.log");

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");
}
