using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Deploy.LocalCloud.Sns;

/// <summary>
/// Posts messages to HTTP/S subscribers in the background, as SNS does: 2xx and 3xx are delivered, 4xx is a permanent
/// failure, 5xx, a 15 s timeout or a connection error are retried on the policy's schedule, within SNS's one hour. A
/// message that cannot be delivered is logged and dropped (SNS drops it too, or moves it to a dead-letter queue).
/// </summary>
internal sealed partial class SnsDelivery : IAsyncDisposable
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    // No redirects (a 3xx counts as delivered, as in SNS) and no trace headers: the POST carries what SNS's does.
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = AttemptTimeout,
        ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Task, byte> inFlight = new();
    private readonly TimeProvider clock;
    private readonly ILogger<SnsDelivery> logger;

    public SnsDelivery(TimeProvider clock, ILogger<SnsDelivery> logger)
    {
        this.clock = clock;
        this.logger = logger;
        http.DefaultRequestHeaders.UserAgent.ParseAdd("Amazon Simple Notification Service Agent");
    }

    /// <summary>Starts delivering in the background; never throws for the subscriber's sake.</summary>
    public void Send(HttpDelivery delivery)
    {
        var task = Task.Run(() => DeliverAsync(delivery, stopping.Token));
        inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(done => inFlight.TryRemove(done, out _), TaskScheduler.Default);
    }

    /// <summary>The outcome of one attempt: delivered, worth retrying, or a permanent failure.</summary>
    internal static AttemptOutcome Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 400 => AttemptOutcome.Delivered,
        >= 400 and < 500 => AttemptOutcome.Permanent,
        _ => AttemptOutcome.Retry,
    };

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await Task.WhenAny(Task.WhenAll(inFlight.Keys), Task.Delay(TimeSpan.FromSeconds(5)));
        stopping.Dispose();
        http.Dispose();
    }

    private async Task DeliverAsync(HttpDelivery delivery, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var delays = delivery.Policy.RetryDelays();
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            try
            {
                var status = await AttemptAsync(delivery, cancellationToken);
                switch (Classify(status))
                {
                    case AttemptOutcome.Delivered:
                        return;
                    case AttemptOutcome.Permanent:
                        LogGaveUp(logger, delivery.MessageType, delivery.MessageId, delivery.Endpoint, $"HTTP {(int)status}, which SNS treats as a permanent failure");
                        return;
                    default:
                        failure = $"HTTP {(int)status}";
                        break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                failure = $"no answer within {AttemptTimeout.TotalSeconds:0} s";
            }
            catch (HttpRequestException error)
            {
                failure = error.HttpRequestError.ToString();
            }

            if (attempt >= delays.Count || clock.GetUtcNow() + delays[attempt] - started > DeliveryPolicy.MaxMessageLifetime)
            {
                LogGaveUp(logger, delivery.MessageType, delivery.MessageId, delivery.Endpoint, $"{failure} after {attempt + 1} attempts");
                return;
            }

            try
            {
                await Task.Delay(delays[attempt], clock, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<HttpStatusCode> AttemptAsync(HttpDelivery delivery, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Endpoint);
        var contentType = delivery.Policy.HeaderContentType;
        request.Content = new StringContent(delivery.Body, Encoding.UTF8);
        request.Content.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in delivery.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        return response.StatusCode;
    }

    // Only the endpoint's scheme, host and port: its path may hold a token (a webhook's), which must not reach the log.
    private static void LogGaveUp(ILogger logger, string type, string messageId, Uri endpoint, string reason) =>
        LogNotDelivered(logger, type, messageId, endpoint.GetLeftPart(UriPartial.Authority), reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SNS: {Type} {MessageId} to {Endpoint} not delivered: {Reason}")]
    private static partial void LogNotDelivered(ILogger logger, string type, string messageId, string endpoint, string reason);
}

internal enum AttemptOutcome
{
    Delivered,
    Retry,
    Permanent,
}
