using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.LocalCloud.Protocols;

/// <summary>
/// JSON 1.1 wire handling: <c>X-Amz-Target: Prefix.Operation</c>, JSON body in and out, errors as
/// <c>{"__type","message"}</c> plus the <c>x-amzn-ErrorType</c> header.
/// </summary>
internal sealed class JsonProtocolEndpoint(
    IEnumerable<IJsonApiService> services, SigV4Verifier verifier, RequestCaller requestCaller, RequestAuthorization authorization, LocalCloudOptions options)
{
    private const string ContentType = "application/x-amz-json-1.1";

    public async Task HandleAsync(HttpContext context, string target, byte[] body)
    {
        var separator = target.LastIndexOf('.');
        var prefix = separator < 0 ? target : target[..separator];
        var operation = separator < 0 ? string.Empty : target[(separator + 1)..];
        var service = services.FirstOrDefault(s => s.TargetPrefix == prefix);
        var requestId = Guid.NewGuid().ToString();
        int status;
        string responseBody;
        try
        {
            var outcome = verifier.Verify(IncomingRequest.ForSignature(context, body), service?.SigningName);
            if (!outcome.IsVerified)
            {
                throw AuthenticationErrors.ForJson(outcome);
            }

            using var caller = requestCaller.Enter(outcome.Caller!);

            if (service is null)
            {
                throw new AwsServiceException("UnknownOperationException", $"Unknown target {target}");
            }

            var request = Parse(body);
            authorization.Authorize(outcome.Caller!, service.SigningName, operation,
                name => Member(request, name), jsonProtocol: true);
            var response = service.Handle(operation, request);
            status = StatusCodes.Status200OK;
            responseBody = response.ToJsonString();
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // A bug must still look like an AWS 500 (InternalFailure) so SDKs retry or report it cleanly.
            var error = failure as AwsServiceException
                        ?? new AwsServiceException("InternalFailure", failure.Message, System.Net.HttpStatusCode.InternalServerError);
            status = (int)error.Status;
            responseBody = new JsonObject { ["__type"] = error.Code, ["message"] = error.Message }.ToJsonString();
            context.Response.Headers["x-amzn-ErrorType"] = error.Code;
        }

        options.OnApiResponse?.Invoke(new ApiExchange("json", prefix, operation, status, responseBody));
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        await context.Response.WriteAsync(responseBody, Encoding.UTF8, context.RequestAborted);
    }

    /// <summary>A top-level string member, or the one string of a one-item list (what authorization names a resource by).</summary>
    private static string? Member(JsonObject request, string name) => request[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonArray { Count: 1 } list when list[0] is JsonValue only && only.TryGetValue<string>(out var text) => text,
        _ => null,
    };

    private static JsonObject Parse(byte[] body)
    {
        if (body.Length == 0)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(body) as JsonObject
                   ?? throw new AwsServiceException("SerializationException", "Start of structure or map expected.");
        }
        catch (JsonException error)
        {
            throw new AwsServiceException("SerializationException", $"Malformed JSON body: {error.Message}");
        }
    }
}
