using System.Security.Cryptography;
using System.Text;

namespace Deploy.Aws.Tests.Core;

/// <summary>The managed SHA-256 behind CodeCommit git passwords agrees with the platform's (OpenSSL) implementation.</summary>
public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Known_answers_of_fips_180_examples(string message, string digest) =>
        Assert.Equal(digest, Convert.ToHexStringLower(Sha256.Hash(Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void Every_length_across_the_padding_boundaries_hashes_like_the_platform()
    {
        var random = new Random(20261203);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.Equal(SHA256.HashData(data), Sha256.Hash(data));
        }
    }

    [Fact]
    public void Hmac_matches_the_platform_for_short_block_sized_and_long_keys()
    {
        var random = new Random(17);
        foreach (var keyLength in new[] { 0, 1, 20, 32, 63, 64, 65, 131 })
        {
            foreach (var dataLength in new[] { 0, 8, 55, 56, 64, 200 })
            {
                var key = new byte[keyLength];
                var data = new byte[dataLength];
                random.NextBytes(key);
                random.NextBytes(data);

                Assert.Equal(HMACSHA256.HashData(key, data), Sha256.Hmac(key, data));
            }
        }
    }
}
