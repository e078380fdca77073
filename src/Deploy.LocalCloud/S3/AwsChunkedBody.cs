using System.Globalization;
using System.Text;

namespace Deploy.LocalCloud.S3;

/// <summary>
/// Decodes <c>Content-Encoding: aws-chunked</c> bodies (SigV4 streaming, signed or unsigned with trailing checksums):
/// <c>hex-size[;chunk-signature=..]\r\n data \r\n ... 0[;..]\r\n [trailer: value\r\n] \r\n</c>.
/// </summary>
internal static class AwsChunkedBody
{
    public static bool IsChunked(HttpRequest request) =>
        request.Headers["x-amz-content-sha256"].ToString().StartsWith("STREAMING-", StringComparison.Ordinal)
        || request.Headers.ContentEncoding.ToString().Contains("aws-chunked", StringComparison.Ordinal);

    public static byte[] Decode(byte[] body)
    {
        using var output = new MemoryStream();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = IndexOfCrLf(body, position);
            if (lineEnd < 0)
            {
                throw new FormatException("aws-chunked body: chunk header without CRLF");
            }

            var header = Encoding.ASCII.GetString(body, position, lineEnd - position);
            var size = int.Parse(header.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            position = lineEnd + 2;
            if (size == 0)
            {
                break; // trailers (checksums) follow; the content is complete
            }

            output.Write(body, position, size);
            position += size + 2;
        }

        return output.ToArray();
    }

    private static int IndexOfCrLf(byte[] body, int start)
    {
        for (var i = start; i < body.Length - 1; i++)
        {
            if (body[i] == '\r' && body[i + 1] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
