using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.Sns;

/// <summary>
/// Verifies an SNS message the way AWS tells subscribers to ("Verifying the signatures of Amazon SNS messages"), written
/// independently in Python with the <c>cryptography</c> package: fetch the certificate at SigningCertURL, build the string
/// to sign from the message's fields, check the RSA PKCS#1 v1.5 signature with SHA1 (version 1) or SHA256 (version 2).
/// </summary>
public static class PythonSnsSignature
{
    private const string Script = """
        import base64, json, sys, urllib.request
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        message = json.loads(sys.stdin.read())
        with urllib.request.urlopen(message["SigningCertURL"]) as answer:
            certificate = x509.load_pem_x509_certificate(answer.read())
        if message["Type"] == "Notification":
            names = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
        else:
            names = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
        signed = "".join(f"{name}\n{message[name]}\n" for name in names if name in message)
        digest = {"1": hashes.SHA1(), "2": hashes.SHA256()}[message["SignatureVersion"]]
        try:
            certificate.public_key().verify(base64.b64decode(message["Signature"]), signed.encode("utf-8"), padding.PKCS1v15(), digest)
            print("verified")
        except Exception as failure:
            print("rejected: " + type(failure).__name__)
        """;

    /// <summary>"verified", or "rejected: &lt;reason&gt;".</summary>
    public static async Task<string> VerifyAsync(string messageJson)
    {
        var result = await ProcessRunner.RunAsync("python3", ["-c", Script], stdin: messageJson);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }
}
