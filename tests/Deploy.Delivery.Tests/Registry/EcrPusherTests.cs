using System.Text.Json.Nodes;
using Deploy.Aws.Ecr;
using Deploy.Delivery.Images;
using Deploy.Delivery.Registry;
using Deploy.Engine;
using Xunit.Abstractions;

namespace Deploy.Delivery.Tests.Registry;

/// <summary>PushEcr's pusher against the real local cloud (ECR + registry) through the real Docker engine.</summary>
public sealed class EcrPusherTests(ITestOutputHelper output)
{
    private const string CriticalFinding = """
        {"findings":[
          {"name":"CVE-2099-0001","severity":"CRITICAL","description":"A made-up hole.","uri":"https://example.test/CVE-2099-0001",
           "attributes":[{"key":"package_name","value":"openssl"},{"key":"package_version","value":"1.0.2"}]},
          {"name":"CVE-2099-0002","severity":"LOW","uri":"https://example.test/CVE-2099-0002"}
        ]}
        """;

    [Fact]
    public async Task Pushing_a_built_image_verifies_its_digest_and_writes_the_image_definitions()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var uri = await world.CreateRepositoryAsync("sample-service");
        var image = await world.BuildAsync("0123456789abcdef0123456789abcdef01234567", "first");

        var result = await world.Pusher().PushAsync(world.Options(image, uri));

