using System.Net;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests;

/// <summary>Interrupted blob uploads expire, as a registry's upload purging does, instead of filling the state directory.</summary>
public sealed class UploadPurgingTests
{
    [Fact]
    public async Task An_abandoned_upload_is_purged_at_start_up_and_an_interrupted_one_once_it_is_older_than_the_max_age()
    {
        using var state = new TempDirectory();
        var uploads = Directory.CreateDirectory(Path.Combine(state.Path, "registry", "uploads")).FullName;
        var leftOver = Path.Combine(uploads, Guid.NewGuid().ToString());
        await File.WriteAllBytesAsync(leftOver, new byte[4096]);
        File.SetLastWriteTimeUtc(leftOver, DateTime.UtcNow.AddHours(-2));

        await using var cloud = await TestCloud.StartAsync(state.Path, b => b.WithUploadMaxAge(TimeSpan.FromSeconds(2)));
        await EcsTestKit.WaitForAsync(() => Task.FromResult(File.Exists(leftOver)), exists => !exists, TimeSpan.FromSeconds(5), "the left-over upload to be purged at start-up");

        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "purge");
        using var registry = await RegistryClient.LoginAsync(cloud);
        using var start = await registry.Http.PostAsync("/v2/purge/blobs/uploads/", null);
        var location = start.Headers.Location!.OriginalString;
        using var chunk = await registry.Http.PatchAsync(location, new ByteArrayContent(new byte[1024]));
        Assert.Equal(HttpStatusCode.Accepted, chunk.StatusCode);
        var interrupted = Assert.Single(Directory.GetFiles(uploads));

        // Not purged while younger than the max age, gone after it (the check runs every half second here).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(File.Exists(interrupted), "an upload younger than the max age was purged");
        await EcsTestKit.WaitForAsync(() => Task.FromResult(File.Exists(interrupted)), exists => !exists, TimeSpan.FromSeconds(6), "the interrupted upload to expire");
        using var status = await registry.Http.GetAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal("BLOB_UPLOAD_UNKNOWN", await RegistryClient.ErrorCodeAsync(status));
    }
}
