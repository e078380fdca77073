using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.Sns;

/// <summary>One POST SNS made to the subscriber: its headers, its body, and when it arrived.</summary>
public sealed record SnsPost(IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan ArrivedAfter)
{
    /// <summary>The JSON document (null for a raw delivery that is not JSON).</summary>
    public JsonObject? Json
    {
        get
        {
            try
            {
                return JsonNode.Parse(Body) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }

    public string? Type => Headers.GetValueOrDefault("x-amz-sns-message-type");

    public string Field(string name) => Json?[name]?.GetValue<string>() ?? throw new InvalidOperationException($"no {name} in {Body}");
}

/// <summary>
/// A real HTTP subscriber on a loopback port, as an application behind an SNS subscription would be: it records every POST,
/// confirms a SubscriptionConfirmation by fetching its SubscribeURL (unsigned, as a browser or a subscriber library does),
/// and answers 200 unless a status is scripted for the next POSTs.
/// </summary>
public sealed class SnsSubscriber : IAsyncDisposable
{
    private readonly HttpListener listener;
    private readonly ConcurrentQueue<int> script = new();
    private readonly List<SnsPost> posts = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    private SnsSubscriber(HttpListener listener, int port, bool confirm)
    {
        this.listener = listener;
        Confirms = confirm;
        Endpoint = $"http://127.0.0.1:{port}/sns/{Guid.NewGuid():N}";
        loop = Task.Run(ServeAsync);
    }

    /// <summary>The URL to subscribe.</summary>
    public string Endpoint { get; }

    /// <summary>Whether SubscriptionConfirmations are confirmed through their SubscribeURL.</summary>
    public bool Confirms { get; set; }

    /// <summary>The answers of the SubscribeURL fetches (status and body).</summary>
    public ConcurrentQueue<(HttpStatusCode Status, string Body)> Confirmations { get; } = new();

    public IReadOnlyList<SnsPost> Posts
    {
        get
        {
            lock (posts)
            {
                return [.. posts];
            }
        }
    }

    public static Task<SnsSubscriber> StartAsync(bool confirm = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return Task.FromResult(new SnsSubscriber(listener, port, confirm));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Answers the next POSTs with these statuses, in order, instead of 200.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            script.Enqueue(status);
        }
    }

    /// <summary>Waits until the POSTs received satisfy <paramref name="done"/> (generous bounds: CI machines are busy).</summary>
    public async Task<IReadOnlyList<SnsPost>> WaitForAsync(Func<IReadOnlyList<SnsPost>, bool> done, TimeSpan timeout, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!done(Posts))
        {
            Assert.True(waited.Elapsed < timeout, $"timed out after {timeout.TotalSeconds:0} s waiting for {what}; received: {string.Join(" | ", Posts.Select(p => $"{p.Type}: {p.Body}"))}");
            await Task.Delay(100);
        }

        return Posts;
    }

    public async Task<SnsPost> WaitForAsync(string type, Func<SnsPost, bool> which, TimeSpan timeout) =>
        (await WaitForAsync(all => all.Any(p => p.Type == type && which(p)), timeout, type)).First(p => p.Type == type && which(p));

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
        http.Dispose();
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
                return;
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

        var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
            .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var post = new SnsPost(headers, body, clock.Elapsed);
        lock (posts)
        {
            posts.Add(post);
        }

        try
        {
            context.Response.StatusCode = script.TryDequeue(out var status) ? status : 200;
            context.Response.Close();
            if (context.Response.StatusCode == 200 && Confirms && post.Type == "SubscriptionConfirmation")
            {
                using var confirmation = await http.GetAsync(new Uri(post.Field("SubscribeURL")), stopping.Token);
                Confirmations.Enqueue((confirmation.StatusCode, await confirmation.Content.ReadAsStringAsync(stopping.Token)));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException or HttpRequestException)
        {
            // Stopping, or the client gave up.
        }
    }
}