        var described = await world.Ecr.DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = "sample-service", ImageIds = [ImageIdentifier.ForTag(image.Commit)] });
        var detail = Assert.Single(described.ImageDetails!);
        Assert.Equal(PushOutcome.Pushed, result.Outcome);
        Assert.Equal(detail.ImageDigest, result.Digest);
        Assert.Equal([image.Commit, "main"], result.Tags);
        Assert.Equal([image.Commit, "main"], detail.ImageTags!.Order(StringComparer.Ordinal));
        Assert.Matches("^sha256:[0-9a-f]{64}$", result.Digest);

        var definitions = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(world.ArtifactsDirectory, "imagedefinitions.json")))!.AsArray();
        var definition = Assert.Single(definitions)!.AsObject();
        Assert.Equal("sample-service", definition["name"]!.GetValue<string>());
        Assert.Equal($"{uri}@{result.Digest}", definition["imageUri"]!.GetValue<string>());
        var pushed = await PushedImage.ReadAsync(Path.Combine(world.ArtifactsDirectory, "image-pushed.json"));
        Assert.Equal(new PushedImage($"{uri}@{result.Digest}", uri, result.Digest, result.Tags), pushed with { Tags = result.Tags });
        Assert.Equal(result.Tags, pushed.Tags);

        // A line per layer state change on a terminal, and the verification and the scan said.
        Assert.Contains(world.Log.Texts, l => l.EndsWith(": Pushed", StringComparison.Ordinal));
        Assert.Contains(world.Log.Texts, l => l.StartsWith("Verified with DescribeImages", StringComparison.Ordinal));
        Assert.Contains("Image scan: no findings (none at or above CRITICAL)", world.Log.Texts);
        Assert.Equal($"pushed {result.Digest[..19]}… as :{image.Commit} :main; scan no findings", result.Summary);
    }

    [Fact]
    public async Task A_second_push_of_the_same_image_is_already_present_and_uploads_nothing()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var uri = await world.CreateRepositoryAsync("sample-service");
        var image = await world.BuildAsync("1111111111111111111111111111111111111111", "again");
        var first = await world.Pusher().PushAsync(world.Options(image, uri));
        var linesAfterFirst = world.Log.Lines.Count;

        var second = await world.Pusher().PushAsync(world.Options(image, uri) with { SummaryOnly = true });

        var secondLines = world.Log.Texts.Skip(linesAfterFirst).ToList();
        Assert.Equal(PushOutcome.AlreadyPresent, second.Outcome);
        Assert.Equal(first.Digest, second.Digest);
        Assert.Contains(secondLines, l => l.StartsWith("Already present:", StringComparison.Ordinal) && l.EndsWith("nothing pushed", StringComparison.Ordinal));
        Assert.DoesNotContain(secondLines, l => l.Contains("Pushing", StringComparison.Ordinal) || l.Contains("Pushed", StringComparison.Ordinal));
        Assert.StartsWith("already present sha256:", second.Summary, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(world.ArtifactsDirectory, "imagedefinitions.json")));
        var images = await world.Ecr.DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = "sample-service" });
        Assert.Single(images.ImageDetails!);
    }

    [Fact]
    public async Task A_different_image_under_an_existing_immutable_tag_fails_with_one_clear_line()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var uri = await world.CreateRepositoryAsync("sample-service", mutability: "IMMUTABLE");
        const string commit = "2222222222222222222222222222222222222222-dirty";
        var original = await world.BuildAsync(commit, "original");
        var first = await world.Pusher().PushAsync(world.Options(original, uri));
        var rebuilt = await world.BuildAsync(commit, "changed without a commit");

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => world.Pusher().PushAsync(world.Options(rebuilt, uri)));

        // Immutable: only the commit tag, and the log says why the branch tag was left out.
        Assert.Equal([commit], first.Tags);
        Assert.Contains(world.Log.Texts, l => l.Contains("IMMUTABLE tags: pushing only :" + commit, StringComparison.Ordinal));
        Assert.StartsWith($"Tag {commit} already exists in sample-service with a different image; tags are immutable: commit your change", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(File.Exists(Path.Combine(world.ArtifactsDirectory, "imagedefinitions.json")));
        var held = await world.Ecr.DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = "sample-service", ImageIds = [ImageIdentifier.ForTag(commit)] });
        Assert.Equal(first.Digest, Assert.Single(held.ImageDetails!).ImageDigest);
    }

    [Fact]
    public async Task Another_build_of_the_same_clean_commit_under_its_immutable_tag_is_used_instead_of_pushed()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var uri = await world.CreateRepositoryAsync("sample-service", mutability: "IMMUTABLE");
        const string commit = "3333333333333333333333333333333333333333";
        var laptop = await world.BuildAsync(commit, "built on a laptop");
        var first = await world.Pusher().PushAsync(world.Options(laptop, uri));
        var pipeline = await world.BuildAsync(commit, "built again by the pipeline");

        var second = await world.Pusher().PushAsync(world.Options(pipeline, uri));

        Assert.Equal((PushOutcome.CommitAlreadyBuilt, first.Digest), (second.Outcome, second.Digest));
        Assert.Contains(world.Log.Texts, l => l.Contains("built from this commit by an earlier run: using it, nothing pushed", StringComparison.Ordinal));
        Assert.StartsWith("commit already built sha256:", second.Summary, StringComparison.Ordinal);
        var definitions = await File.ReadAllTextAsync(Path.Combine(world.ArtifactsDirectory, "imagedefinitions.json"));
        Assert.Contains(uri + "@" + first.Digest, definitions, StringComparison.Ordinal);
        var images = await world.Ecr.DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = "sample-service" });
        Assert.Single(images.ImageDetails!);
    }

    [Fact]
    public async Task A_critical_scan_finding_fails_the_push_and_is_listed()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var (uri, image) = await ImageWithFindingsAsync(world);

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => world.Pusher().PushAsync(world.Options(image, uri)));

        Assert.Contains("found 1 finding at or above CRITICAL", error.Message, StringComparison.Ordinal);
        Assert.Contains("(1 CRITICAL, 1 LOW)", error.Message, StringComparison.Ordinal);
        Assert.Contains("\n  CRITICAL CVE-2099-0001 openssl 1.0.2 https://example.test/CVE-2099-0001", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("CVE-2099-0002", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(world.ArtifactsDirectory, "imagedefinitions.json")));
    }

    [Fact]
    public async Task A_critical_scan_finding_passes_when_no_severity_fails_the_push()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var (uri, image) = await ImageWithFindingsAsync(world);

        var result = await world.Pusher().PushAsync(world.Options(image, uri) with { FailOnSeverity = SeverityThreshold.None });

        Assert.Equal(PushOutcome.Pushed, result.Outcome);
        Assert.Equal("1 CRITICAL, 1 LOW", result.Scan?.Summary);
        Assert.Contains("Image scan: 1 CRITICAL, 1 LOW (not gated)", world.Log.Texts);
        Assert.True(File.Exists(Path.Combine(world.ArtifactsDirectory, "imagedefinitions.json")));
    }

    [Fact]
    public async Task The_registry_password_never_appears_in_the_output_or_the_artifacts_and_ci_gets_a_summary_line()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var uri = await world.CreateRepositoryAsync("sample-service");
        var image = await world.BuildAsync("3333333333333333333333333333333333333333", "secret");

        await world.Pusher().PushAsync(world.Options(image, uri) with { SummaryOnly = true });

        var password = Assert.Single(world.Secrets);
        Assert.DoesNotContain(world.Log.Texts, l => l.StartsWith("  ", StringComparison.Ordinal));
        Assert.Contains(world.Log.Texts, l => l.Contains("(1 layer uploaded, 0 already present)", StringComparison.Ordinal));
        Assert.True(password.Length >= 16, "the local cloud's password is an expiry and an HMAC");
        var token = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("AWS:" + password));
        Assert.All(world.Log.Texts, line => Assert.DoesNotContain(password, line, StringComparison.Ordinal));
        var files = Directory.GetFiles(world.ArtifactsDirectory, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_repository_without_scan_on_push_gets_the_image_with_a_warning_that_findings_were_not_checked()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var uri = await world.CreateRepositoryAsync("sample-service", scanOnPush: false);
        var image = await world.BuildAsync("5555555555555555555555555555555555555555", "unscanned");

        var result = await world.Pusher().PushAsync(world.Options(image, uri));

        Assert.Null(result.Scan);
        Assert.Contains(("warning", $"Repository 'sample-service' does not scan on push and no scan of {result.Digest[..19]}… exists; findings not checked."), world.Log.Lines);
    }

    [Fact]
    public async Task A_missing_repository_is_reported_with_what_to_run()
    {
        await using var world = await RegistryWorld.StartAsync(output);
        var image = await world.BuildAsync("6666666666666666666666666666666666666666", "nowhere");

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => world.Pusher().PushAsync(world.Options(image, $"{world.Cloud.RegistryHost}/missing")));

        Assert.Equal($"The ECR repository 'missing' ({world.Cloud.RegistryHost}/missing) does not exist; run ProvisionInfra to create it.", error.Message);
    }

    /// <summary>
    /// An image whose digest carries a CRITICAL finding: pushed once to a scratch repository to learn the digest the
    /// registry gives it, then the fixture is written; the repository returned has never seen the image.
    /// </summary>
    private static async Task<(string Uri, BuiltImage Image)> ImageWithFindingsAsync(RegistryWorld world)
    {
        var scratch = await world.CreateRepositoryAsync("scratch");
        var uri = await world.CreateRepositoryAsync("sample-service");
        var image = await world.BuildAsync("4444444444444444444444444444444444444444", "vulnerable");
        var probe = await world.Pusher().PushAsync(world.Options(image, scratch) with { FailOnSeverity = SeverityThreshold.None, ArtifactsDirectory = null });
        await world.WriteFindingsAsync(probe.Digest, CriticalFinding);
        return (uri, image);
    }
}
