using System.Text;
using Deploy.Delivery.Registry;

namespace Deploy.Delivery.Tests.Registry;

public sealed class ImageDefinitionsTests
{
    [Fact]
    public void The_file_lists_each_container_with_its_image_by_digest()
    {
        var text = ImageDefinitions.Render([new ImageDefinition("sample-service", "127.0.0.1:4566/sample-service@sha256:abc")]);

        Assert.Equal(
            """
            [
              {
                "name": "sample-service",
                "imageUri": "127.0.0.1:4566/sample-service@sha256:abc"
              }
            ]

            """,
            text);
    }

    [Fact]
    public async Task The_file_is_written_as_utf8_without_a_byte_order_mark()
    {
        var directory = Directory.CreateTempSubdirectory("imagedefinitions-");
        try
        {
            var path = Path.Combine(directory.FullName, "nested", ImageDefinitions.FileName);

            await ImageDefinitions.WriteAsync(path, [new ImageDefinition("web", "repo/web@sha256:1"), new ImageDefinition("sidecar", "repo/sidecar@sha256:2")]);

            var bytes = await File.ReadAllBytesAsync(path);
            Assert.Equal((byte)'[', bytes[0]);
            Assert.Equal(ImageDefinitions.Render([new ImageDefinition("web", "repo/web@sha256:1"), new ImageDefinition("sidecar", "repo/sidecar@sha256:2")]), Encoding.UTF8.GetString(bytes));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void No_container_a_blank_name_or_a_container_twice_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ImageDefinitions.Render([]));
        Assert.Throws<ArgumentException>(() => ImageDefinitions.Render([new ImageDefinition(" ", "repo@sha256:1")]));
        var twice = Assert.Throws<ArgumentException>(() => ImageDefinitions.Render([new ImageDefinition("web", "a@sha256:1"), new ImageDefinition("web", "b@sha256:2")]));
        Assert.Contains("'web' appears more than once", twice.Message, StringComparison.Ordinal);
    }
}
