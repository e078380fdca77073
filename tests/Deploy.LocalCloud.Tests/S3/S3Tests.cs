using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.S3;

public sealed class S3Tests
{
    [Fact]
    public async Task Buckets_and_objects_work_path_style_with_the_aws_cli_including_versioning_encryption_and_public_access_block()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var work = new TempDirectory();
        var cli = cloud.Cli;
        var file = Path.Combine(work.Path, "imagedefinitions.json");
        await File.WriteAllTextAsync(file, """[{"name":"web","imageUri":"127.0.0.1:5000/web:1"}]""");

        await cli.JsonAsync("s3api", "create-bucket", "--bucket", "artifacts");
        await cli.JsonAsync("s3api", "head-bucket", "--bucket", "artifacts");
        await cli.JsonAsync("s3api", "put-bucket-versioning", "--bucket", "artifacts", "--versioning-configuration", "Status=Enabled");
        await cli.JsonAsync("s3api", "put-bucket-encryption", "--bucket", "artifacts", "--server-side-encryption-configuration",
            """{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}""");
        await cli.JsonAsync("s3api", "put-public-access-block", "--bucket", "artifacts", "--public-access-block-configuration",
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true");
        var put = await cli.JsonAsync("s3api", "put-object", "--bucket", "artifacts", "--key", "build/1/imagedefinitions.json", "--body", file);
        await cli.JsonAsync("s3api", "put-object", "--bucket", "artifacts", "--key", "build/2/imagedefinitions.json", "--body", file);
        await cli.JsonAsync("s3api", "put-object", "--bucket", "artifacts", "--key", "readme.txt", "--body", file);
        var head = await cli.JsonAsync("s3api", "head-object", "--bucket", "artifacts", "--key", "build/1/imagedefinitions.json");
        var got = await cli.JsonAsync("s3api", "get-object", "--bucket", "artifacts", "--key", "build/1/imagedefinitions.json", Path.Combine(work.Path, "out.json"));
        var listed = await cli.JsonAsync("s3api", "list-objects-v2", "--bucket", "artifacts", "--prefix", "build/", "--delimiter", "/");
        var all = await cli.JsonAsync("s3api", "list-objects-v2", "--bucket", "artifacts");

        Assert.Equal("Enabled", (await cli.JsonAsync("s3api", "get-bucket-versioning", "--bucket", "artifacts"))["Status"]!.GetValue<string>());
        Assert.Equal("AES256", (await cli.JsonAsync("s3api", "get-bucket-encryption", "--bucket", "artifacts"))["ServerSideEncryptionConfiguration"]!["Rules"]![0]!["ApplyServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.GetValue<string>());
        Assert.True((await cli.JsonAsync("s3api", "get-public-access-block", "--bucket", "artifacts"))["PublicAccessBlockConfiguration"]!["RestrictPublicBuckets"]!.GetValue<bool>());
        Assert.NotNull(put["VersionId"]);
        Assert.Equal(put["ETag"]!.GetValue<string>(), head["ETag"]!.GetValue<string>());
        Assert.Equal(new FileInfo(file).Length, got["ContentLength"]!.GetValue<long>());
        Assert.Equal(await File.ReadAllTextAsync(file), await File.ReadAllTextAsync(Path.Combine(work.Path, "out.json")));
        Assert.Equal(["build/1/", "build/2/"], listed["CommonPrefixes"]!.AsArray().Select(p => p!["Prefix"]!.GetValue<string>()));
        Assert.Equal(3, all["Contents"]!.AsArray().Count);
        Assert.Equal("NoSuchKey", await cli.ErrorCodeAsync("s3api", "get-object", "--bucket", "artifacts", "--key", "missing", Path.Combine(work.Path, "missing")));
        Assert.Equal("BucketNotEmpty", await cli.ErrorCodeAsync("s3api", "delete-bucket", "--bucket", "artifacts"));
        Assert.Equal("BucketAlreadyOwnedByYou", await cli.ErrorCodeAsync("s3api", "create-bucket", "--bucket", "artifacts"));
        Assert.Equal("NoSuchBucket", await cli.ErrorCodeAsync("s3api", "list-objects-v2", "--bucket", "missing-bucket"));

        foreach (var key in new[] { "build/1/imagedefinitions.json", "build/2/imagedefinitions.json", "readme.txt" })
        {
            await cli.JsonAsync("s3api", "delete-object", "--bucket", "artifacts", "--key", key);
        }

        await cli.JsonAsync("s3api", "delete-bucket", "--bucket", "artifacts");
        Assert.Equal("404", await cli.ErrorCodeAsync("s3api", "head-bucket", "--bucket", "artifacts"));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task The_official_AWSSDK_S3_client_puts_gets_lists_and_deletes_objects_with_its_default_signing()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var s3 = new AmazonS3Client(
            new BasicAWSCredentials(cloud.Instance.Options.AccessKeyId, cloud.Instance.SecretAccessKey),
            new AmazonS3Config
            {
                ServiceURL = cloud.Instance.Endpoint.ToString(),
                ForcePathStyle = true,
                AuthenticationRegion = cloud.Instance.Options.Region,
                MaxErrorRetry = 0,
            });
        var content = new string('x', 200_000) + "end";

        await s3.PutBucketAsync("sdk-bucket");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "sdk-bucket", Key = "dir/large.txt", ContentBody = content, ContentType = "text/plain" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "sdk-bucket", Key = "dir/with space+plus.txt", InputStream = new MemoryStream(Encoding.UTF8.GetBytes("small")) });
        using var got = await s3.GetObjectAsync("sdk-bucket", "dir/large.txt");
        using var reader = new StreamReader(got.ResponseStream);
        var text = await reader.ReadToEndAsync();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "sdk-bucket", Prefix = "dir/", MaxKeys = 1 });
        var rest = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "sdk-bucket", Prefix = "dir/", ContinuationToken = listed.NextContinuationToken });
        var metadata = await s3.GetObjectMetadataAsync("sdk-bucket", "dir/with space+plus.txt");

        Assert.Equal(content, text);
        Assert.Equal("text/plain", got.Headers.ContentType);
        Assert.True(listed.IsTruncated);
        Assert.Equal("dir/large.txt", listed.S3Objects.Single().Key);
        Assert.Equal("dir/with space+plus.txt", rest.S3Objects.Single().Key);
        Assert.Equal(5, metadata.ContentLength);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("sdk-bucket", "missing"));
        Assert.Equal("NoSuchKey", missing.ErrorCode);

        await s3.DeleteObjectAsync("sdk-bucket", "dir/large.txt");
        await s3.DeleteObjectAsync("sdk-bucket", "dir/with space+plus.txt");
        await s3.DeleteBucketAsync("sdk-bucket");
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "sdk-bucket" }));
        Assert.Equal("NoSuchBucket", gone.ErrorCode);

        var unsigned = await new HttpClient().GetAsync(new Uri(cloud.Instance.Endpoint, "/sdk-bucket?list-type=2"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await new HttpClient().GetAsync(new Uri(cloud.Instance.Endpoint, "/health"))).StatusCode);
        cloud.AssertResponsesMatchBotocore();
    }
}
