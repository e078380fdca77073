using Deploy.LocalCloud.Auth;
using Microsoft.AspNetCore.Http.Features;

namespace Deploy.LocalCloud.Protocols;

/// <summary>Helpers to see a request the way SigV4 does: raw path and query as sent, and the whole body.</summary>
internal static class IncomingRequest
{
    /// <summary>Upper bound for API bodies we buffer (registry blobs never come through here).</summary>
    private const int MaxApiBodyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Buffers the body (SigV4 hashes it, then the protocol parses it). Kestrel's limit is lifted for the
    /// registry's layers, so API requests get their own cap here; beyond it Kestrel answers 413.
    /// </summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxApiBodyBytes;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    public static SigV4Request ForSignature(HttpContext context, byte[] body)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var rawQuery = queryStart < 0 ? string.Empty : rawTarget[(queryStart + 1)..];
        var headers = context.Request.Headers;
        return new SigV4Request(
            context.Request.Method,
            rawPath,
            rawQuery,
            name => headers.TryGetValue(name, out var values) ? values.Where(v => v is not null).Select(v => v!).ToList() : [],
            body);
    }
}
