using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Deploy.LocalCloud.Hosting;

/// <summary>A started local cloud. Dispose stops it; the state directory stays (unless the builder made a temp one).</summary>
public sealed class LocalCloudInstance : IAsyncDisposable, IDisposable
{
    private readonly WebApplication app;
    private readonly State.StateDirectoryLock stateLock;
    private readonly bool deleteStateOnDispose;
    private bool disposed;

    private LocalCloudInstance(WebApplication app, State.StateDirectoryLock stateLock, LocalCloudOptions options, Uri endpoint, bool deleteStateOnDispose)
    {
        this.app = app;
        this.stateLock = stateLock;
        Options = options;
        Endpoint = endpoint;
        this.deleteStateOnDispose = deleteStateOnDispose;
    }

    /// <summary>Base URL of every API, e.g. <c>http://127.0.0.1:41234</c> (the registry is under <c>/v2/</c>).</summary>
    public Uri Endpoint { get; }

    /// <summary>Host:port Docker uses for <c>docker login</c>/<c>push</c>.</summary>
    public string RegistryHost => $"{Endpoint.Host}:{Endpoint.Port}";

    /// <summary>The options it runs with; <see cref="LocalCloudOptions.SecretAccessKey"/> is resolved (see <see cref="SecretAccessKey"/>).</summary>
    public LocalCloudOptions Options { get; }

    public string AccessKeyId => Options.AccessKeyId;

    /// <summary>The secret clients sign with: the configured one, or the state directory's own (<c>&lt;state&gt;/secret-access-key</c>).</summary>
    public string SecretAccessKey => Options.SecretAccessKey ?? throw new InvalidOperationException("The secret is resolved at start.");

    /// <summary>Where the local GitLab OIDC issuer lives on the local cloud's port (<c>Oidc/README.md</c>).</summary>
    public const string GitLabIssuerPath = Oidc.LocalGitLabIssuer.PathPrefix;

    /// <summary>The local GitLab issuer's URL, the <c>iss</c> of its tokens: <c>http://127.0.0.1:&lt;port&gt;/_gitlab</c>.</summary>
    public string GitLabIssuer => Endpoint.ToString().TrimEnd('/') + GitLabIssuerPath;

    /// <summary>The app's services, for in-process collaborators (the ECS part appends container logs through LogsStore).</summary>
    internal IServiceProvider Services => app.Services;

    public static async Task<LocalCloudInstance> StartAsync(LocalCloudOptions options, TimeSpan readinessTimeout, bool deleteStateOnDispose = false, CancellationToken cancellationToken = default)
    {
        // First the directory: a second local cloud on it stops here, before it reads or writes anything.
        var stateLock = State.StateDirectoryLock.Acquire(options.StateDirectory);
        WebApplication app;
        try
        {
            options = options with { SecretAccessKey = options.SecretAccessKey ?? Auth.LocalSecretFile.LoadOrCreate(options.StateDirectory) };
            app = LocalCloudApplication.Create(options);
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            stateLock.Dispose();
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        app.Services.GetRequiredService<LocalCloudAddress>().Port = port;
        var instance = new LocalCloudInstance(app, stateLock, options, new Uri($"http://127.0.0.1:{port}"), deleteStateOnDispose);
        try
        {
            await HealthWaitStrategy.WaitUntilHealthyAsync(instance.Endpoint, readinessTimeout, cancellationToken);
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }

        return instance;
    }

    /// <summary>Environment that points the aws CLI and the AWS SDKs at this instance.</summary>
    public IReadOnlyDictionary<string, string> AwsEnvironment() => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL"] = Endpoint.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = Options.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_REGION"] = Options.Region,
        // The aws CLI v1 reads AWS_DEFAULT_REGION, the SDKs AWS_REGION: set both.
        ["AWS_DEFAULT_REGION"] = Options.Region,
    };

    /// <summary>Blocks until the process is asked to stop (used by Program).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await app.StopAsync();
        await app.DisposeAsync();
        stateLock.Dispose();
        if (deleteStateOnDispose && Directory.Exists(Options.StateDirectory))
        {
            Directory.Delete(Options.StateDirectory, recursive: true);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
