using Deploy.Delivery.LocalCloud;

namespace Deploy.Delivery.Tests.LocalCloud;

public sealed class LocalCloudDiskUsageTests
{
    [Fact]
    public void The_state_directory_is_measured_with_its_registry_blobs_and_uploads_apart()
    {
        var state = Directory.CreateTempSubdirectory("disk-usage-").FullName;
        try
        {
            Write(Path.Combine(state, "ecs.json"), 100);
            Write(Path.Combine(state, "registry", "blobs", "sha256", "aa"), 3000);
            Write(Path.Combine(state, "registry", "blobs", "sha256", "bb"), 2000);
            Write(Path.Combine(state, "registry", "uploads", Guid.NewGuid().ToString()), 1536);

            var usage = LocalCloudDiskUsage.Measure(state);

            Assert.Equal(new LocalCloudDiskUsage(6636, 5000, 1536), usage);
            Assert.Equal("6.5 KB on disk in state (registry blobs 4.9 KB, uploads 1.5 KB)", usage.Describe("state"));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public void A_state_directory_that_was_never_created_holds_nothing()
    {
        var usage = LocalCloudDiskUsage.Measure(Path.Combine(Path.GetTempPath(), "never-" + Guid.NewGuid().ToString("N")));

        Assert.Equal("0 B on disk in x (registry blobs 0 B, uploads 0 B)", usage.Describe("x"));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KB")]
    [InlineData(146L * 1024 * 1024, "146.0 MB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.0 GB")]
    public void Sizes_read_in_binary_units(long bytes, string shown) => Assert.Equal(shown, LocalCloudDiskUsage.Format(bytes));

    private static void Write(string path, int bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
    }
}
