namespace Deploy.Delivery.LocalCloud;

/// <summary>Where and how the build runs its local cloud. The credentials are the local cloud's documented defaults, not secrets.</summary>
public sealed record LocalCloudSettings
{
    public const string AccessKeyId = "local";
    public const string SecretAccessKey = "localsecret";
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

    public string EnvFile => Path.Combine(WorkDirectory, "env");

    public string InstanceFile => Path.Combine(WorkDirectory, "instance.json");

    public string LogFile => Path.Combine(WorkDirectory, "local-cloud.log");

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");
}
