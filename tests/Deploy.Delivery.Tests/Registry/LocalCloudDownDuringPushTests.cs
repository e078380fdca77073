using System.Diagnostics;
using Deploy.Delivery.LocalCloud;
using Deploy.Engine;
using Xunit.Abstractions;

namespace Deploy.Delivery.Tests.Registry;

/// <summary>The local cloud stopping under a push: the build says so within seconds, in one line, instead of Docker's retry countdown.</summary>
public sealed class LocalCloudDownDuringPushTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_local_cloud_stopped_mid_push_fails_the_push_within_seconds_with_one_line_naming_the_command_that_starts_it()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var uri = await world.CreateRepositoryAsync("down/push", scanOnPush: false);
        // An incompressible layer keeps the upload busy long enough to stop the cloud under it.
        var image = await world.BuildAsync("c0ffee1", "stopped mid-push", randomBytes: 48 * 1024 * 1024);
        var endpoint = world.Cloud.Endpoint;
        var options = world.Options(image, uri) with { RegistryWatch = EndpointWatch.ForLocalCloud(endpoint) };

        var push = world.Pusher().PushAsync(options);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!world.Log.Texts.Any(t => t.EndsWith(": Pushing", StringComparison.Ordinal)) && !push.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(push.IsCompleted, "the push ended before any layer was uploading");
        var clock = Stopwatch.StartNew();
        var stopping = world.Cloud.DisposeAsync().AsTask();
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => push);
        var failedAfter = clock.Elapsed;
        await stopping;

        Assert.True(failedAfter < TimeSpan.FromSeconds(8), $"the push failed {failedAfter.TotalSeconds:0.0} s after the local cloud stopped");
        Assert.Equal(EndpointWatch.LocalCloudDown(endpoint), error.Message);
        Assert.Contains("./build.sh LocalCloud", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        // Docker's countdown ("Retrying in 5 seconds") never reaches the output.
        Assert.DoesNotContain(world.Log.Texts, t => t.Contains("Retrying", StringComparison.Ordinal));
    }
}
