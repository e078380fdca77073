using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>S3's REST endpoint under enforcement, through the aws CLI: each operation as its IAM action on the bucket or object.</summary>
public sealed class S3EnforcementTests
{
    [Fact]
    public async Task A_session_reads_writes_and_lists_only_where_its_policy_says_and_S3_quotes_the_resource_it_refuses()
    {
        await using var cloud = await TestCloud.StartAsync(configure: builder => builder.WithIamEnforced());
        using var files = new TempDirectory();
        var body = Path.Combine(files.Path, "body.txt");
        await File.WriteAllTextAsync(body, "artifact");
        var session = await RoleSession.StartAsync(cloud, "builder", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::artifacts","Condition":{"StringLike":{"s3:prefix":"builds/*"}}},
              {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::artifacts/builds/*"}]}
            """);
        await cloud.Cli.RunAsync("s3api", "create-bucket", "--bucket", "artifacts");
        await cloud.Cli.JsonAsync("s3api", "put-object", "--bucket", "artifacts", "--key", "secret/key.txt", "--body", body);

        var put = await session.Cli.RunAsync("s3api", "put-object", "--bucket", "artifacts", "--key", "builds/one.zip", "--body", body);
        var head = await session.Cli.RunAsync("s3api", "head-object", "--bucket", "artifacts", "--key", "builds/one.zip");
        var listed = await session.Cli.JsonAsync("s3api", "list-objects-v2", "--bucket", "artifacts", "--prefix", "builds/");
        var secret = await session.Cli.RunAsync("s3api", "get-object", "--bucket", "artifacts", "--key", "secret/key.txt", Path.Combine(files.Path, "out"));
        var headSecret = await session.Cli.RunAsync("s3api", "head-object", "--bucket", "artifacts", "--key", "secret/key.txt");
        var listAll = await session.Cli.RunAsync("s3api", "list-objects-v2", "--bucket", "artifacts");
        var delete = await session.Cli.RunAsync("s3api", "delete-object", "--bucket", "artifacts", "--key", "builds/one.zip");

        Assert.True(put.ExitCode == 0 && head.ExitCode == 0, $"{put}\n{head}");
        Assert.Equal("builds/one.zip", Assert.Single(listed["Contents"]!.AsArray())!["Key"]!.GetValue<string>());
        Assert.Contains("(AccessDenied) when calling the GetObject operation: "
            + session.Denial("s3:GetObject", "\"arn:aws:s3:::artifacts/secret/key.txt\""), secret.Stderr, StringComparison.Ordinal);
        Assert.Contains("(403) when calling the HeadObject operation: Forbidden", headSecret.Stderr, StringComparison.Ordinal);
        Assert.Contains(session.Denial("s3:ListBucket", "\"arn:aws:s3:::artifacts\""), listAll.Stderr, StringComparison.Ordinal);
        Assert.Contains(session.Denial("s3:DeleteObject", "\"arn:aws:s3:::artifacts/builds/one.zip\""), delete.Stderr, StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }
}
