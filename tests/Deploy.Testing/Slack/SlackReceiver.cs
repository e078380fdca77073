using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Deploy.Testing.Slack;

/// <summary>One request the receiver got.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path.</param>
/// <param name="ContentType">The Content-Type header.</param>
/// <param name="Body">The body as UTF-8 text.</param>
/// <param name="ReceivedAt">When it arrived.</param>
public sealed record SlackRequest(string Method, string Path, string? ContentType, string Body, DateTimeOffset ReceivedAt);

/// <summary>An answer the receiver gives instead of Slack's <c>200 ok</c>.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The plain-text body (Slack answers a word: <c>invalid_payload</c>, <c>no_service</c>, ...).</param>
/// <param name="RetryAfter">A <c>Retry-After</c> header value, for 429.</param>
/// <param name="Delay">How long to hold the request before answering (a hanging Slack).</param>
public sealed record SlackAnswer(int Status, string Body, string? RetryAfter = null, TimeSpan? Delay = null);

/// <summary>
/// A local stand-in for a Slack incoming webhook: an HTTP listener on 127.0.0.1 (a free port) that records every request and
/// answers as Slack does — <c>200 ok</c>, <c>404 no_service</c> for any other path — or with scripted answers, one per
/// request, first in first out (429 with <c>Retry-After</c>, 500, a slow answer). Its <see cref="WebhookUrl"/> carries a
/// random token, so a test can look for it in output, logs and files.
/// </summary>
public sealed class SlackReceiver : IAsyncDisposable
{
    private readonly HttpListener listener;
    private readonly ConcurrentQueue<SlackAnswer> script = new();
    private readonly List<SlackRequest> requests = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    private SlackReceiver(HttpListener listener, int port)
    {
        this.listener = listener;
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        WebhookUrl = new Uri($"http://127.0.0.1:{port}/services/T0TESTTEAM/B0TESTHOOK/{token}");
        loop = Task.Run(ServeAsync);
    }

    /// <summary>The webhook's URL: the secret a build must never print.</summary>
    public Uri WebhookUrl { get; }

    /// <summary>The random part of <see cref="WebhookUrl"/>, also never to be printed.</summary>
    public string Token => WebhookUrl.Segments[^1];

    /// <summary>Every request so far, in order of arrival.</summary>
    public IReadOnlyList<SlackRequest> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>Starts a receiver on a free loopback port.</summary>
    public static Task<SlackReceiver> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return Task.FromResult(new SlackReceiver(listener, port));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close(); // the port was taken in between: try another
            }
        }
    }

    /// <summary>A webhook URL on a loopback port where nothing listens: a Slack that is down.</summary>
    public static Uri DownWebhookUrl() =>
        new($"http://127.0.0.1:{FreePort.Next()}/services/T0TESTTEAM/B0TESTHOOK/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}");

    /// <summary>Answers the next request with <paramref name="answer"/> instead of <c>200 ok</c>.</summary>
    public SlackReceiver Then(SlackAnswer answer)
    {
        script.Enqueue(answer);
        return this;
    }

    /// <summary>Waits until <paramref name="count"/> requests arrived, or <paramref name="timeout"/> passed; returns them.</summary>
    public async Task<IReadOnlyList<SlackRequest>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (Requests.Count < count && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await loop;
        }
        catch (ObjectDisposedException)
        {
        }

        listener.Close();
        stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var path = context.Request.Url?.AbsolutePath ?? "";
        lock (requests)
        {
            requests.Add(new SlackRequest(context.Request.HttpMethod, path, context.Request.ContentType, body, DateTimeOffset.UtcNow));
        }

        var answer = path != WebhookUrl.AbsolutePath ? new SlackAnswer(404, "no_service")
            : context.Request.HttpMethod != "POST" ? new SlackAnswer(405, "invalid_method")
            : script.TryDequeue(out var scripted) ? scripted
            : new SlackAnswer(200, "ok");
        try
        {
            if (answer.Delay is { } delay)
            {
                await Task.Delay(delay, stopping.Token);
            }

            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            if (answer.RetryAfter is { } retryAfter)
            {
                context.Response.Headers["Retry-After"] = retryAfter;
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            await context.Response.OutputStream.WriteAsync(bytes, stopping.Token);
            context.Response.Close();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException)
        {
            // Stopped while holding the request, or the client gave up: nothing to answer.
        }
    }
}
