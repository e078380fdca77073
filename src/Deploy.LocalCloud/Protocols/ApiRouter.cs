namespace Deploy.LocalCloud.Protocols;

/// <summary>
/// The one API entry point on <c>/</c>: a request with <c>X-Amz-Target</c> is JSON 1.1, a form or a query
/// string with <c>Action</c> is the query protocol. (S3 path-style requests will be routed here later.)
/// </summary>
internal sealed class ApiRouter(JsonProtocolEndpoint json, QueryProtocolEndpoint query)
{
    public async Task HandleAsync(HttpContext context)
    {
        var body = await IncomingRequest.ReadBodyAsync(context);
        var target = context.Request.Headers["X-Amz-Target"].FirstOrDefault();
        if (target is not null)
        {
            await json.HandleAsync(context, target, body);
            return;
        }

        var isForm = context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
        if (isForm || context.Request.Query.ContainsKey("Action"))
        {
            await query.HandleAsync(context, body);
            return;
        }

        // Neither protocol: answer in JSON shape, which every SDK can parse as an error.
        await json.HandleAsync(context, string.Empty, body);
    }
}
