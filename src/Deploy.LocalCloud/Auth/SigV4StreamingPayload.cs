using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Deploy.LocalCloud.Auth;

/// <summary>
/// S3's streaming payloads (<c>Content-Encoding: aws-chunked</c>): with a signed mode every chunk carries a signature that
/// chains from the request's seed signature, so a changed, dropped or reordered chunk breaks the chain.
/// <c>hex-size;chunk-signature=sig\r\n data \r\n ... 0;chunk-signature=sig\r\n [trailer: value\r\n x-amz-trailer-signature:sig\r\n] \r\n</c>.
/// </summary>
internal static class SigV4StreamingPayload
{
    public const string Signed = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string SignedWithTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string UnsignedWithTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    private static readonly string EmptyHash = SigV4Signature.HexSha256([]);

    public static bool IsSigned(string payloadHash) => payloadHash is Signed or SignedWithTrailer;

    /// <summary>Null when every chunk (and the trailer, if any) is signed in sequence from the seed; else what is wrong.</summary>
    public static string? Verify(byte[] body, byte[] signingKey, string amzDate, string scope, string seedSignature, bool trailer)
    {
        var previous = seedSignature;
        var position = 0;
        while (true)
        {
            var header = ReadLine(body, ref position) ?? "";
            var fields = header.Split(';', 2);
            if (fields.Length != 2 || !fields[1].StartsWith("chunk-signature=", StringComparison.Ordinal)
                || !int.TryParse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size < 0 || position + size > body.Length)
            {
                return "The aws-chunked body has a chunk without a size and chunk-signature.";
            }

            var data = body.AsSpan(position, size);
            var expected = Sign(signingKey, $"AWS4-HMAC-SHA256-PAYLOAD\n{amzDate}\n{scope}\n{previous}\n{EmptyHash}\n{SigV4Signature.HexSha256(data)}");
            if (!SameSignature(expected, fields[1]["chunk-signature=".Length..]))
            {
                return "The chunk signature we calculated does not match the signature you provided.";
            }

            previous = expected;
            position += size;
            if (size == 0)
            {
                break;
            }

            if (ReadLine(body, ref position) != string.Empty)
            {
                return "The aws-chunked body has a chunk longer than its declared size.";
            }
        }

        return trailer ? VerifyTrailer(body, position, signingKey, amzDate, scope, previous) : null;
    }

    private static string? VerifyTrailer(byte[] body, int position, byte[] signingKey, string amzDate, string scope, string previous)
    {
        var trailers = new StringBuilder();
        string? signature = null;
        while (ReadLine(body, ref position) is { Length: > 0 } line)
        {
            if (line.StartsWith("x-amz-trailer-signature:", StringComparison.Ordinal))
            {
                signature = line["x-amz-trailer-signature:".Length..];
            }
            else
            {
                trailers.Append(line).Append('\n');
            }
        }

        var expected = Sign(signingKey, $"AWS4-HMAC-SHA256-TRAILER\n{amzDate}\n{scope}\n{previous}\n{SigV4Signature.HexSha256(Encoding.UTF8.GetBytes(trailers.ToString()))}");
        return signature is not null && SameSignature(expected, signature)
            ? null
            : "The trailer signature we calculated does not match the signature you provided.";
    }

    private static string Sign(byte[] key, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    private static bool SameSignature(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual.Trim()));

    /// <summary>The line at <paramref name="position"/> without its CRLF (null at the end of the body); moves past it.</summary>
    private static string? ReadLine(byte[] body, ref int position)
    {
        for (var i = position; i < body.Length - 1; i++)
        {
            if (body[i] == '\r' && body[i + 1] == '\n')
            {
                var line = Encoding.ASCII.GetString(body, position, i - position);
                position = i + 2;
                return line;
            }
        }

        return null;
    }
}
