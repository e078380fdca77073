using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;

namespace Deploy.Aws;

/// <summary>
/// Region, credentials, endpoints and the HTTP pipeline (sign, send, retry, observe) shared by all clients.
/// One session per build run; clients are cheap wrappers around it.
/// </summary>
public sealed class AwsSession : IDisposable
{
    private readonly AwsSessionOptions settings;
    private readonly Lazy<string?> profileEndpointUrl;
    private readonly Lazy<AwsSessionOptions> resolvedOptions;
    private readonly Lock httpGate = new();
    private readonly Func<TimeSpan, CancellationToken, Task> delay;
    private readonly Func<double> jitter;
    private readonly Func<DateTimeOffset> clock;
    private HttpClient? http;

    /// <summary>Builds a session from explicit settings: <see cref="AwsSessionOptions.Region"/> and
    /// <see cref="AwsSessionOptions.Credentials"/> are required. Use <see cref="Create"/> for the default chains.</summary>
    public AwsSession(AwsSessionOptions options)
        : this(options, null)
    {
    }

    /// <param name="options">As for the public constructor.</param>
    /// <param name="profileEndpointLookup">Finds the profile's <c>endpoint_url</c> when first needed, for a session whose
    /// profile <see cref="Create"/> did not read; null: <see cref="AwsSessionOptions.ProfileEndpointUrl"/>.</param>
    private AwsSession(AwsSessionOptions options, Func<string?>? profileEndpointLookup)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Region))
        {
            throw new ArgumentException("A region is required.", nameof(options));
        }

        if (options.Credentials is null)
        {
            throw new ArgumentException("Credentials are required.", nameof(options));
        }

        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts, "MaxAttempts must be at least 1.");
        }

        settings = options;
        profileEndpointUrl = new Lazy<string?>(profileEndpointLookup ?? (() => options.ProfileEndpointUrl));
        resolvedOptions = new Lazy<AwsSessionOptions>(() => profileEndpointUrl.Value == options.ProfileEndpointUrl ? options : options with { ProfileEndpointUrl = profileEndpointUrl.Value });
        Region = options.Region;
        Credentials = options.CredentialsObserver is { } observer && options.Credentials is not ObservedCredentials
            ? new ObservedCredentials(options.Credentials, observer)
            : options.Credentials;
        delay = options.Delay ?? Task.Delay;
        jitter = options.Jitter ?? Random.Shared.NextDouble;
        clock = options.Clock ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>The settings, <see cref="AwsSessionOptions.ProfileEndpointUrl"/> included (read from the profile on first
    /// access when <see cref="Create"/> deferred it).</summary>
    public AwsSessionOptions Options => resolvedOptions.Value;

    public string Region { get; }

    public AWSCredentials Credentials { get; }

    /// <summary>
    /// Fills what <paramref name="options"/> leaves open from AWSSDK.Core's default chains.
    /// Credentials: the profile named in <see cref="AwsSessionOptions.Profile"/> when given (it beats environment keys,
    /// like the CLI's <c>--profile</c>); otherwise the SDK's default chain: environment keys, <c>AWS_PROFILE</c>/default
    /// profile (incl. SSO and role profiles), web identity, container credentials (CodeBuild, ECS) and instance metadata.
    /// Region: <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the profile's region (profile = <see cref="AwsSessionOptions.Profile"/>,
    /// else <c>AWS_PROFILE</c>, else <c>default</c>), then the SDK's fallback. The same profile's <c>endpoint_url</c> becomes
    /// the last endpoint override.
    /// </summary>
    public static AwsSession Create(AwsSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var environment = options.Environment;
        var knownRegion = options.Region ?? AwsEndpoints.Get(environment, "AWS_REGION") ?? AwsEndpoints.Get(environment, "AWS_DEFAULT_REGION");
        if (options.Credentials is not null && options.Profile is null && knownRegion is not null)
        {
            // Nothing left for the profile to decide but its endpoint_url: read it when an endpoint is first needed, so a
            // session that only signs (Mirror's git password) reads no config file. Nothing here can fail, as before.
            return new AwsSession(options with { Region = knownRegion }, () => options.ProfileEndpointUrl ?? ProfileEndpointUrlOf(options));
        }

        var store = options.ProfilesLocation is null ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(options.ProfilesLocation);
        var profileName = options.Profile ?? AwsEndpoints.Get(environment, "AWS_PROFILE") ?? "default";
        if (!store.TryGetProfile(profileName, out var profile))
        {
            profile = options.Profile is null
                ? null
                : throw new InvalidOperationException($"AWS profile '{options.Profile}' was not found in the shared config or credentials file.");
        }

        // An explicitly named profile wins over environment keys (like the CLI's --profile); AWS_PROFILE does not,
        // so the SDK's default chain (env keys first, then AWS_PROFILE) decides.
        var credentials = options.Credentials ?? ResolveCredentials(store, options.Profile);
        var region = options.Region
            ?? AwsEndpoints.Get(environment, "AWS_REGION")
            ?? AwsEndpoints.Get(environment, "AWS_DEFAULT_REGION")
            ?? profile?.Region?.SystemName
            ?? TryFallbackRegion()
            ?? throw new InvalidOperationException(
                "No AWS region configured: set AWS_REGION (or AWS_DEFAULT_REGION), a profile region, or pass the region explicitly.");

        return new AwsSession(options with
        {
            Credentials = credentials,
            Region = region,
            ProfileEndpointUrl = options.ProfileEndpointUrl ?? profile?.EndpointUrl,
        });
    }

    /// <summary>The URL calls to <paramref name="service"/> go to.</summary>
    public Uri EndpointFor(AwsService service) =>
        AwsEndpoints.Resolve(service, Region, settings.Environment, profileEndpointUrl.Value);

    /// <summary>Current credentials (refreshed by the SDK when temporary), e.g. for CodeCommit git passwords.</summary>
    public Task<ImmutableCredentials> GetCredentialsAsync() => Credentials.GetCredentialsAsync();

    public void Dispose()
    {
        lock (httpGate)
        {
            http?.Dispose();
        }
    }

    /// <summary>The <c>endpoint_url</c> of <c>AWS_PROFILE</c>'s profile (else <c>default</c>), or null.</summary>
    private static string? ProfileEndpointUrlOf(AwsSessionOptions options)
    {
        var store = options.ProfilesLocation is null ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(options.ProfilesLocation);
        var profileName = AwsEndpoints.Get(options.Environment, "AWS_PROFILE") ?? "default";
        return store.TryGetProfile(profileName, out var profile) ? profile.EndpointUrl : null;
    }

    /// <summary>Made on the first call: creating the handler loads System.Net.Http, which a session that only signs
    /// git passwords never needs.</summary>
    private HttpClient Http()
    {
        lock (httpGate)
        {
            if (http is null)
            {
                http = settings.HttpHandler is null
                    ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
                    : new HttpClient(settings.HttpHandler, disposeHandler: false);
                http.Timeout = Timeout.InfiniteTimeSpan;
            }

            return http;
        }
    }

    private static AWSCredentials ResolveCredentials(CredentialProfileStoreChain store, string? profileName)
    {
        try
        {
            if (profileName is not null)
            {
                return store.TryGetAWSCredentials(profileName, out var fromProfile)
                    ? fromProfile
                    : throw new InvalidOperationException($"AWS profile '{profileName}' has no usable credentials.");
            }

            return DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        catch (AmazonClientException ex)
        {
            // The SDK's message lists every provider's exception over many lines, some about sources nobody configured
            // (a web identity complaint without AWS_WEB_IDENTITY_TOKEN_FILE): say what was tried, once; the cause stays inner.
            throw new InvalidOperationException(NoCredentialsMessage(), ex);
        }
    }

    /// <summary>One line: the sources the default chain tried, in its order.</summary>
    internal static string NoCredentialsMessage() =>
        "No AWS credentials found; tried environment keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), the profile "
        + $"'{(System.Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } name ? name : "default")}' of the shared config and credentials files, "
        + "web identity (AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE), container credentials (ECS, CodeBuild) and instance metadata.";

    private static string? TryFallbackRegion()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    /// <summary>Signs, sends and retries one call; returns the successful response or throws the service's exception.</summary>
    internal async Task<AwsHttpResponse> SendAsync(AwsHttpRequest request, CancellationToken cancellationToken)
    {
        var service = request.Service;
        var endpoint = EndpointFor(service);
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            AwsErrorDetails error;
            Exception? inner = null;
            bool retryable;
            using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                try
                {
                    // The clock starts after signing: resolving credentials (SSO, web identity) is not the server's time.
                    using var message = await SignedMessageAsync(request, endpoint, cancellationToken).ConfigureAwait(false);
                    attemptCancellation.CancelAfter(settings.AttemptTimeout);
                    using var response = await Http().SendAsync(message, HttpCompletionOption.ResponseContentRead, attemptCancellation.Token).ConfigureAwait(false);
                    var body = await response.Content.ReadAsByteArrayAsync(attemptCancellation.Token).ConfigureAwait(false);
                    var requestId = Header(response, "x-amzn-RequestId") ?? Header(response, "x-amz-request-id");
                    if (response.IsSuccessStatusCode)
                    {
                        Observe(request, attempt, (int)response.StatusCode, started, requestId, null, false);
                        return new AwsHttpResponse(response.StatusCode, body, requestId);
                    }

                    var parsed = service.Protocol == AwsProtocol.Json11
                        ? JsonProtocol.ParseError(body, Header(response, "x-amzn-errortype"))
                        : QueryProtocol.ParseError(body);
                    error = new AwsErrorDetails(
                        service.DisplayName,
                        request.Operation,
                        request.Resource,
                        parsed.Code ?? StatusCodeName(response.StatusCode),
                        parsed.Message ?? NotAnAwsError(endpoint, response, body, parsed.Code is not null),
                        requestId ?? parsed.RequestId,
                        response.StatusCode);
                    retryable = AwsRetryPolicy.IsRetryable(response.StatusCode, error.Code);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    inner = ex;
                    error = TransportError(request, "RequestTimeout", $"No response within {settings.AttemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
                    retryable = true;
                }
                catch (HttpRequestException ex) when (settings.UnreachableHint is not null && IsConnectionRefused(ex))
                {
                    inner = ex;
                    error = TransportError(request, "EndpointDown", Unreachable(endpoint, ex));
                    retryable = false;
                }
                catch (HttpRequestException ex)
                {
                    inner = ex;
                    error = TransportError(request, "ConnectionError", Unreachable(endpoint, ex));
                    retryable = true;
                }
                catch (IOException ex)
                {
                    inner = ex;
                    error = TransportError(request, "ConnectionError", ex.Message);
                    retryable = true;
                }
            }

            var willRetry = retryable && attempt < settings.MaxAttempts;
            Observe(request, attempt, error.StatusCode == 0 ? null : (int)error.StatusCode, started, error.RequestId, error.Code, willRetry);
            if (!willRetry)
            {
                throw service.ExceptionFactory(error, inner);
            }

            await delay(AwsRetryPolicy.Backoff(attempt, settings.BaseDelay, settings.MaxDelay, jitter()), cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsConnectionRefused(HttpRequestException ex) =>
        (ex.InnerException as System.Net.Sockets.SocketException)?.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused;

    private static AwsErrorDetails TransportError(AwsHttpRequest request, string code, string message) =>
        new(request.Service.DisplayName, request.Operation, request.Resource, code, message, null, 0);

    /// <summary>
    /// A body that is not an AWS error document (a proxy's or load balancer's page) is not shown: the endpoint, the status and
    /// the page's title say what answered instead of AWS, on one line.
    /// </summary>
    private static string NotAnAwsError(Uri endpoint, HttpResponseMessage response, byte[] body, bool hasCode)
    {
        if (body.Length == 0 || hasCode)
        {
            return string.Empty;
        }

        var status = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}").TrimEnd();
        var type = response.Content.Headers.ContentType?.MediaType ?? "unknown";
        var title = HtmlTitle(body);
        return $"{endpoint.GetLeftPart(UriPartial.Authority)} answered {status} with a {type} body that is not an AWS error"
            + (title is null ? string.Empty : $" (page title '{title}')")
            + "; a proxy or load balancer may stand between this machine and AWS (check HTTPS_PROXY, AWS_ENDPOINT_URL).";
    }

    private static string? HtmlTitle(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 4096));
        var start = text.IndexOf("<title>", StringComparison.OrdinalIgnoreCase);
        var end = start < 0 ? -1 : text.IndexOf("</title>", start, StringComparison.OrdinalIgnoreCase);
        if (end < 0)
        {
            return null;
        }

        var title = string.Join(' ', text[(start + "<title>".Length)..end].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return title.Length == 0 ? null : title.Length <= 80 ? title : title[..80] + "…";
    }

    /// <summary>A refused or failed connection names the endpoint, and the session's hint when it has one (the local cloud).</summary>
    private string Unreachable(Uri endpoint, HttpRequestException ex)
    {
        var refused = ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }
            || ex.HttpRequestError == HttpRequestError.ConnectionError;
        var what = refused
            ? $"{endpoint.GetLeftPart(UriPartial.Authority)} refused the connection ({ex.Message})"
            : ex.Message;
        return refused && settings.UnreachableHint is { } hint ? $"{what}; {hint}" : what;
    }

    private static string StatusCodeName(HttpStatusCode status) =>
        string.Create(CultureInfo.InvariantCulture, $"Http{(int)status}");

    private void Observe(AwsHttpRequest request, int attempt, int? status, long started, string? requestId, string? errorCode, bool willRetry) =>
        settings.Observer?.Invoke(new AwsCallRecord(
            request.Service.ServiceId,
            request.Operation,
            attempt,
            status,
            Stopwatch.GetElapsedTime(started),
            requestId,
            errorCode,
            willRetry));

    /// <summary>Builds and signs the message; credential failures (expired SSO, unreachable container endpoint)
    /// surface as the service's exception naming the call, not retried here (the SDK's providers retry themselves).</summary>
    private async Task<HttpRequestMessage> SignedMessageAsync(AwsHttpRequest request, Uri endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await BuildSignedMessageAsync(request, endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException)
        {
            throw request.Service.ExceptionFactory(
                TransportError(request, "CredentialsUnavailable", "Could not get AWS credentials to sign the request: " + ex.Message),
                ex);
        }
    }

    private async Task<HttpRequestMessage> BuildSignedMessageAsync(AwsHttpRequest request, Uri endpoint, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(request.Body),
        };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        if (request.Target is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Target", request.Target);
        }

        message.Headers.TryAddWithoutValidation("User-Agent", "deploy-aws/1.0");
        if (request.Unsigned)
        {
            // Operations the model marks noAuth (STS AssumeRoleWithWebIdentity) go out without a signature.
            return message;
        }

        var signing = new AWSSigningRequest
        {
            HttpMethod = HttpMethod.Post,
            RequestUri = endpoint,
            Content = request.Body,
        };
        signing.Headers["Content-Type"] = request.ContentType;
        if (request.Target is not null)
        {
            signing.Headers["X-Amz-Target"] = request.Target;
        }

        var parameters = new AWSSigV4Parameters
        {
            Credentials = Credentials,
            Region = RegionEndpoint.GetBySystemName(AwsEndpoints.SigningRegion(request.Service, Region)),
            Service = request.Service.SigningName,
            SignedAt = clock().UtcDateTime,
        };
        try
        {
            var signed = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);
            foreach (var (name, value) in signed.Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
        catch
        {
            message.Dispose();
            throw;
        }

        return message;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>One call as the protocol layer hands it to the session.</summary>
internal sealed record AwsHttpRequest(
    AwsService Service,
    string Operation,
    string? Resource,
    byte[] Body,
    string ContentType,
    string? Target,
    bool Unsigned = false);

/// <summary>A successful response.</summary>
internal sealed record AwsHttpResponse(HttpStatusCode StatusCode, byte[] Body, string? RequestId);

/// <summary>What an error body said; any part may be missing.</summary>
internal readonly record struct ParsedError(string? Code, string? Message, string? RequestId);
