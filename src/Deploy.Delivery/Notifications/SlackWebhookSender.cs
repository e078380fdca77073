using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Deploy.Delivery.Notifications;

/// <summary>How hard <see cref="SlackWebhookSender"/> tries.</summary>
public sealed record SlackDeliveryOptions
{
    /// <summary>Attempts, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The wait before the second attempt; doubled for each later one, with jitter.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one ends the attempts (a deploy does not wait minutes for a chat message).</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take, connecting included.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>The result of a delivery: delivered, or why not (never the URL: it is the secret).</summary>
/// <param name="Delivered">Slack answered 2xx.</param>
/// <param name="Attempts">Requests made.</param>
/// <param name="Problem">For an undelivered message: the last answer or error, e.g. <c>HTTP 404 no_service</c>.</param>
public sealed record SlackDelivery(bool Delivered, int Attempts, string? Problem = null);

/// <summary>
/// POSTs a message to a Slack incoming webhook. Retries what may pass on a second try — 429 (after its
/// <c>Retry-After</c>, within <see cref="SlackDeliveryOptions.MaxRetryAfter"/>), 5xx, connection errors and timeouts — with
/// jittered exponential backoff, up to <see cref="SlackDeliveryOptions.MaxAttempts"/>; a 4xx such as <c>invalid_payload</c>
/// or <c>no_service</c> is final. Never throws for a delivery problem: the caller decides what a failed message means.
/// Exception messages of HttpClient are never passed on, since they may name the request URI.
/// </summary>
public sealed class SlackWebhookSender(
    HttpClient http,
    SlackDeliveryOptions? options = null,
    Func<TimeSpan, CancellationToken, Task>? delay = null,
    Func<double>? jitter = null)
{
    private const int BodyShown = 200;

    private readonly SlackDeliveryOptions options = options ?? new SlackDeliveryOptions();
    private readonly Func<TimeSpan, CancellationToken, Task> delay = delay ?? Task.Delay;
    private readonly Func<double> jitter = jitter ?? Random.Shared.NextDouble;

    /// <summary>Observes each attempt (number, outcome), for verbose logs; never given the URL.</summary>
    public Action<int, string>? OnAttempt { get; init; }

    /// <summary>Sends <paramref name="json"/> to <paramref name="webhook"/>; stops waiting when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<SlackDelivery> SendAsync(Uri webhook, string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(json);
        string problem = "no attempt was made";
        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            TimeSpan? wait;
            try
            {
                var answer = await AttemptAsync(webhook, json, cancellationToken);
                problem = answer.Problem;
                OnAttempt?.Invoke(attempt, answer.Delivered ? "ok" : problem);
                if (answer.Delivered)
                {
                    return new SlackDelivery(true, attempt);
                }

                wait = answer.Retry ? answer.RetryAfter ?? Backoff(attempt) : null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new SlackDelivery(false, attempt, "cancelled");
            }

            if (wait is null || attempt == options.MaxAttempts)
            {
                return new SlackDelivery(false, attempt, problem);
            }

            if (wait > options.MaxRetryAfter)
            {
                return new SlackDelivery(false, attempt, $"{problem}; Slack asked to retry after {wait.Value.TotalSeconds:0} s, more than the {options.MaxRetryAfter.TotalSeconds:0} s this build waits");
            }

            try
            {
                await delay(wait.Value, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new SlackDelivery(false, attempt, "cancelled");
            }
        }

        return new SlackDelivery(false, options.MaxAttempts, problem);
    }

    /// <summary>The jittered backoff before attempt <paramref name="attempt"/> + 1: half of 2^(n-1) × first, plus up to as much again.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var full = options.FirstBackoff * Math.Pow(2, attempt - 1);
        return full / 2 + full / 2 * Math.Clamp(jitter(), 0, 1);
    }

    /// <summary>One POST: delivered, or the problem, whether a retry may help and the wait Slack asked for.</summary>
    private async Task<(bool Delivered, string Problem, bool Retry, TimeSpan? RetryAfter)> AttemptAsync(Uri webhook, string json, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.AttemptTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return (true, "", false, null);
            }

            var body = Scrub((await response.Content.ReadAsStringAsync(timeout.Token)).Trim(), webhook);
            var status = (int)response.StatusCode;
            var problem = $"HTTP {status}{(body.Length > 0 ? " " + body : "")}";
            return response.StatusCode == HttpStatusCode.TooManyRequests
                ? (false, problem, true, RetryAfter(response))
                : (false, problem, status >= 500, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {options.AttemptTimeout.TotalSeconds:0} s", true, null);
        }
        catch (HttpRequestException e)
        {
            return (false, Describe(e), true, null);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait is null ? null : wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    /// <summary>What went wrong on the wire, from the error's kind and socket code only (its message may name the URI).</summary>
    private static string Describe(HttpRequestException e)
    {
        var socket = e.InnerException as SocketException ?? e.InnerException?.InnerException as SocketException;
        var kind = e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "the webhook's host name does not resolve",
            HttpRequestError.ConnectionError => "could not connect",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed",
            HttpRequestError.ProxyTunnelError => "the proxy refused the tunnel",
            HttpRequestError.ResponseEnded => "the connection closed before an answer",
            _ => "the request failed",
        };
        return socket is null ? $"{kind} ({e.HttpRequestError})" : $"{kind} ({socket.SocketErrorCode})";
    }

    /// <summary>Slack answers a short word (<c>invalid_payload</c>); anything else is cut, and never repeats the URL.</summary>
    private static string Scrub(string body, Uri webhook)
    {
        foreach (var secret in new[] { webhook.OriginalString, webhook.AbsoluteUri, webhook.PathAndQuery })
        {
            if (secret.Length > 1)
            {
                body = body.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        body = body.ReplaceLineEndings(" ");
        return body.Length <= BodyShown ? body : body[..BodyShown] + "…";
    }
}
