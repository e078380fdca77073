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
            authorization.AuthorizeEach(outcome.Caller!, service.SigningName, operation,
                path => Members(request, path), jsonProtocol: true);
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

    /// <summary>
    /// Every string at a member path (what authorization names resources and passed roles by): dots go into structures
    /// and lists are walked item by item, so <c>services</c> gives each service and <c>Targets.RoleArn</c> each target's role.
    /// </summary>
    private static List<string> Members(JsonObject request, string path)
    {
        IEnumerable<JsonNode?> nodes = [request];
        foreach (var name in path.Split('.'))
        {
            nodes = nodes.Select(node => (node as JsonObject)?[name]).SelectMany(node => node is JsonArray list ? (IEnumerable<JsonNode?>)list : [node]);
        }

        return [.. nodes.OfType<JsonValue>().Select(value => value.TryGetValue<string>(out var text) ? text : null).OfType<string>()];
    }

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
