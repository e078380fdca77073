using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests;

/// <summary>
/// ECR ListImages (what the README's advice for emptying a repository uses): the same images, put with the same aws CLI
/// commands into moto and into the local cloud, list the same tagged image ids (one per tag); an image whose last tag
/// moved away stays listed by its digest alone, as in AWS.
/// </summary>
public sealed class EcrListImagesTests
{
    [Fact]
    public async Task List_images_names_every_tag_and_every_untagged_digest_as_moto_does()
    {
        await using var moto = await MotoServer.StartAsync();
        await using var cloud = await TestCloud.StartAsync();
        using var work = new TempDirectory();
        using var registry = await RegistryClient.LoginAsync(cloud);
        var manifests = new List<string>();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "listing");
        foreach (var name in new[] { "one", "two", "three" })
        {
            // The local registry checks that a manifest's blobs exist; moto does not look.
            var layer = Encoding.UTF8.GetBytes("layer:" + name);
            var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"note\":\"{name}\"}}");
            manifests.Add(new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = RegistryClient.OciManifest,
                ["config"] = new JsonObject { ["mediaType"] = RegistryClient.OciConfig, ["digest"] = await registry.PushBlobMonolithicAsync("listing", config), ["size"] = config.Length },
                ["layers"] = new JsonArray(new JsonObject
                {
                    ["mediaType"] = "application/vnd.oci.image.layer.v1.tar",
                    ["digest"] = await registry.PushBlobMonolithicAsync("listing", layer),
                    ["size"] = layer.Length,
                }),
            }.ToJsonString());
        }

        string[][] puts =
        [
            ["--image-manifest", manifests[0], "--image-tag", "v1"],
            ["--image-manifest", manifests[0], "--image-tag", "v2"],
            ["--image-manifest", manifests[1], "--image-tag", "moving"],
            ["--image-manifest", manifests[2], "--image-tag", "moving"], // "moving" leaves the second image untagged
        ];
        await moto.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "listing");
        var motoNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var localNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var put in puts)
        {
            // Digests are compared by which manifest they name: moto hashes a manifest its own way.
            string[] command = ["ecr", "put-image", "--repository-name", "listing", "--image-manifest-media-type", RegistryClient.OciManifest, .. put];
            var manifest = "m" + manifests.IndexOf(put[1]);
            motoNames[(await moto.Cli.JsonAsync(command))["image"]!["imageId"]!["imageDigest"]!.GetValue<string>()] = manifest;
            localNames[(await cloud.Cli.JsonAsync(command))["image"]!["imageId"]!["imageDigest"]!.GetValue<string>()] = manifest;
        }

        var expected = Ids(await moto.Cli.JsonAsync("ecr", "list-images", "--repository-name", "listing", "--filter", "tagStatus=TAGGED"), motoNames);
        var tagged = Ids(await cloud.Cli.JsonAsync("ecr", "list-images", "--repository-name", "listing", "--filter", "tagStatus=TAGGED"), localNames);
        var all = Ids(await cloud.Cli.JsonAsync("ecr", "list-images", "--repository-name", "listing"), localNames);
        var untagged = Ids(await cloud.Cli.JsonAsync("ecr", "list-images", "--repository-name", "listing", "--filter", "tagStatus=UNTAGGED"), localNames);
        var page = await cloud.Cli.JsonAsync("ecr", "list-images", "--repository-name", "listing", "--max-results", "3", "--no-paginate");

        Assert.Equal(["m0 v1", "m0 v2", "m2 moving"], expected);
        Assert.Equal(expected, tagged);
        // As in AWS (moto drops it instead): the image "moving" left stays, untagged, listed by its digest.
        Assert.Equal(["m0 v1", "m0 v2", "m1 -", "m2 moving"], all);
        Assert.Equal(["m1 -"], untagged);
        Assert.Equal(3, page["imageIds"]!.AsArray().Count);
        Assert.NotNull(page["nextToken"]);
        Assert.Equal("RepositoryNotFoundException", await cloud.Cli.ErrorCodeAsync("ecr", "list-images", "--repository-name", "missing"));
        cloud.AssertResponsesMatchBotocore();
    }

    private static List<string> Ids(JsonObject listed, Dictionary<string, string> manifests) => [.. listed["imageIds"]!.AsArray()
        .Select(i => $"{manifests[i!["imageDigest"]!.GetValue<string>()]} {i["imageTag"]?.GetValue<string>() ?? "-"}")
        .Order(StringComparer.Ordinal)];
}
