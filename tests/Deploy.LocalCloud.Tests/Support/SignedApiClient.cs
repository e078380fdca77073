using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>
/// Hand-made SigV4 requests for cases the aws CLI cannot produce (malformed JSON, unknown targets). It signs
/// with the app's <see cref="SigV4Signature"/>, whose arithmetic is pinned by AWS's published get-vanilla case
/// (SigV4TestSuiteTests), checked against the SDK's signer (SigV4SignatureTests) and by every aws CLI test.
/// </summary>
public sealed class SignedApiClient(LocalCloudInstance cloud, string? secretOverride = null) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = cloud.Endpoint };

    public Task<HttpResponseMessage> JsonAsync(string target, string body, string service = "ecr", bool sign = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (sign)
        {
            Sign(request, body, service, [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", target)]);
        }

        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> QueryAsync(string form, string service = "sts")
    {
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(form)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        Sign(request, form, service, [("content-type", contentType)]);
        return http.SendAsync(request);
    }

    private void Sign(HttpRequestMessage request, string body, string service, (string Name, string Value)[] extraHeaders)
    {
        var now = DateTimeOffset.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var options = cloud.Options;
        var headers = extraHeaders
            .Append(("host", $"{cloud.Endpoint.Host}:{cloud.Endpoint.Port}"))
            .Append(("x-amz-date", amzDate))
            .OrderBy(h => h.Item1, StringComparer.Ordinal)
            .ToList();
        var canonical = SigV4Signature.CanonicalRequest("POST", "/", string.Empty, headers, SigV4Signature.HexSha256(Encoding.UTF8.GetBytes(body)));
        var scope = $"{date}/{options.Region}/{service}/aws4_request";
        var signature = SigV4Signature.Sign(secretOverride ?? cloud.SecretAccessKey, date, options.Region, service,
            SigV4Signature.StringToSign(amzDate, scope, canonical));
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{SigV4Signature.Algorithm} Credential={options.AccessKeyId}/{scope}, SignedHeaders={string.Join(';', headers.Select(h => h.Item1))}, Signature={signature}");
    }

    public void Dispose() => http.Dispose();
}
