using Amazon.Runtime;

namespace Deploy.Aws;

/// <summary>How to build an <see cref="AwsSession"/>. Everything is optional for <see cref="AwsSession.Create"/>;
/// the constructor needs <see cref="Region"/> and <see cref="Credentials"/>.</summary>
public sealed record AwsSessionOptions
{
    /// <summary>The region, e.g. <c>eu-west-1</c>. When null the default chain decides.</summary>
    public string? Region { get; init; }

    /// <summary>The credentials. When null the default chain (or <see cref="Profile"/>) decides.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>
    /// Called with each set of credentials the session obtains, the first and every refresh (to mask their secret key and
    /// session token); the session wraps <see cref="Credentials"/> so that clients built on it report them too.
    /// </summary>
    public Action<ImmutableCredentials>? CredentialsObserver { get; init; }

    /// <summary>A named profile from ~/.aws/config and ~/.aws/credentials; overrides <c>AWS_PROFILE</c>.</summary>
    public string? Profile { get; init; }

    /// <summary>The shared credentials file to read profiles from; null means the SDK's default
    /// (<c>AWS_SHARED_CREDENTIALS_FILE</c> or <c>~/.aws/credentials</c>, plus <c>~/.aws/config</c>).</summary>
    public string? ProfilesLocation { get; init; }

    /// <summary>The process environment (or a stand-in for tests). Endpoint and region variables are read from here only.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The profile's <c>endpoint_url</c>; <see cref="AwsSession.Create"/> fills it from the profile.</summary>
    public string? ProfileEndpointUrl { get; init; }

    /// <summary>Total attempts per call, first try included (AWS standard mode uses 3).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The first retry waits up to this long; each further retry doubles it.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>No single retry waits longer than this.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>One attempt is abandoned (and retried) after this long without a complete response.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The HTTP stack; tests pass a fake. The session does not dispose it.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>
    /// What answers at the endpoint and how to bring it back, appended to a refused connection's message. When set, a
    /// refusal is not retried (code <c>EndpointDown</c>): such an endpoint (a stopped local cloud) is down, not busy.
    /// </summary>
    public string? UnreachableHint { get; init; }

    /// <summary>Called after every HTTP attempt (verbose logging).</summary>
    public Action<AwsCallRecord>? Observer { get; init; }

    /// <summary>Waits between retries; tests replace it to record delays instead of sleeping.</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; init; }

    /// <summary>Returns a number in [0, 1) for full jitter; tests pin it.</summary>
    public Func<double>? Jitter { get; init; }

    /// <summary>The signing clock; tests pin it.</summary>
    public Func<DateTimeOffset>? Clock { get; init; }
}
