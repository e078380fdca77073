using Deploy.Delivery.Images;
using Deploy.Delivery.Registry;
using Deploy.Delivery.Tests.Images;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Tests.Registry;

public sealed class PushProgressTests
{
    private const string Digest = "sha256:9dc1eea61e370018a631dbfa93dda82f3853dc4587447b3cc5751f3b041511ab";

    // What the engine streams for a push of two layers, one of them already in the registry.
    private static readonly JSONMessage[] Stream =
    [
        new() { Status = "The push refers to repository [127.0.0.1:4566/app]" },
        new() { ID = "aaa", Status = "Preparing" },
        new() { ID = "bbb", Status = "Preparing" },
        new() { ID = "aaa", Status = "Waiting" },
        new() { ID = "bbb", Status = "Layer already exists" },
        new() { ID = "aaa", Status = "Pushing", Progress = new JSONProgress { Current = 10, Total = 100 } },
        new() { ID = "aaa", Status = "Pushing", Progress = new JSONProgress { Current = 60, Total = 100 } },
        new() { ID = "aaa", Status = "Pushing", Progress = new JSONProgress { Current = 100, Total = 100 } },
        new() { ID = "aaa", Status = "Pushed" },
        new() { Status = $"v1: digest: {Digest} size: 528" },
    ];

    [Fact]
    public void On_a_terminal_each_layer_state_change_is_one_line()
    {
        var log = new LevelLog();
        var progress = new PushProgress(log, summaryOnly: false);

        foreach (var message in Stream)
            progress.Report(message);

        Assert.Equal(
            ["  aaa: Preparing", "  bbb: Preparing", "  aaa: Waiting", "  bbb: Layer already exists", "  aaa: Pushing", "  aaa: Pushed"],
            log.Texts);
        Assert.Equal(Digest, progress.Digest);
        Assert.Equal("1 layer uploaded, 1 already present", progress.SummaryLine);
        Assert.Null(progress.Error);
    }

    [Fact]
    public void On_ci_nothing_is_printed_per_layer()
    {
        var log = new LevelLog();
        var progress = new PushProgress(log, summaryOnly: true);

        foreach (var message in Stream)
            progress.Report(message);

        Assert.Empty(log.Lines);
        Assert.Equal(Digest, progress.Digest);
    }

    [Fact]
    public void The_first_error_of_the_stream_is_kept()
    {
        var progress = new PushProgress(new LevelLog(), summaryOnly: false);

        progress.Report(new JSONMessage { Error = new JSONError { Message = "tag invalid: The image tag 'c1' already exists in the 'app' repository and cannot be overwritten because the repository is immutable." } });
        progress.Report(new JSONMessage { ErrorMessage = "later" });

        Assert.StartsWith("tag invalid:", progress.Error, StringComparison.Ordinal);
        Assert.Null(progress.Digest);
    }

    [Theory]
    [InlineData("tag invalid: The image tag 'c1' already exists in the 'app' repository and cannot be overwritten because the repository is immutable.", true)]
    [InlineData("TAG_INVALID: manifest tag did not match URI", true)]
    [InlineData("ImageTagAlreadyExistsException: The image tag 'c1' already exists", true)]
    [InlineData("unauthorized: authentication required", false)]
    [InlineData("blob upload unknown", false)]
    public void An_immutable_tag_refusal_is_recognised_however_it_is_spelled(string error, bool conflict) =>
        Assert.Equal(conflict, EcrPusher.IsTagConflict(error));

    [Fact]
    public void Immutable_repositories_get_only_the_commit_tag()
    {
        var image = new BuiltImage("deploy/app:c1", "sha256:1", ["deploy/app:c1", "deploy/app:main"], "c1", "base");

        Assert.Equal(["c1", "main"], EcrPusher.RemoteTags(image, immutable: false, out var none));
        Assert.Empty(none);
        Assert.Equal(["c1"], EcrPusher.RemoteTags(image, immutable: true, out var dropped));
        Assert.Equal(["main"], dropped);
    }

    [Fact]
    public void The_registry_id_is_the_account_of_an_ecr_host_and_none_for_the_local_cloud()
    {
        var image = new BuiltImage("deploy/app:c1", "sha256:1", ["deploy/app:c1"], "c1", "base");
        var aws = new EcrPushOptions { Image = image, RepositoryUri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app", ContainerName = "app" };
        var local = aws with { RepositoryUri = "127.0.0.1:4566/app" };

        Assert.Equal("123456789012", aws.RegistryId);
        Assert.Equal("team/app", aws.RepositoryName);
        Assert.Null(local.RegistryId);
        Assert.Equal("app", local.RepositoryName);
    }
}
