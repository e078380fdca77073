using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;

namespace Deploy.Aws.CodeCommit;

/// <summary>Git over HTTPS credentials for one CodeCommit repository URL (a secret: the password is a signature).</summary>
public sealed record GitCredentials(string Username, string Password)
{
    public override string ToString() => "GitCredentials { Username = ***, Password = *** }";
}

/// <summary>
/// SigV4-derived git credentials for CodeCommit, as <c>aws codecommit credential-helper</c> computes them, so that
/// temporary credentials (roles, OIDC) can push without a static IAM git password. Git must ask per path
/// (<c>credential.useHttpPath=true</c>) because the password signs the repository path.
/// </summary>
public static partial class CodeCommitGit
{
    /// <summary><c>https://git-codecommit.&lt;region&gt;.&lt;dns suffix&gt;/v1/repos/&lt;name&gt;</c>.</summary>
    public static Uri RepositoryUrl(string region, string repositoryName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(repositoryName);
        var suffix = RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix ?? "amazonaws.com";
        return new Uri($"https://git-codecommit.{region}.{suffix}/v1/repos/{Uri.EscapeDataString(repositoryName)}");
    }

    /// <summary>Credentials for <paramref name="repositoryUrl"/> from the session's current credentials, valid for about 15 minutes.</summary>
    public static async Task<GitCredentials> ForRepositoryAsync(AwsSession session, Uri repositoryUrl, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(repositoryUrl);
        var credentials = await session.GetCredentialsAsync().ConfigureAwait(false);
        return Sign(credentials, repositoryUrl, RegionOf(repositoryUrl) ?? session.Region, now ?? DateTimeOffset.UtcNow);
    }

    /// <summary>Username: the access key id (plus <c>%token</c>); password: <c>&lt;yyyyMMddTHHmmss&gt;Z&lt;signature&gt;</c>.</summary>
    public static GitCredentials Sign(ImmutableCredentials credentials, Uri repositoryUrl, string region, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(repositoryUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        var timestamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var day = timestamp[..8];

        // Host without the port, path as git sends it.
        var canonical = $"GIT\n{repositoryUrl.AbsolutePath}\n\nhost:{repositoryUrl.Host}\n\nhost\n";
        var stringToSign = $"AWS4-HMAC-SHA256\n{timestamp}\n{day}/{region}/codecommit/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + credentials.SecretKey);
        foreach (var part in new[] { day, region, "codecommit", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        var username = credentials.UseToken ? credentials.AccessKey + "%" + credentials.Token : credentials.AccessKey;
        return new GitCredentials(username, timestamp + "Z" + signature);
    }

    /// <summary>The region named by a <c>git-codecommit[-fips].&lt;region&gt;.amazonaws.com</c> host, or null.</summary>
    public static string? RegionOf(Uri repositoryUrl)
    {
        ArgumentNullException.ThrowIfNull(repositoryUrl);
        var match = CodeCommitHost().Match(repositoryUrl.Host);
        return match.Success ? match.Groups["region"].Value : null;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    [GeneratedRegex(@"^(vpce-.+\.)?git-codecommit(-fips)?\.(?<region>[^.]+)\.(vpce\.)?amazonaws\.com(\.cn)?$", RegexOptions.IgnoreCase)]
    private static partial Regex CodeCommitHost();
}
