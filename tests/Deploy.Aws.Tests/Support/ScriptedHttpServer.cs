using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Deploy.Aws.Tests.Support;

/// <summary>What a <see cref="ScriptedHttpServer"/> does with one request.</summary>
public sealed class ScriptStep
{
    private ScriptStep(StepKind kind, int status, string body, IReadOnlyDictionary<string, string> headers, TimeSpan delay)
    {
        Kind = kind;
        Status = status;
        Body = body;
        Headers = headers;
        Delay = delay;
    }

    public enum StepKind
    {
        Respond,
        ResetConnection,
        CloseConnection,
        Hang,
    }

    public StepKind Kind { get; }

    public int Status { get; }

    public string Body { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Time the server waits before acting.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Answers with a status, UTF-8 body and headers (Content-Type defaults to JSON 1.1).</summary>
    public static ScriptStep Respond(int status, string body = "", IReadOnlyDictionary<string, string>? headers = null) =>
        new(StepKind.Respond, status, body, headers ?? new Dictionary<string, string>(), TimeSpan.Zero);

    /// <summary>A JSON-protocol error: <c>{"__type":code,"message":message}</c> with <c>x-amzn-RequestId</c>.</summary>
    public static ScriptStep JsonError(int status, string code, string message = "scripted error") =>
        Respond(
            status,
            $$"""{"__type":"{{code}}","message":"{{message}}"}""",
            new Dictionary<string, string> { ["Content-Type"] = "application/x-amz-json-1.1", ["x-amzn-RequestId"] = "scripted-" + code });

    /// <summary>A query-protocol error document.</summary>
    public static ScriptStep QueryError(int status, string code, string message = "scripted error") =>
        Respond(
            status,
            $"<ErrorResponse><Error><Type>{(status >= 500 ? "Receiver" : "Sender")}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>scripted-{code}</RequestId></ErrorResponse>",
            new Dictionary<string, string> { ["Content-Type"] = "text/xml" });

    /// <summary>Resets the TCP connection (RST) after reading the request, without answering.</summary>
    public static ScriptStep ResetConnection() =>
        new(StepKind.ResetConnection, 0, string.Empty, new Dictionary<string, string>(), TimeSpan.Zero);

    /// <summary>Closes the connection gracefully (FIN) after reading the request, without answering.</summary>
    public static ScriptStep CloseConnection() =>
        new(StepKind.CloseConnection, 0, string.Empty, new Dictionary<string, string>(), TimeSpan.Zero);

    /// <summary>Never answers (until the server is disposed): for client timeouts and cancellation.</summary>
    public static ScriptStep Hang() =>
        new(StepKind.Hang, 0, string.Empty, new Dictionary<string, string>(), Timeout.InfiniteTimeSpan);

    /// <summary>The same step, performed after waiting <paramref name="delay"/>.</summary>
    public ScriptStep After(TimeSpan delay) => new(Kind, Status, Body, Headers, delay);
}

/// <summary>A request a <see cref="ScriptedHttpServer"/> received.</summary>
public sealed record ReceivedRequest(
    string Method,
    string Target,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    TimeSpan ReceivedAt,
    int Connection);

/// <summary>
/// A loopback HTTP/1.1 server (raw <see cref="TcpListener"/>) that answers requests in arrival order from a
/// script: a status + headers + body, a connection reset, a graceful close, a delay, or no answer at all.
/// When the script runs out, it answers with <see cref="Fallback"/> (500 by default). Records every request
/// with the time it arrived (since the server started), for checking retry counts and back-off delays.
/// </summary>
public sealed class ScriptedHttpServer : IAsyncDisposable, IDisposable
{
    private readonly TcpListener listener;
    private readonly ConcurrentQueue<ScriptStep> script = new();
    private readonly List<ReceivedRequest> received = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Task acceptLoop;
    private readonly ConcurrentDictionary<int, TcpClient> connections = new();
    private readonly SemaphoreSlim arrivals = new(0);
    private int connectionCount;
    private int disposed;

    public ScriptedHttpServer(params ScriptStep[] steps)
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        Enqueue(steps);
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>What to do once the script is exhausted.</summary>
    public ScriptStep Fallback { get; set; } = ScriptStep.Respond(500, "script exhausted");

