using System.Text.Json.Nodes;
using Deploy.Delivery.Images;

namespace Deploy.Delivery.Tests.Images;

public sealed class BuiltImageTests
{
    [Fact]
    public async Task Image_json_has_the_fields_push_reads_and_reads_back_the_same()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("image-json-").FullName, "artifacts", "image.json");
        var image = new BuiltImage("deploy/sample-service:abc", "sha256:0123", ["deploy/sample-service:abc", "deploy/sample-service:main"], "abc", RuntimeBaseImage.Local);
        try
        {
            await image.WriteAsync(path);
            var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();

            Assert.Equal(["image", "id", "tags", "commit", "base"], json.Select(p => p.Key));
            Assert.Equal("deploy-local/runtime-deps:10.0-debian12", json["base"]!.GetValue<string>());
            var read = await BuiltImage.ReadAsync(path);
            Assert.Equal((image.Image, image.Id, image.Commit, image.Base), (read.Image, read.Id, read.Commit, read.Base));
            Assert.Equal(image.Tags, read.Tags);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(path))!, recursive: true);
        }
    }
}
