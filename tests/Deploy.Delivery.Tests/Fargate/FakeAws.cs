using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Deploy.Aws;

namespace Deploy.Delivery.Tests.Fargate;

/// <summary>One JSON 1.1 call the fake received: the operation (after the last '.' of X-Amz-Target), its body and content type.</summary>
internal sealed record AwsCall(string Target, string Operation, JsonObject Body, string? ContentType = null);

/// <summary>An AWS error the fake answers with (HTTP 400, <c>{"__type": code, "message": …}</c>).</summary>
internal sealed class FakeAwsError(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// ECS, ECR and CloudWatch Logs faked at the HTTP boundary, keyed on X-Amz-Target (the idea of
/// tests/Deploy.Aws.Tests/Support/RecordingHandler, reduced to what these tests need): our real clients sign and send
/// JSON 1.1 requests, every call is recorded, and each operation is answered by a handler returning the response JSON
/// (or throwing <see cref="FakeAwsError"/>). An operation without a handler fails the test loudly.
/// </summary>
internal sealed class FakeAws : HttpMessageHandler
{
    private readonly List<AwsCall> calls = [];

    public Dictionary<string, Func<AwsCall, string>> Handlers { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<AwsCall> Calls
    {
        get
        {
            lock (calls)
            {
                return [.. calls];
            }
        }
    }

    public IReadOnlyList<string> Operations => [.. Calls.Select(c => c.Operation)];

    public AwsSession Session() => new(new AwsSessionOptions
    {
        Region = "us-east-1",
        Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "fake-secret"),
        HttpHandler = this,
        MaxAttempts = 1,
        Delay = (_, _) => Task.CompletedTask,
    });

    /// <summary>Answers <paramref name="operation"/> with each of <paramref name="responses"/> in turn, then the last one forever.</summary>
    public void Sequence(string operation, params string[] responses)
    {
        var next = 0;
        Handlers[operation] = _ => responses[Math.Min(next++, responses.Length - 1)];
    }

    public static string Json(object value) => JsonSerializer.Serialize(value, AwsJson.Options);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.TryGetValues("X-Amz-Target", out var values))
        {
            return await QueryAsync(request, cancellationToken);
        }

        var target = values.Single();
        var text = request.Content is null ? "{}" : await request.Content.ReadAsStringAsync(cancellationToken);
        var call = new AwsCall(target, target[(target.LastIndexOf('.') + 1)..], JsonNode.Parse(text)!.AsObject(), request.Content?.Headers.ContentType?.ToString());
        lock (calls)
        {
            calls.Add(call);
        }

        if (!Handlers.TryGetValue(call.Operation, out var handler))
        {
            throw new InvalidOperationException($"The fake has no handler for {call.Operation}: {text}");
        }

        try
        {
            return Response(HttpStatusCode.OK, handler(call));
        }
        catch (FakeAwsError e)
        {
            return Response(HttpStatusCode.BadRequest, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = e.Code, ["message"] = e.Message }));
        }
    }

    /// <summary>
    /// A query-protocol call (IAM): the form's fields become the call's body, the handler returns the inner XML of
    /// <c>&lt;ActionResult&gt;</c>; a <see cref="FakeAwsError"/> becomes the query error document.
    /// </summary>
    private async Task<HttpResponseMessage> QueryAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var form = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var body = new JsonObject();
        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            body[Uri.UnescapeDataString(pair[..equals])] = Uri.UnescapeDataString(pair[(equals + 1)..]);
        }

        var action = body["Action"]?.GetValue<string>() ?? throw new InvalidOperationException("neither X-Amz-Target nor Action: " + form);
        var call = new AwsCall("query", action, body, request.Content?.Headers.ContentType?.ToString());
        lock (calls)
        {
            calls.Add(call);
        }

        if (!Handlers.TryGetValue(action, out var handler))
        {
            throw new InvalidOperationException($"The fake has no handler for {action}: {form}");
        }

        string xml;
        HttpStatusCode status;
        try
        {
            (xml, status) = ($"<{action}Response><{action}Result>{handler(call)}</{action}Result></{action}Response>", HttpStatusCode.OK);
        }
        catch (FakeAwsError e)
        {
            (xml, status) = ($"<ErrorResponse><Error><Type>Sender</Type><Code>{e.Code}</Code><Message>{System.Security.SecurityElement.Escape(e.Message)}</Message></Error>"
                + "<RequestId>req-1</RequestId></ErrorResponse>", e.Code == "NoSuchEntity" ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest);
        }

        var response = new HttpResponseMessage(status) { Content = new StringContent(xml, Encoding.UTF8, "text/xml") };
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "req-1");
        return response;
    }

    private static HttpResponseMessage Response(HttpStatusCode status, string body)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "req-1");
        return response;
    }
}

/// <summary>A clock that only moves when the code under test waits: every delay is recorded and advances it.</summary>
internal sealed class FakeClock : TimeProvider
{
    private readonly List<TimeSpan> delays = [];

    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public IReadOnlyList<TimeSpan> Delays => [.. delays];

    public override DateTimeOffset GetUtcNow() => Now;

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        delays.Add(delay);
        Now += delay;
        return Task.CompletedTask;
    }
}