    /// <summary>Requests received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (received)
            {
                return [.. received];
            }
        }
    }

    /// <summary>Number of TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref connectionCount);

    /// <summary>Gaps between consecutive request arrivals (e.g. the client's back-off delays).</summary>
    public IReadOnlyList<TimeSpan> Gaps
    {
        get
        {
            var requests = Requests;
            return requests.Skip(1).Select((r, i) => r.ReceivedAt - requests[i].ReceivedAt).ToList();
        }
    }

    public void Enqueue(params ScriptStep[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var step in steps)
        {
            script.Enqueue(step);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests have arrived.</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (Requests.Count < count)
        {
            await arrivals.WaitAsync(cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stopping.CancelAsync();
        listener.Stop();
        foreach (var client in connections.Values)
        {
            client.Dispose();
        }

        try
        {
            await acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
        arrivals.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };

    private static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            var read = await stream.ReadAsync(one, cancellationToken);
            if (read == 0)
            {
                return bytes.Count == 0 ? null : Encoding.ASCII.GetString([.. bytes]);
            }

            if (one[0] == '\n')
            {
                if (bytes.Count > 0 && bytes[^1] == '\r')
                {
                    bytes.RemoveAt(bytes.Count - 1);
                }

                return Encoding.ASCII.GetString([.. bytes]);
            }

            bytes.Add(one[0]);
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    private static async Task<byte[]> ReadChunkedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(stream, cancellationToken) ?? throw new IOException("connection closed in chunked body");
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while (!string.IsNullOrEmpty(await ReadLineAsync(stream, cancellationToken)))
                {
                }

                return body.ToArray();
            }

            body.Write(await ReadExactlyAsync(stream, size, cancellationToken));
            await ReadLineAsync(stream, cancellationToken);
        }
    }

    private async Task AcceptLoopAsync()
    {
        var handlers = new List<Task>();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stopping.Token);
                var id = Interlocked.Increment(ref connectionCount);
                connections[id] = client;
                handlers.Add(Task.Run(() => ServeAsync(client, id)));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }

        await Task.WhenAll(handlers);
    }

    private async Task ServeAsync(TcpClient client, int id)
    {
        var token = stopping.Token;
        try
        {
            var stream = client.GetStream();
            while (!token.IsCancellationRequested)
            {
                var requestLine = await ReadLineAsync(stream, token);
                if (string.IsNullOrEmpty(requestLine))
                {
                    return;
                }

                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                string? line;
                while (!string.IsNullOrEmpty(line = await ReadLineAsync(stream, token)))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        var name = line[..colon].Trim();
                        var value = line[(colon + 1)..].Trim();
                        headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
                    }
                }

                byte[] body = [];
                if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    body = await ReadChunkedAsync(stream, token);
                }
                else if (headers.TryGetValue("Content-Length", out var length) && int.TryParse(length, CultureInfo.InvariantCulture, out var count) && count > 0)
                {
                    body = await ReadExactlyAsync(stream, count, token);
                }

                var parts = requestLine.Split(' ');
                ScriptStep step;
                lock (received)
                {
                    received.Add(new ReceivedRequest(
                        parts[0],
                        parts.Length > 1 ? parts[1] : string.Empty,
                        headers,
                        Encoding.UTF8.GetString(body),
                        clock.Elapsed,
                        id));
                    step = script.TryDequeue(out var next) ? next : Fallback;
                }

                arrivals.Release();
                if (step.Delay != TimeSpan.Zero)
                {
                    await Task.Delay(step.Delay, token);
                }

                switch (step.Kind)
                {
                    case ScriptStep.StepKind.ResetConnection:
                        client.Client.LingerState = new LingerOption(true, 0);
                        client.Client.Close();
                        return;

                    case ScriptStep.StepKind.CloseConnection:
                        client.Client.Shutdown(SocketShutdown.Both);
                        return;

                    case ScriptStep.StepKind.Hang:
                        await Task.Delay(Timeout.Infinite, token);
                        return;

                    default:
                        await WriteResponseAsync(stream, step, token);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            connections.TryRemove(id, out _);
            client.Dispose();
        }
    }

    private static async Task WriteResponseAsync(Stream stream, ScriptStep step, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(step.Body);
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {step.Status} {Reason(step.Status)}\r\n");
        var headers = new Dictionary<string, string>(step.Headers, StringComparer.OrdinalIgnoreCase);
        headers.TryAdd("Content-Type", "application/x-amz-json-1.1");
        headers["Content-Length"] = body.Length.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
