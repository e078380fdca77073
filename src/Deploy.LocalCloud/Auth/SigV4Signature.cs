using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Deploy.LocalCloud.Auth;

/// <summary>
/// The SigV4 arithmetic: canonical request → string to sign → HMAC chain. Shared by the verifier and by
/// the ECR token (which reuses the derived-key idea) so there is one implementation to trust.
/// </summary>
internal static class SigV4Signature
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    public static string CanonicalRequest(
        string method,
        string canonicalUri,
        string canonicalQuery,
        IReadOnlyList<(string Name, string Value)> canonicalHeaders,
        string payloadHash)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n');
        builder.Append(canonicalUri).Append('\n');
        builder.Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in canonicalHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n');
        builder.Append(string.Join(';', canonicalHeaders.Select(h => h.Name))).Append('\n');
        builder.Append(payloadHash);
        return builder.ToString();
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";

    public static string Sign(string secretKey, string date, string region, string service, string stringToSign)
    {
        var key = DerivedKey(secretKey, date, region, service);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    public static byte[] DerivedKey(string secretKey, string date, string region, string service)
    {
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        return Hmac(key, "aws4_request");
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>RFC 3986 percent-encoding as SigV4 wants it (unreserved characters kept, upper-case hex).</summary>
    public static string UriEncode(string value, bool keepSlash)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
