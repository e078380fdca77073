using System.Text;
using Deploy.LocalCloud.Auth;

namespace Deploy.LocalCloud.Tests.Auth;

/// <summary>
/// AWS's published chunked-upload example (S3 API reference, "Transferring Payload in Multiple Chunks"): 66560 bytes of
/// 'a' in chunks of 65536 and 1024, with the seed and chunk signatures the page lists.
/// </summary>
public sealed class SigV4StreamingPayloadTests
{
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20130524T000000Z";
    private const string Scope = "20130524/us-east-1/s3/aws4_request";
    private const string Seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

    private static readonly string[] ChunkSignatures =
    [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ];

    private static readonly byte[] Key = SigV4Signature.DerivedKey(SecretKey, "20130524", "us-east-1", "s3");

    [Fact]
    public void The_published_chunk_signatures_chain_from_the_seed()
    {
        Assert.Null(SigV4StreamingPayload.Verify(Body(), Key, AmzDate, Scope, Seed, trailer: false));
    }

    [Fact]
    public void A_changed_byte_a_dropped_chunk_or_another_seed_breaks_the_chain()
    {
        var changed = Body();
        changed[100] = (byte)'b';
        var dropped = Body(skipSecond: true);

        Assert.NotNull(SigV4StreamingPayload.Verify(changed, Key, AmzDate, Scope, Seed, trailer: false));
        Assert.NotNull(SigV4StreamingPayload.Verify(dropped, Key, AmzDate, Scope, Seed, trailer: false));
        Assert.NotNull(SigV4StreamingPayload.Verify(Body(), Key, AmzDate, Scope, Seed.Replace('4', '5'), trailer: false));
    }

    private static byte[] Body(bool skipSecond = false)
    {
        using var body = new MemoryStream();
        void Chunk(int size, string signature)
        {
            body.Write(Encoding.ASCII.GetBytes($"{size:x};chunk-signature={signature}\r\n"));
            body.Write(Enumerable.Repeat((byte)'a', size).ToArray());
            body.Write("\r\n"u8);
        }

        Chunk(65536, ChunkSignatures[0]);
        if (!skipSecond)
        {
            Chunk(1024, ChunkSignatures[1]);
        }

        Chunk(0, ChunkSignatures[2]);
        return body.ToArray();
    }
}
