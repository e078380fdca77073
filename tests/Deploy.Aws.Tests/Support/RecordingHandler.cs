using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Deploy.Aws.Tests.Support;

/// <summary>A request as it left the client (after signing), with its body read.</summary>
public sealed partial class CapturedRequest
{
    internal CapturedRequest(HttpMethod method, Uri? uri, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        Method = method;
        Uri = uri;
        Headers = headers;
        Body = body;
    }

    /// <summary>Reads a request (headers and body) without consuming it for the next handler.</summary>
    public static async Task<CapturedRequest> CaptureAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        var body = Array.Empty<byte>();
        if (request.Content is not null)
        {
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(", ", values);
            }
        }

        return new CapturedRequest(request.Method, request.RequestUri, headers, body);
    }

    public HttpMethod Method { get; }

    public Uri? Uri { get; }

    /// <summary>Request and content headers, case-insensitive; repeated values joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public IReadOnlyList<byte> Body { get; }

    public string BodyText => Encoding.UTF8.GetString([.. Body]);

    public string? ContentType => Header("Content-Type");

    /// <summary>The operation: what follows the last '.' of X-Amz-Target, else the query Action field.</summary>
    public string? Operation
    {
        get
        {
            if (Header("X-Amz-Target") is { } target)
            {
                return target[(target.LastIndexOf('.') + 1)..];
            }

            return FormField("Action");
        }
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>A decoded field of a form-encoded (query protocol) body.</summary>
    public string? FormField(string name)
    {
        foreach (var pair in BodyText.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            if (key == name)
            {
                return equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    /// <summary>Method, URI, operation and body, with token-like form fields masked.</summary>
    public override string ToString() => $"{Method} {Uri} {Operation} {SecretFields().Replace(BodyText, "$1=***")}";

    [System.Text.RegularExpressions.GeneratedRegex("(WebIdentityToken|SecretAccessKey|SessionToken|Password)=[^&]*", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex SecretFields();
}

/// <summary>
/// The innermost handler of an <see cref="HttpClient"/> pipeline: records every request (method, URI, headers,
/// body) and answers from a responder, without any network. Put it under the client's signing/retry handlers to
/// see exactly what would go on the wire.
/// </summary>
public sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Func<CapturedRequest, HttpResponseMessage> responder;
    private readonly ConcurrentQueue<CapturedRequest> requests = new();

    public RecordingHandler(Func<CapturedRequest, HttpResponseMessage> responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        this.responder = responder;
    }

    /// <summary>All requests so far, in order.</summary>
    public IReadOnlyList<CapturedRequest> Requests => [.. requests];

    /// <summary>The most recent request.</summary>
    public CapturedRequest Last => requests.LastOrDefault() ?? throw new InvalidOperationException("no request was sent");

    /// <summary>Answers every request with the same status, body and content type (plus optional headers).</summary>
    public static RecordingHandler Answering(
        string body,
        string contentType = "application/x-amz-json-1.1",
        HttpStatusCode status = HttpStatusCode.OK,
        IReadOnlyDictionary<string, string>? headers = null)
        => new(_ => Response(status, body, contentType, headers));

    /// <summary>
    /// Answers each request with <see cref="BotocoreModels.SampleResponse"/> for the operation it names
    /// (JSON 1.1 or text/xml according to the service's protocol), with an <c>x-amzn-RequestId</c> header.
    /// </summary>
    public static RecordingHandler AnsweringWithSamples(string service)
    {
        var model = BotocoreModels.Load(service);
        var contentType = model.Protocol == "json" ? "application/x-amz-json-" + (model.JsonVersion ?? "1.0") : "text/xml";
        return new(request =>
        {
            var operation = request.Operation ?? throw new InvalidOperationException($"request names no operation: {request}");
            return Response(
                HttpStatusCode.OK,
                BotocoreModels.SampleResponse(service, operation),
                contentType,
                new Dictionary<string, string> { ["x-amzn-RequestId"] = "00000000-0000-4000-8000-000000000001" });
        });
    }

    /// <summary>Builds a response with a UTF-8 body.</summary>
    public static HttpResponseMessage Response(
        HttpStatusCode status,
        string body,
        string contentType = "application/x-amz-json-1.1",
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) };
        response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var captured = await CapturedRequest.CaptureAsync(request, cancellationToken);
        requests.Enqueue(captured);
        var response = responder(captured);
        response.RequestMessage ??= request;
        return response;
    }
}

/// <summary>
/// Records every request on its way to a real server (moto, a <see cref="ScriptedHttpServer"/>) and passes it on, so
/// round-trip tests can also check what was sent against the model (<see cref="AssertAllConform"/>).
/// </summary>
public sealed class RequestRecorder : DelegatingHandler
{
    private readonly ConcurrentQueue<CapturedRequest> requests = new();

    public RequestRecorder()
        : base(new SocketsHttpHandler())
    {
    }

    public IReadOnlyList<CapturedRequest> Requests => [.. requests];

    /// <summary>Validates every recorded request against <paramref name="service"/>'s model (requests to other services are skipped).</summary>
    public void AssertAllConform(string service)
    {
        var model = BotocoreModels.Load(service);
        var violations = Requests
            .Where(r => BelongsTo(r, model))
            .SelectMany(r => r.Violations(service))
            .ToList();
        ModelAssert.Conforms(violations);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        requests.Enqueue(await CapturedRequest.CaptureAsync(request, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    private static bool BelongsTo(CapturedRequest request, ServiceModel model)
    {
        // The SigV4 credential scope names the signing service; unsigned calls are told apart by their Action.
        if (request.Header("Authorization") is { } authorization)
        {
            return authorization.Contains($"/{model.SigningName}/aws4_request", StringComparison.Ordinal);
        }

        return request.Header("X-Amz-Target") is { } target
            ? target.StartsWith(model.TargetPrefix + ".", StringComparison.Ordinal)
            : request.Operation is { } operation && model.Protocol == "query" && model.HasOperation(operation);
    }
}
