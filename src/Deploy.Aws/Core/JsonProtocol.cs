using System.Text.Json;

namespace Deploy.Aws;

/// <summary>AWS JSON 1.1: POST / with X-Amz-Target, errors from <c>__type</c> or <c>x-amzn-errortype</c>.</summary>
internal static class JsonProtocol
{
    public const string ContentType = "application/x-amz-json-1.1";

    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>Sends <paramref name="request"/> (null means <c>{}</c>) and reads the response as <typeparamref name="TResponse"/>.</summary>
    public static async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        AwsSession session,
        AwsService service,
        string operation,
        TRequest? request,
        string? resource,
        CancellationToken cancellationToken)
        where TRequest : class
    {
        var response = await SendAsync(session, service, operation, request, resource, cancellationToken).ConfigureAwait(false);
        var body = response.Body.Length == 0 ? EmptyObject : response.Body;
        try
        {
            return JsonSerializer.Deserialize<TResponse>(body, AwsJson.Options)
                ?? throw new InvalidDataException($"{service.DisplayName} {operation} returned an empty body.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(
                $"{service.DisplayName} {operation} returned a response that does not match its model (request id {response.RequestId ?? "unknown"}): {ex.Message}",
                ex);
        }
    }

    /// <summary>For operations whose response carries nothing we use.</summary>
    public static async Task InvokeAsync<TRequest>(
        AwsSession session,
        AwsService service,
        string operation,
        TRequest? request,
        string? resource,
        CancellationToken cancellationToken)
        where TRequest : class =>
        await SendAsync(session, service, operation, request, resource, cancellationToken).ConfigureAwait(false);

    public static byte[] Serialize<TRequest>(TRequest? request)
        where TRequest : class =>
        request is null ? EmptyObject : JsonSerializer.SerializeToUtf8Bytes(request, AwsJson.Options);

    private static Task<AwsHttpResponse> SendAsync<TRequest>(
        AwsSession session,
        AwsService service,
        string operation,
        TRequest? request,
        string? resource,
        CancellationToken cancellationToken)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(session);
        var call = new AwsHttpRequest(service, operation, resource, Serialize(request), ContentType, service.TargetPrefix + "." + operation);
        return session.SendAsync(call, cancellationToken);
    }

    public static ParsedError ParseError(byte[] body, string? errorTypeHeader)
    {
        string? code = null;
        string? message = null;
        try
        {
            if (body.Length > 0)
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        if (property.Value.ValueKind != JsonValueKind.String)
                        {
                            continue;
                        }

                        switch (property.Name)
                        {
                            case "__type":
                            case "code":
                            case "Code":
                                code ??= property.Value.GetString();
                                break;
                            case "message":
                            case "Message":
                            case "errorMessage":
                                message ??= property.Value.GetString();
                                break;
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A proxy or load balancer may answer with HTML; the status code still tells what happened.
        }

        code = SanitizeCode(errorTypeHeader) ?? SanitizeCode(code);
        return new ParsedError(code, message, null);
    }

    /// <summary><c>aws.protocoltests#FooError:http://...</c> → <c>FooError</c>.</summary>
    internal static string? SanitizeCode(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var code = raw;
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        var hash = code.LastIndexOf('#');
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        code = code.Trim();
        return code.Length == 0 ? null : code;
    }
}

/// <summary>A JSON 1.1 client's calls to its service: a null request is refused, the rest goes through <see cref="JsonProtocol"/>.</summary>
internal sealed class JsonCalls(AwsSession session, AwsService service)
{
    private readonly AwsSession session = session ?? throw new ArgumentNullException(nameof(session));

    public Task<TResponse> CallAsync<TRequest, TResponse>(string operation, TRequest request, string? resource, CancellationToken cancellationToken)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(request);
        return JsonProtocol.InvokeAsync<TRequest, TResponse>(session, service, operation, request, resource, cancellationToken);
    }

    /// <summary>For operations whose response carries nothing we use.</summary>
    public Task CallAsync<TRequest>(string operation, TRequest request, string? resource, CancellationToken cancellationToken)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(request);
        return JsonProtocol.InvokeAsync(session, service, operation, request, resource, cancellationToken);
    }
}
