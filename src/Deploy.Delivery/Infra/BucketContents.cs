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

/// <summary><see cref="IBucketContents"/> through S3's ListObjectVersions (AWSSDK.S3, configured by <see cref="SessionS3"/>).</summary>
public sealed class S3BucketContents(AwsSession session) : IBucketContents
{
    public async Task<int?> CountVersionsAsync(string bucket, int atMost, CancellationToken cancellationToken)
    {
        using var s3 = SessionS3.Client(session);
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
}
