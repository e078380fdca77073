using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests;

public sealed class RegistryProtocolTests
{
    [Fact]
    public async Task The_registry_challenges_unauthenticated_clients_with_basic_auth_and_refuses_a_forged_password()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var anonymous = new RegistryClient(cloud.Instance.Endpoint, null);
        using var forged = new RegistryClient(cloud.Instance.Endpoint, "9999999999.deadbeef");

        using var challenge = await anonymous.Http.GetAsync("/v2/");
        using var refused = await forged.Http.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var header = challenge.Headers.WwwAuthenticate.Single();
        Assert.Equal("Basic", header.Scheme);
        Assert.Contains($"realm=\"http://{cloud.Instance.RegistryHost}/\"", header.Parameter, StringComparison.Ordinal);
        Assert.Equal("UNAUTHORIZED", await RegistryClient.ErrorCodeAsync(challenge));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_chunked_upload_whose_content_does_not_match_the_digest_is_refused_with_DIGEST_INVALID()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "blobs");
        using var registry = await RegistryClient.LoginAsync(cloud);
        var content = Encoding.UTF8.GetBytes("some layer bytes that are long enough to split");

        using var wrong = await registry.PushBlobChunkedAsync("blobs", content, claimedDigest: RegistryClient.Digest("other"u8.ToArray()));
        using var right = await registry.PushBlobChunkedAsync("blobs", content);
        using var head = await registry.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/blobs/blobs/{RegistryClient.Digest(content)}"));
        using var fetched = await registry.Http.GetAsync($"/v2/blobs/blobs/{RegistryClient.Digest(content)}");

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("DIGEST_INVALID", await RegistryClient.ErrorCodeAsync(wrong));
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(content.Length, head.Content.Headers.ContentLength);
        Assert.Equal(content, await fetched.Content.ReadAsByteArrayAsync());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_monolithic_put_stores_a_blob_that_another_repository_can_mount()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "source");
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "target");
        using var registry = await RegistryClient.LoginAsync(cloud);
        var content = Encoding.UTF8.GetBytes("monolithic layer");
        var digest = RegistryClient.Digest(content);

        using var start = await registry.Http.PostAsync("/v2/source/blobs/uploads/", null);
        using var put = await registry.Http.PutAsync($"{start.Headers.Location!.OriginalString}?digest={digest}", new ByteArrayContent(content));
        using var mount = await registry.Http.PostAsync($"/v2/target/blobs/uploads/?mount={digest}&from=source", null);
        using var unknownMount = await registry.Http.PostAsync($"/v2/target/blobs/uploads/?mount={RegistryClient.Digest("nothing"u8.ToArray())}&from=source", null);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/v2/source/blobs/{digest}", put.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Created, mount.StatusCode);
        Assert.Equal(digest, mount.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(HttpStatusCode.Accepted, unknownMount.StatusCode);
        Assert.StartsWith("/v2/target/blobs/uploads/", unknownMount.Headers.Location!.OriginalString, StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task An_oci_manifest_pushed_by_tag_is_served_by_tag_and_digest_and_recorded_as_an_ecr_image()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "oci/app");
        using var registry = await RegistryClient.LoginAsync(cloud);

        var digest = await registry.PushImageAsync("oci/app", "v1", "first");
        using var byTag = await registry.Http.GetAsync("/v2/oci/app/manifests/v1");
        using var byDigest = await registry.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/oci/app/manifests/{digest}"));
        using var tags = await registry.Http.GetAsync("/v2/oci/app/tags/list");
        var images = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "oci/app");
        var batch = await cloud.Cli.JsonAsync("ecr", "batch-get-image", "--repository-name", "oci/app", "--image-ids", "imageTag=v1");

        var body = await byTag.Content.ReadAsByteArrayAsync();
        Assert.Equal(digest, RegistryClient.Digest(body));
        Assert.Equal(digest, byTag.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(RegistryClient.OciManifest, byTag.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
        Assert.Equal("[\"v1\"]", JsonNode.Parse(await tags.Content.ReadAsStringAsync())!["tags"]!.ToJsonString());
        var image = EcrCliTests.ImageByDigest(images, digest)!;
        Assert.Equal("[\"v1\"]", image["imageTags"]!.ToJsonString());
        Assert.Equal(RegistryClient.OciManifest, image["imageManifestMediaType"]!.GetValue<string>());
        Assert.Equal(RegistryClient.OciConfig, image["artifactMediaType"]!.GetValue<string>());
        Assert.True(image["imageSizeInBytes"]!.GetValue<long>() > 0);
        Assert.Equal(Encoding.UTF8.GetString(body), batch["images"]![0]!["imageManifest"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_manifest_referencing_unknown_blobs_or_images_is_refused()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "refs");
        using var registry = await RegistryClient.LoginAsync(cloud);
        var ghost = RegistryClient.Digest("ghost"u8.ToArray());
        var manifest = $"{{\"schemaVersion\":2,\"mediaType\":\"{RegistryClient.OciManifest}\",\"config\":{{\"mediaType\":\"{RegistryClient.OciConfig}\",\"digest\":\"{ghost}\",\"size\":5}},\"layers\":[]}}";
        var index = $"{{\"schemaVersion\":2,\"mediaType\":\"{RegistryClient.OciIndex}\",\"manifests\":[{{\"mediaType\":\"{RegistryClient.OciManifest}\",\"digest\":\"{ghost}\",\"size\":5}}]}}";

        using var badManifest = await registry.PutManifestAsync("refs", "v1", manifest, RegistryClient.OciManifest);
        using var badIndex = await registry.PutManifestAsync("refs", "v1", index, RegistryClient.OciIndex);
        using var unknownRepository = await registry.PutManifestAsync("nope", "v1", manifest, RegistryClient.OciManifest);

        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await RegistryClient.ErrorCodeAsync(badManifest));
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await RegistryClient.ErrorCodeAsync(badIndex));
        Assert.Equal("NAME_UNKNOWN", await RegistryClient.ErrorCodeAsync(unknownRepository));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task An_oci_index_over_pushed_manifests_is_accepted_and_protects_its_children()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "multi");
        using var registry = await RegistryClient.LoginAsync(cloud);
        var amd64 = await registry.PushImageAsync("multi", "amd64", "amd64");
        var arm64 = await registry.PushImageAsync("multi", "arm64", "arm64");
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = RegistryClient.OciIndex,
            ["manifests"] = new JsonArray(
                new JsonObject { ["mediaType"] = RegistryClient.OciManifest, ["digest"] = amd64, ["size"] = 100, ["platform"] = new JsonObject { ["architecture"] = "amd64", ["os"] = "linux" } },
                new JsonObject { ["mediaType"] = RegistryClient.OciManifest, ["digest"] = arm64, ["size"] = 100, ["platform"] = new JsonObject { ["architecture"] = "arm64", ["os"] = "linux" } }),
        };

        using var put = await registry.PutManifestAsync("multi", "latest", index.ToJsonString(), RegistryClient.OciIndex);
        var deleteChild = await cloud.Cli.JsonAsync("ecr", "batch-delete-image", "--repository-name", "multi", "--image-ids", $"imageDigest={amd64}");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("ImageReferencedByManifestList", deleteChild["failures"]![0]!["failureCode"]!.GetValue<string>());
        var images = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "multi", "--image-ids", "imageTag=latest");
        Assert.Equal(RegistryClient.OciIndex, images["imageDetails"]![0]!["imageManifestMediaType"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Put_image_adds_a_tag_to_a_pushed_manifest_and_refuses_no_op_and_immutable_moves()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "retag");
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "locked", "--image-tag-mutability", "IMMUTABLE");
        using var registry = await RegistryClient.LoginAsync(cloud);
        var digest = await registry.PushImageAsync("retag", "v1", "retag");
        await registry.PushImageAsync("locked", "release", "locked-1");
        var other = await registry.PushImageAsync("locked", "other", "locked-2");
        var manifest = (await cloud.Cli.JsonAsync("ecr", "batch-get-image", "--repository-name", "retag", "--image-ids", "imageTag=v1"))["images"]![0]!["imageManifest"]!.GetValue<string>();
        var otherManifest = (await cloud.Cli.JsonAsync("ecr", "batch-get-image", "--repository-name", "locked", "--image-ids", $"imageDigest={other}"))["images"]![0]!["imageManifest"]!.GetValue<string>();

        var put = await cloud.Cli.JsonAsync("ecr", "put-image", "--repository-name", "retag", "--image-tag", "stable", "--image-manifest", manifest);
        var again = await cloud.Cli.ErrorCodeAsync("ecr", "put-image", "--repository-name", "retag", "--image-tag", "stable", "--image-manifest", manifest);
        var moved = await cloud.Cli.ErrorCodeAsync("ecr", "put-image", "--repository-name", "locked", "--image-tag", "release", "--image-manifest", otherManifest);
        var images = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "retag");

        Assert.Equal(digest, put["image"]!["imageId"]!["imageDigest"]!.GetValue<string>());
        Assert.Equal("[\"v1\",\"stable\"]", EcrCliTests.ImageByDigest(images, digest)!["imageTags"]!.ToJsonString());
        Assert.Equal("ImageAlreadyExistsException", again);
        Assert.Equal("ImageTagAlreadyExistsException", moved);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_lifecycle_policy_expires_the_oldest_images_after_each_push()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "pruned");
        await cloud.Cli.JsonAsync("ecr", "put-lifecycle-policy", "--repository-name", "pruned", "--lifecycle-policy-text",
            """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}""");
        using var registry = await RegistryClient.LoginAsync(cloud);

        var first = await registry.PushImageAsync("pruned", "v1", "1");
        var second = await registry.PushImageAsync("pruned", "v2", "2");
        var third = await registry.PushImageAsync("pruned", "v3", "3");
        var images = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "pruned");
        var policy = await cloud.Cli.JsonAsync("ecr", "get-lifecycle-policy", "--repository-name", "pruned");

        Assert.Null(EcrCliTests.ImageByDigest(images, first));
        Assert.NotNull(EcrCliTests.ImageByDigest(images, second));
        Assert.NotNull(EcrCliTests.ImageByDigest(images, third));
        Assert.NotNull(policy["lastEvaluatedAt"]);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Deleting_a_repository_with_images_needs_force_and_tags_can_be_deleted_one_by_one()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "full");
        using var registry = await RegistryClient.LoginAsync(cloud);
        var digest = await registry.PushImageAsync("full", "a", "x");
        using var retag = await registry.PutManifestAsync("full", "b",
            Encoding.UTF8.GetString(await registry.Http.GetByteArrayAsync("/v2/full/manifests/a")), RegistryClient.OciManifest);

        var untag = await cloud.Cli.JsonAsync("ecr", "batch-delete-image", "--repository-name", "full", "--image-ids", "imageTag=a");
        var stillThere = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "full");
        var refused = await cloud.Cli.ErrorCodeAsync("ecr", "delete-repository", "--repository-name", "full");
        var deleted = await cloud.Cli.JsonAsync("ecr", "delete-repository", "--repository-name", "full", "--force");

        Assert.Equal(digest, untag["imageIds"]![0]!["imageDigest"]!.GetValue<string>());
        Assert.Equal("[\"b\"]", EcrCliTests.ImageByDigest(stillThere, digest)!["imageTags"]!.ToJsonString());
        Assert.Equal("RepositoryNotEmptyException", refused);
        Assert.Equal("full", deleted["repository"]!["repositoryName"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Scan_findings_come_only_from_the_fixture_file_and_unscanned_images_have_no_scan()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "scanned", "--image-scanning-configuration", "scanOnPush=true");
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "unscanned");
        using var registry = await RegistryClient.LoginAsync(cloud);
        var clean = await registry.PushImageAsync("scanned", "clean", "clean");
        var vulnerable = await registry.PushImageAsync("scanned", "vulnerable", "vulnerable");
        await registry.PushImageAsync("unscanned", "v1", "plain");
        var fixture = Path.Combine(cloud.Instance.Options.StateDirectory, "scan-findings", vulnerable.Replace(':', '-') + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(fixture)!);
        await File.WriteAllTextAsync(fixture, """{"findings":[{"name":"CVE-2024-0001","severity":"HIGH","description":"fixture finding","uri":"https://example.invalid/CVE-2024-0001"}]}""");

        var none = await cloud.Cli.JsonAsync("ecr", "describe-image-scan-findings", "--repository-name", "scanned", "--image-id", $"imageDigest={clean}");
        var some = await cloud.Cli.JsonAsync("ecr", "describe-image-scan-findings", "--repository-name", "scanned", "--image-id", "imageTag=vulnerable");
        var missing = await cloud.Cli.ErrorCodeAsync("ecr", "describe-image-scan-findings", "--repository-name", "unscanned", "--image-id", "imageTag=v1");

        Assert.Equal("COMPLETE", none["imageScanStatus"]!["status"]!.GetValue<string>());
        Assert.Empty(none["imageScanFindings"]!["findings"]!.AsArray());
        Assert.Equal("CVE-2024-0001", some["imageScanFindings"]!["findings"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(1, some["imageScanFindings"]!["findingSeverityCounts"]!["HIGH"]!.GetValue<int>());
        Assert.Equal("ScanNotFoundException", missing);
        cloud.AssertResponsesMatchBotocore();
    }
}
