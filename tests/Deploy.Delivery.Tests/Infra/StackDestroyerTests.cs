using Deploy.Delivery.Infra;
using Deploy.Delivery.Tests.Quality;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>
/// DestroyInfra on a real local cloud with the whole platform: it decides before deleting anything, and with
/// --retain-failed finishes the delete while keeping what CloudFormation cannot delete.
/// </summary>
public sealed class StackDestroyerTests
{
    [Fact]
    public async Task A_bucket_with_objects_stops_DestroyInfra_before_anything_is_deleted_and_retain_failed_deletes_the_rest_and_keeps_the_bucket()
    {
        await using var account = await LocalCloudAccount.StartAsync();
        await account.Deployer(new RecordingLog()).DeployAsync(account.Options(new PlatformSettings()));
        var before = await account.ResourcesAsync("platform");
        var bucket = before["ArtifactBucket"].PhysicalResourceId!;
        var artifact = Path.GetTempFileName();
        await File.WriteAllTextAsync(artifact, "pipeline artifact");
        await account.AwsAsync("s3api", "put-object", "--bucket", bucket, "--key", "SourceOutput/abc.zip", "--body", artifact);
        File.Delete(artifact);
        var log = new RecordingLog();
        var options = new StackDestroyOptions { StackName = "platform", PollInterval = TimeSpan.FromMilliseconds(200) };

        var refused = await Assert.ThrowsAsync<BuildFailedException>(() => account.Destroyer(log).DestroyAsync(options));
        var untouched = await account.ResourcesAsync("platform");

        Assert.StartsWith("Stack platform: nothing was deleted, because CloudFormation would stop half way: "
            + $"ArtifactBucket (AWS::S3::Bucket {bucket}) holds 1 object version (aws s3api delete-objects --bucket {bucket}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("or run DestroyInfra --retain-failed to delete everything else and keep it", refused.Message, StringComparison.Ordinal);
        Assert.Equal("CREATE_COMPLETE", (await account.CloudFormation.FindStackAsync("platform"))!.StackStatus);
        Assert.Equal(before.Count, untouched.Count);
        Assert.All(untouched.Values, r => Assert.Equal("CREATE_COMPLETE", r.ResourceStatus));
        // The plan came first: every resource named before anything could happen.
        Assert.Contains($"Stack platform (CREATE_COMPLETE) holds {before.Count} resource(s); DestroyInfra deletes:", log.Lines);
        Assert.All(before.Keys, id => Assert.Contains(log.Lines, l => l.StartsWith($"  {id} (AWS::", StringComparison.Ordinal)));

        var retainLog = new RecordingLog();
        Assert.True(await account.Destroyer(retainLog).DestroyAsync(options with { RetainFailed = true }));

        Assert.Null(await account.CloudFormation.FindStackAsync("platform"));
        Assert.Contains(retainLog.Lines, l => l.StartsWith("Stack platform deleted; kept ArtifactBucket", StringComparison.Ordinal));
        Assert.Contains(retainLog.Lines, l => l.Contains("DELETE_SKIPPED", StringComparison.Ordinal) && l.Contains("ArtifactBucket", StringComparison.Ordinal));
        Assert.Equal("SourceOutput/abc.zip", (await account.AwsAsync("s3api", "list-objects-v2", "--bucket", bucket))["Contents"]![0]!["Key"]!.GetValue<string>());
        Assert.Empty((await account.AwsAsync("ecr", "describe-repositories"))["repositories"]!.AsArray());
    }
}
