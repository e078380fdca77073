using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests.S3;

/// <summary>
/// Conditional writes and deletes (what the deploy lease is built on), sent by AWSSDK.S3 to moto and to the local cloud:
/// the same steps must succeed or fail with the same code and status in both.
/// </summary>
public sealed class S3ConditionalWriteTests
{
    [Fact]
    public async Task If_none_match_and_if_match_on_put_and_delete_answer_as_moto_does()
    {
        await using var moto = await MotoServer.StartAsync();
        await using var cloud = await TestCloud.StartAsync();
        using var oracle = Client(moto.Endpoint, new BasicAWSCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey), MotoServer.Region);
        using var local = Client(cloud.Instance.Endpoint, new BasicAWSCredentials(cloud.Instance.Options.AccessKeyId, cloud.Instance.Options.SecretAccessKey), cloud.Instance.Options.Region);

        var expected = await StepsAsync(oracle);
        var actual = await StepsAsync(local);

        Assert.Equal(expected, actual);
        // The outcomes themselves, so that a moto that ignored the headers could not make both wrong alike.
        Assert.Equal(["ok", "PreconditionFailed 412", "PreconditionFailed 412", "ok", "NoSuchKey 404", "PreconditionFailed 412", "ok", "gone", "NoSuchKey 404"], actual);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task If_none_match_with_an_etag_is_not_implemented_on_put_as_in_S3_and_a_delete_of_an_older_version_id_keeps_the_object()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var s3 = Client(cloud.Instance.Endpoint, new BasicAWSCredentials(cloud.Instance.Options.AccessKeyId, cloud.Instance.Options.SecretAccessKey), cloud.Instance.Options.Region);
        await s3.PutBucketAsync("versioned");
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = "versioned", VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var first = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versioned", Key = "k", ContentBody = "one" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versioned", Key = "k", ContentBody = "two" });

        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = "versioned", Key = "k", ContentBody = "three", IfNoneMatch = first.ETag }));
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "versioned", Key = "k", VersionId = first.VersionId });

        Assert.Equal(("NotImplemented", HttpStatusCode.NotImplemented), (refused.ErrorCode, refused.StatusCode));
        using var kept = await s3.GetObjectAsync("versioned", "k");
        Assert.Equal("two", await new StreamReader(kept.ResponseStream).ReadToEndAsync());
    }

    /// <summary>Create, refuse, replace by ETag, delete by ETag: each step's outcome ("ok", "gone" or "code status").</summary>
    private static async Task<List<string>> StepsAsync(AmazonS3Client s3)
    {
        const string bucket = "leases";
        const string key = "deploy/web.json";
        await s3.PutBucketAsync(bucket);
        var outcomes = new List<string>();
        string? first = null, second = null;

        async Task Step(Func<Task> call)
        {
            try
            {
                await call();
                outcomes.Add("ok");
            }
            catch (AmazonS3Exception e)
            {
                outcomes.Add($"{e.ErrorCode} {(int)e.StatusCode}");
            }
        }

        await Step(async () => first = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "a", IfNoneMatch = "*" })).ETag);
        await Step(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "b", IfNoneMatch = "*" }));
        await Step(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "b", IfMatch = "\"0123456789abcdef0123456789abcdef\"" }));
        await Step(async () => second = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "b", IfMatch = first })).ETag);
        await Step(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "deploy/missing.json", ContentBody = "c", IfMatch = first }));
        await Step(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, IfMatch = first }));
        await Step(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, IfMatch = second }));
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        outcomes.Add(listed.S3Objects is null or { Count: 0 } ? "gone" : "still there");
        await Step(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, IfMatch = second }));
        return outcomes;
    }

    private static AmazonS3Client Client(Uri endpoint, AWSCredentials credentials, string region) => new(credentials, new AmazonS3Config
    {
        ServiceURL = endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = region,
        MaxErrorRetry = 0,
    });
}
