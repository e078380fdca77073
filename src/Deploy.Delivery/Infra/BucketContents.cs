using Amazon;
using Amazon.S3;
using Amazon.S3.Model;
using Deploy.Aws;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>Whether a bucket holds anything CloudFormation would refuse to delete it for.</summary>
public interface IBucketContents
{
    /// <summary>
    /// Object versions and delete markers in <paramref name="bucket"/> (a versioned bucket is not empty while any remain),
    /// counted up to <paramref name="atMost"/>; null when the bucket does not exist.
    /// </summary>
    Task<int?> CountVersionsAsync(string bucket, int atMost, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IBucketContents"/> through S3's ListObjectVersions (AWSSDK.S3), with the session's region, credentials and
/// endpoint overrides (<c>AWS_ENDPOINT_URL_S3</c>, <c>AWS_ENDPOINT_URL</c>, the profile's <c>endpoint_url</c>; path-style
/// addressing then, as the local cloud and most emulators serve it) taken from its options, never from the process environment.
/// </summary>
public sealed class S3BucketContents(AwsSession session) : IBucketContents
{
    public async Task<int?> CountVersionsAsync(string bucket, int atMost, CancellationToken cancellationToken)
    {
        using var s3 = new AmazonS3Client(session.Credentials, Config());
        try
        {
            var page = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, MaxKeys = atMost }, cancellationToken);
            return page.Versions?.Count ?? 0;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            return null;
        }
        catch (AmazonS3Exception e)
        {
            throw new BuildFailedException($"S3 ListObjectVersions failed for bucket '{bucket}': {e.ErrorCode}: {e.Message}", e);
        }
    }

    private AmazonS3Config Config()
    {
        var config = new AmazonS3Config
        {
            MaxErrorRetry = Math.Max(0, session.Options.MaxAttempts - 1),
            IgnoreConfiguredEndpointUrls = true,
        };
        if (EndpointOverride() is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = session.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(session.Region);
        }

        return config;
    }

    private string? EndpointOverride()
    {
        var environment = session.Options.Environment;
        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        if (string.Equals(Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Get("AWS_ENDPOINT_URL_S3") ?? Get("AWS_ENDPOINT_URL") ?? session.Options.ProfileEndpointUrl;
    }
}
