using System.Net;
using System.Text;

namespace Deploy.Aws.Tests.Core;

/// <summary>Fakes AWS at the HTTP boundary: answers each request with the next scripted step and records what was sent.</summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> steps = new();
    private readonly List<SentRequest> sent = [];

    public IReadOnlyList<SentRequest> Sent => sent;

    public ScriptedHandler Then(HttpStatusCode status, string body = "{}", params (string Name, string Value)[] headers)
    {
        steps.Enqueue((_, _) => Task.FromResult(Respond(status, body, headers)));
        return this;
    }

    public ScriptedHandler ThenError(HttpStatusCode status, string type, string message, string requestId = "req-1") =>
        Then(status, $$"""{"__type":"{{type}}","message":"{{message}}"}""", ("x-amzn-RequestId", requestId));

    /// <summary>An HTML page such as a proxy's, instead of an AWS answer.</summary>
    public ScriptedHandler ThenPage(HttpStatusCode status, string html)
    {
        steps.Enqueue((_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(html, Encoding.UTF8, "text/html") }));
        return this;
    }

    public ScriptedHandler ThenThrow(Exception exception)
    {
        steps.Enqueue((_, _) => Task.FromException<HttpResponseMessage>(exception));
        return this;
    }

    public ScriptedHandler ThenHang()
    {
        steps.Enqueue(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        sent.Add(new SentRequest(request.RequestUri!, headers, Encoding.UTF8.GetString(body)));
        if (steps.Count == 0)
        {
            throw new InvalidOperationException($"No scripted answer left for request {sent.Count}.");
        }

        return await steps.Dequeue()(request, cancellationToken);
    }

    private static HttpResponseMessage Respond(HttpStatusCode status, string body, (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}

internal sealed record SentRequest(Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>Sessions wired to a fake handler, with recorded (not slept) backoff.</summary>
internal static class FakeSessions
{
    public static readonly Amazon.Runtime.BasicAWSCredentials Credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    public static AwsSession Create(
        HttpMessageHandler handler,
        List<TimeSpan>? delays = null,
        int maxAttempts = 3,
        List<AwsCallRecord>? calls = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? attemptTimeout = null,
        string? unreachableHint = null) =>
        new(new AwsSessionOptions
        {
            Region = "us-east-1",
            Credentials = Credentials,
            HttpHandler = handler,
            MaxAttempts = maxAttempts,
            Jitter = () => 1.0,
            Delay = (delay, token) =>
            {
                token.ThrowIfCancellationRequested();
                delays?.Add(delay);
                return Task.CompletedTask;
            },
            Observer = calls is null ? null : calls.Add,
            Environment = environment ?? new Dictionary<string, string?>(),
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(60),
            UnreachableHint = unreachableHint,
        });
}
