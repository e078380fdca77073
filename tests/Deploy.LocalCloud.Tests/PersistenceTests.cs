using System.Net;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Repositories_images_policies_and_log_events_survive_a_restart()
    {
        using var state = new TempDirectory();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string digest;
        string password;
        await using (var first = await TestCloud.StartAsync(state.Path))
        {
            await first.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "kept", "--image-tag-mutability", "IMMUTABLE");
            await first.Cli.JsonAsync("ecr", "put-lifecycle-policy", "--repository-name", "kept", "--lifecycle-policy-text",
                """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}}]}""");
            await first.Cli.JsonAsync("logs", "create-log-group", "--log-group-name", "/kept");
            await first.Cli.JsonAsync("logs", "create-log-stream", "--log-group-name", "/kept", "--log-stream-name", "s");
            await first.Cli.JsonAsync("logs", "put-log-events", "--log-group-name", "/kept", "--log-stream-name", "s", "--log-events", $"timestamp={now},message=before-restart");
            using var registry = await RegistryClient.LoginAsync(first);
            digest = await registry.PushImageAsync("kept", "v1", "persisted");
            password = (await first.Cli.RunAsync("ecr", "get-login-password")).Stdout.Trim();
        }

        await using var second = await TestCloud.StartAsync(state.Path);
        var repositories = await second.Cli.JsonAsync("ecr", "describe-repositories");
        var images = await second.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "kept");
        var policy = await second.Cli.JsonAsync("ecr", "get-lifecycle-policy", "--repository-name", "kept");
        var events = await second.Cli.JsonAsync("logs", "get-log-events", "--log-group-name", "/kept", "--log-stream-name", "s");
        using var oldToken = new RegistryClient(second.Instance.Endpoint, password);
        using var manifest = await oldToken.Http.GetAsync("/v2/kept/manifests/v1");

        var repository = repositories["repositories"]![0]!;
        Assert.Equal("IMMUTABLE", repository["imageTagMutability"]!.GetValue<string>());
        Assert.Equal($"{second.Instance.RegistryHost}/kept", repository["repositoryUri"]!.GetValue<string>());
        Assert.NotNull(EcrCliTests.ImageByDigest(images, digest));
        Assert.Contains("sinceImagePushed", policy["lifecyclePolicyText"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("before-restart", events["events"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Equal(digest, manifest.Headers.GetValues("Docker-Content-Digest").Single());
        second.AssertResponsesMatchBotocore();
    }
}
