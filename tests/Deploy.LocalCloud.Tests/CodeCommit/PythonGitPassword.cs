using System.Globalization;
using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.CodeCommit;

/// <summary>
/// An independent CodeCommit git password, written here with Python's standard library (<c>hmac</c>, <c>hashlib</c>) from the
/// published algorithm, for requests the aws CLI cannot make (a chosen timestamp, another repository's path).
/// </summary>
public static class PythonGitPassword
{
    private const string Script = """
        import hashlib, hmac, sys
        secret, host, path, region, ts = sys.argv[1:6]
        canonical = "GIT\n%s\n\nhost:%s\n\nhost\n" % (path, host)
        string_to_sign = "AWS4-HMAC-SHA256\n%s\n%s/%s/codecommit/aws4_request\n%s" % (
            ts, ts[:8], region, hashlib.sha256(canonical.encode()).hexdigest())
        key = ("AWS4" + secret).encode()
        for part in (ts[:8], region, "codecommit", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        print(ts + "Z" + hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest())
        """;

    public static async Task<string> SignAsync(string secretKey, string host, string path, string region, DateTimeOffset at)
    {
        var timestamp = at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var result = await ProcessRunner.RunAsync("python3", ["-c", Script, secretKey, host, path, region, timestamp]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }
}
