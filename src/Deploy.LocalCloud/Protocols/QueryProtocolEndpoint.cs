using System.Text;
using System.Xml.Linq;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Authorization;
using Microsoft.AspNetCore.WebUtilities;

namespace Deploy.LocalCloud.Protocols;

/// <summary>
/// Query wire handling: form-encoded <c>Action=..&amp;Version=..</c> in, <c>&lt;ActionResponse&gt;</c> XML out,
/// errors as <c>&lt;ErrorResponse&gt;</c>. The service is chosen by the SigV4 scope's signing name.
/// </summary>
internal sealed class QueryProtocolEndpoint(
    IEnumerable<IQueryApiService> services, SigV4Verifier verifier, RequestCaller requestCaller, RequestAuthorization authorization, LocalCloudOptions options)
{
    public async Task HandleAsync(HttpContext context, byte[] body)
    {
        var parameters = QueryHelpers.ParseQuery(context.Request.QueryString.Value)
            .Concat(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value.ToString(), StringComparer.Ordinal);
        var action = parameters.GetValueOrDefault("Action") ?? string.Empty;
        var version = parameters.GetValueOrDefault("Version") ?? string.Empty;
        var requestId = Guid.NewGuid().ToString();
        IQueryApiService? service = null;
        int status;
        XDocument document;
        try
        {
            var outcome = verifier.Verify(IncomingRequest.ForSignature(context, body));
            service = services.FirstOrDefault(s => s.SigningName == outcome.SigningName)
                      ?? services.FirstOrDefault(s => s.Supports(action));
            // An unsigned call of an action AWS serves without a signature goes on, with no caller.
            var unsigned = outcome.Failure == SigV4Failure.MissingAuthentication && service?.AllowsUnsigned(action) == true;
            if (!outcome.IsVerified && !unsigned)
            {
                throw AuthenticationErrors.ForQuery(outcome);
            }

            using var caller = unsigned ? default : requestCaller.Enter(outcome.Caller!);

            service = (unsigned ? service : services.FirstOrDefault(s => s.SigningName == outcome.SigningName))
                      ?? throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {version}");
            if (!unsigned)
            {
                authorization.Authorize(outcome.Caller!, service.SigningName, action, parameters.GetValueOrDefault, jsonProtocol: false);
            }

            var result = await service.HandleAsync(action, new QueryParameters(parameters) { IsSigned = !unsigned }, context.RequestAborted);
            var ns = service.XmlNamespace;
            document = new XDocument(new XElement(ns + $"{action}Response",
                new XElement(ns + $"{action}Result", result),
                new XElement(ns + "ResponseMetadata", new XElement(ns + "RequestId", requestId))));
            status = StatusCodes.Status200OK;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // A bug must still look like an AWS 500 (InternalFailure) so SDKs retry or report it cleanly.
            var error = failure as AwsServiceException
                        ?? new AwsServiceException("InternalFailure", failure.Message, System.Net.HttpStatusCode.InternalServerError);
            document = ErrorDocument(service, error, requestId);
            status = (int)error.Status;
        }

        var text = document.ToString(SaveOptions.DisableFormatting);
        options.OnApiResponse?.Invoke(new ApiExchange("query", service?.SigningName ?? string.Empty, action, status, text));
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        await context.Response.WriteAsync(text, Encoding.UTF8, context.RequestAborted);
    }

    private static XDocument ErrorDocument(IQueryApiService? service, AwsServiceException error, string requestId)
    {
        var ns = service?.XmlNamespace ?? XNamespace.None;
        return new XDocument(new XElement(ns + "ErrorResponse",
            new XElement(ns + "Error",
                new XElement(ns + "Type", error.FaultType),
                new XElement(ns + "Code", error.Code),
                new XElement(ns + "Message", error.Message)),
            new XElement(ns + "RequestId", requestId)));
    }
}
