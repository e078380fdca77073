using Deploy.LocalCloud.Auth;

namespace Deploy.LocalCloud.Tests.Auth;

/// <summary>
/// The local cloud's SigV4 arithmetic against AWS's own SigV4 test suite, published with the signing documentation:
/// case get-vanilla (GET / on example.amazonaws.com, service "service", us-east-1, 20150830T123600Z, the example keys).
/// </summary>
public sealed class SigV4TestSuiteTests
{
    [Fact]
    public void The_get_vanilla_case_gives_AWSs_published_string_to_sign_and_signature()
    {
        var emptyHash = SigV4Signature.HexSha256([]);
        var canonical = SigV4Signature.CanonicalRequest("GET", "/", string.Empty, [("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")], emptyHash);
        var stringToSign = SigV4Signature.StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical);

        Assert.Equal(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            stringToSign);
        Assert.Equal(
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            SigV4Signature.Sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service", stringToSign));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", emptyHash);
    }
}
