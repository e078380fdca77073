namespace Deploy.LocalCloud.Hosting;

/// <summary>
/// Fluent start-up for tests and tools:
/// <c>await using var cloud = new LocalCloudBuilder().WithStateDirectory(tmp).Build();</c>
/// Without a state directory a temporary one is created and deleted on dispose.
/// </summary>
public sealed class LocalCloudBuilder
{
    private string? stateDirectory;
    private int port;
    private string accountId = LocalCloudOptions.DefaultAccountId;
    private string region = LocalCloudOptions.DefaultRegion;
    private string accessKeyId = LocalCloudOptions.DefaultAccessKeyId;
    private string? secretAccessKey;
    private Action<ApiExchange>? onApiResponse;
    private TimeSpan readinessTimeout = TimeSpan.FromSeconds(15);
    private TimeSpan codeBuildMinute = TimeSpan.FromMinutes(1);
    private TimeSpan uploadMaxAge = LocalCloudOptions.DefaultUploadMaxAge;
    private bool enforceIam = true;
    private readonly Dictionary<string, TimeSpan> provisioningDelays = new(StringComparer.Ordinal);

    public LocalCloudBuilder WithStateDirectory(string directory)
    {
        stateDirectory = directory;
        return this;
    }

    public LocalCloudBuilder WithPort(int value)
    {
        port = value;
        return this;
    }

    public LocalCloudBuilder WithAccountId(string value)
    {
        accountId = value;
        return this;
    }

    public LocalCloudBuilder WithRegion(string value)
    {
        region = value;
        return this;
    }

    /// <summary>A fixed key instead of the state directory's random secret (tests that sign with a known key).</summary>
    public LocalCloudBuilder WithCredentials(string accessKey, string secretKey)
    {
        accessKeyId = accessKey;
        secretAccessKey = secretKey;
        return this;
    }

    public LocalCloudBuilder WithResponseObserver(Action<ApiExchange> observer)
    {
        onApiResponse = observer;
        return this;
    }

    public LocalCloudBuilder WithReadinessTimeout(TimeSpan timeout)
    {
        readinessTimeout = timeout;
        return this;
    }

    /// <summary>Tests only: shortens CodeBuild's minute (timeoutInMinutes) so a TIMED_OUT build takes seconds.</summary>
    public LocalCloudBuilder WithCodeBuildMinute(TimeSpan minute)
    {
        codeBuildMinute = minute;
        return this;
    }

    /// <summary>CloudFormation waits <paramref name="delay"/> before provisioning each resource of <paramref name="resourceType"/>.</summary>
    public LocalCloudBuilder WithProvisioningDelay(string resourceType, TimeSpan delay)
    {
        provisioningDelays[resourceType] = delay;
        return this;
    }

    /// <summary>Blob uploads untouched this long are purged (tests shorten the default hour).</summary>
    public LocalCloudBuilder WithUploadMaxAge(TimeSpan maxAge)
    {
        uploadMaxAge = maxAge;
        return this;
    }

    /// <summary>Role sessions' calls are authorized against their role's policies (<see cref="LocalCloudOptions.EnforceIam"/>).</summary>
    public LocalCloudBuilder WithIamEnforced() => WithIamEnforcement(true);

    /// <summary>On by default; off makes every role session as powerful as the configured key (as before issue 12).</summary>
    public LocalCloudBuilder WithIamEnforcement(bool enforce)
    {
        enforceIam = enforce;
        return this;
    }

    public LocalCloudOptions BuildOptions() => new()
    {
        Port = port,
        StateDirectory = stateDirectory ?? Path.Combine(Path.GetTempPath(), "local-cloud-" + Guid.NewGuid().ToString("N")),
        AccountId = accountId,
        Region = region,
        AccessKeyId = accessKeyId,
        SecretAccessKey = secretAccessKey,
        OnApiResponse = onApiResponse,
        CodeBuildMinute = codeBuildMinute,
        UploadMaxAge = uploadMaxAge,
        EnforceIam = enforceIam,
        ProvisioningDelays = provisioningDelays.Count == 0
            ? LocalCloudOptions.NoProvisioningDelays
            : new Dictionary<string, TimeSpan>(provisioningDelays, StringComparer.Ordinal),
    };

    public Task<LocalCloudInstance> BuildAsync(CancellationToken cancellationToken = default) =>
        LocalCloudInstance.StartAsync(BuildOptions(), readinessTimeout, deleteStateOnDispose: stateDirectory is null, cancellationToken);

    public LocalCloudInstance Build() => BuildAsync().GetAwaiter().GetResult();
}
