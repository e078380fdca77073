using System.Text;
using System.Xml.Linq;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Protocols;
using Microsoft.AspNetCore.WebUtilities;

namespace Deploy.LocalCloud.Ec2;

/// <summary>
/// EC2 speaks its own query dialect: <c>&lt;ActionResponse&gt;</c> holds the members directly (no Result
/// element) and errors are <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;</c>. The shared query endpoint renders the
/// standard dialect, so requests signed for <c>ec2</c> are answered here, ahead of the router.
/// </summary>
internal sealed class Ec2Endpoint(
    Ec2Service service, SigV4Verifier verifier, RequestCaller requestCaller, RequestAuthorization authorization, LocalCloudOptions options)
{
    private const string ApiVersion = "2016-11-15";

    public static bool IsSignedForEc2(HttpRequest request)
    {
        var credential = request.Headers.Authorization.FirstOrDefault() ?? request.Query["X-Amz-Credential"].FirstOrDefault() ?? string.Empty;
        return credential.Contains("/ec2/aws4_request", StringComparison.Ordinal);
    }

    /// <summary>
    /// An unsigned request carries no signing name; EC2's API version (2016-11-15) identifies it, so it is refused
    /// in EC2's dialect too. The body is buffered and rewound for the router when it is not EC2's.
    /// </summary>
    public static async Task<bool> IsUnsignedEc2Async(HttpRequest request)
    {
        if (request.Headers.Authorization.Count > 0 || request.Query.ContainsKey("X-Amz-Credential"))
        {
            return false;
        }

        if (request.Query["Version"] == ApiVersion)
        {
            return true;
        }

        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true
            || request.ContentLength is null or > 64 * 1024)
        {
            return false;
        }

        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
        var form = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return QueryHelpers.ParseQuery(form).TryGetValue("Version", out var version) && version == ApiVersion;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var body = await IncomingRequest.ReadBodyAsync(context);
        var parameters = QueryHelpers.ParseQuery(context.Request.QueryString.Value)
            .Concat(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value.ToString(), StringComparer.Ordinal);
        var action = parameters.GetValueOrDefault("Action") ?? string.Empty;
        var requestId = Guid.NewGuid().ToString();
        int status;
        XDocument document;
        try
        {
            var outcome = verifier.Verify(IncomingRequest.ForSignature(context, body), "ec2");
            if (!outcome.IsVerified)
            {
                throw AuthenticationErrors.ForQuery(outcome);
            }

            using var caller = requestCaller.Enter(outcome.Caller!);
            Authorize(outcome.Caller!, action);

            var ns = Ec2Service.Ns;
            document = new XDocument(new XElement(ns + $"{action}Response",
                new XElement(ns + "requestId", requestId),
                service.Handle(action, new Ec2Parameters(parameters))));
            status = StatusCodes.Status200OK;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            var error = failure as AwsServiceException
                        ?? new AwsServiceException("InternalError", failure.Message, System.Net.HttpStatusCode.InternalServerError);
            document = new XDocument(new XElement("Response",
                new XElement("Errors", new XElement("Error", new XElement("Code", error.Code), new XElement("Message", error.Message))),
                new XElement("RequestID", requestId)));
            status = (int)error.Status;
        }

        var text = document.ToString(SaveOptions.DisableFormatting);
        options.OnApiResponse?.Invoke(new ApiExchange("ec2", "ec2", action, status, text));
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        await context.Response.WriteAsync(text, Encoding.UTF8, context.RequestAborted);
    }

    /// <summary>
    /// EC2 refuses with <c>UnauthorizedOperation</c> (403) and its own sentence before IAM's; a call on no particular
    /// resource names none ("is not authorized to perform: ec2:DescribeVpcs because …"). EC2 appends an encoded
    /// authorization failure message to mutating calls' denials; this one has none.
    /// </summary>
    private void Authorize(CallerIdentity caller, string action)
    {
        if (authorization.OperationDenial(caller, "ec2", action, _ => []) is { } denial)
        {
            var message = denial.Message.Replace(" on resource: * ", " ", StringComparison.Ordinal);
            throw new AwsServiceException("UnauthorizedOperation", $"You are not authorized to perform this operation. {message}", System.Net.HttpStatusCode.Forbidden);
        }
    }
}

/// <summary>Puts <see cref="Ec2Endpoint"/> in front of the router for requests signed for <c>ec2</c> on <c>/</c>.</summary>
internal sealed class Ec2StartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (context.Request.Path == "/" && (Ec2Endpoint.IsSignedForEc2(context.Request) || await Ec2Endpoint.IsUnsignedEc2Async(context.Request)))
            {
                await context.RequestServices.GetRequiredService<Ec2Endpoint>().HandleAsync(context);
                return;
            }

            await nextMiddleware(context);
        });
        next(app);
    };
}
