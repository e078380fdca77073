using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Xml;
using System.Xml.Linq;

namespace Deploy.Aws.Sts;

/// <summary>
/// Query-protocol calls the model marks <c>noAuth</c> (STS AssumeRoleWithWebIdentity): the caller has no AWS
/// credentials yet, so the request goes out without a SigV4 signature. Endpoint, HTTP stack, retries, attempt
/// timeout, observer and error mapping follow the session's settings, as for signed calls.
/// </summary>
internal static class UnsignedQuery
{
    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static async Task<XElement> InvokeAsync(
        AwsSession session,
        AwsService service,
        string action,
        QueryRequest request,
        string? resource,
        CancellationToken cancellationToken)
    {
        var options = session.Options;
        var endpoint = session.EndpointFor(service);
        var body = request.ToBody(action, service.ApiVersion ?? throw new InvalidOperationException($"{service} has no query API version."));
        using var owned = options.HttpHandler is null ? null : new HttpClient(options.HttpHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var http = owned ?? SharedHttp;
        var delay = options.Delay ?? Task.Delay;
        var jitter = options.Jitter ?? Random.Shared.NextDouble;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            AwsErrorDetails error;
            Exception? inner = null;
            bool retryable;
            using (var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptCancellation.CancelAfter(options.AttemptTimeout);
                try
                {
                    using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
                    message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(QueryProtocol.ContentType);
                    message.Headers.TryAddWithoutValidation("User-Agent", "deploy-aws/1.0");
                    using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, attemptCancellation.Token).ConfigureAwait(false);
                    var content = await response.Content.ReadAsByteArrayAsync(attemptCancellation.Token).ConfigureAwait(false);
                    var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
                    if (response.IsSuccessStatusCode)
                    {
                        Observe(options, service, action, attempt, (int)response.StatusCode, started, requestId, null, false);
                        return Result(content, action) ?? throw new InvalidDataException($"{service.DisplayName} {action} returned a body that is not XML.");
                    }

                    var parsed = QueryProtocol.ParseError(content);
                    error = new AwsErrorDetails(
                        service.DisplayName,
                        action,
                        resource,
                        parsed.Code ?? string.Create(CultureInfo.InvariantCulture, $"Http{(int)response.StatusCode}"),
                        parsed.Message ?? string.Empty,
                        requestId ?? parsed.RequestId,
                        response.StatusCode);
                    retryable = AwsRetryPolicy.IsRetryable(response.StatusCode, error.Code);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    inner = ex;
                    error = new AwsErrorDetails(service.DisplayName, action, resource, "RequestTimeout", "No response within the attempt timeout.", null, 0);
                    retryable = true;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    inner = ex;
                    error = new AwsErrorDetails(service.DisplayName, action, resource, "ConnectionError", ex.Message, null, 0);
                    retryable = true;
                }
            }

            var willRetry = retryable && attempt < options.MaxAttempts;
            Observe(options, service, action, attempt, error.StatusCode == 0 ? null : (int)error.StatusCode, started, error.RequestId, error.Code, willRetry);
            if (!willRetry)
            {
                throw service.ExceptionFactory(error, inner);
            }

            await delay(AwsRetryPolicy.Backoff(attempt, options.BaseDelay, options.MaxDelay, jitter()), cancellationToken).ConfigureAwait(false);
        }
    }

    private static XElement? Result(byte[] body, string action)
    {
        if (body.Length == 0)
        {
            return new XElement(action + "Result");
        }

        try
        {
            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var root = XDocument.Load(reader).Root;
            return root?.Child(action + "Result") ?? new XElement(action + "Result");
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static void Observe(
        AwsSessionOptions options,
        AwsService service,
        string action,
        int attempt,
        int? status,
        long started,
        string? requestId,
        string? errorCode,
        bool willRetry) =>
        options.Observer?.Invoke(new AwsCallRecord(service.ServiceId, action, attempt, status, Stopwatch.GetElapsedTime(started), requestId, errorCode, willRetry));
}
