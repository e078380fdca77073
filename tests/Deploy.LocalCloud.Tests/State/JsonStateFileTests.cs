using Deploy.LocalCloud.State;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.State;

public sealed class JsonStateFileTests : IDisposable
{
    private readonly TempDirectory state = new();
    private readonly List<string> reports = [];

    private string FilePath => Path.Combine(state.Path, "things.json");

    [Fact]
    public void A_change_replaces_the_file_and_keeps_the_previous_version_as_the_backup_with_no_temp_file_left()
    {
        var file = Open();
        Add(file, "one");
        Add(file, "two");

        Assert.Equal(["one", "two"], Open().Read(s => s.Items.ToList()));
        Assert.Contains("\"one\"", File.ReadAllText(FilePath), StringComparison.Ordinal);
        Assert.DoesNotContain("\"two\"", File.ReadAllText(FilePath + ".bak"), StringComparison.Ordinal);
        Assert.Contains("\"one\"", File.ReadAllText(FilePath + ".bak"), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(state.Path, "*.tmp"));
        Assert.Empty(reports);
    }

    [Fact]
    public void A_temp_file_left_by_a_crashed_writer_is_neither_read_nor_in_the_way()
    {
        Add(Open(), "saved");
        File.WriteAllText(FilePath + ".tmp", "{ torn");

        var file = Open();
        Add(file, "again");

        Assert.Equal(["saved", "again"], Open().Read(s => s.Items.ToList()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"items\": [\"half")]
    public void A_damaged_file_is_moved_aside_reported_with_its_path_and_the_last_good_version_is_used(string damage)
    {
        var file = Open();
        Add(file, "good");
        Add(file, "newer");
        File.WriteAllText(FilePath, damage);

        var reopened = Open();

        Assert.Equal(["good"], reopened.Read(s => s.Items.ToList()));
        var report = Assert.Single(reports);
        Assert.StartsWith($"State file {FilePath} ", report, StringComparison.Ordinal);
        Assert.Contains("last good version", report, StringComparison.Ordinal);
        var aside = Assert.Single(Directory.GetFiles(state.Path, "things.json.corrupt-*"));
        Assert.Equal(damage, File.ReadAllText(aside));
        Assert.Contains("\"good\"", File.ReadAllText(FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_file_without_a_backup_starts_empty_but_is_kept_and_reported()
    {
        File.WriteAllText(FilePath, "not json");

        var file = Open();

        Assert.Empty(file.Read(s => s.Items.ToList()));
        Assert.Contains("no good backup", Assert.Single(reports), StringComparison.Ordinal);
        Assert.Equal("not json", File.ReadAllText(Assert.Single(Directory.GetFiles(state.Path, "things.json.corrupt-*"))));
    }

    [Fact]
    public void A_missing_file_with_a_backup_left_by_a_crash_mid_replace_is_restored_from_it()
    {
        var file = Open();
        Add(file, "first");
        Add(file, "second");
        File.Delete(FilePath);

        Assert.Equal(["first"], Open().Read(s => s.Items.ToList()));
        Assert.Contains("was missing", Assert.Single(reports), StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_change_that_fails_before_any_file_exists_throws_its_own_error_and_leaves_the_state_empty()
    {
        var file = Open();

        var error = Assert.Throws<InvalidOperationException>(() => file.Update<bool>(s =>
        {
            s.Items.Add("half-done");
            throw new InvalidOperationException("the change failed");
        }));

        Assert.Equal("the change failed", error.Message);
        Assert.Empty(file.Read(s => s.Items.ToList()));
        Assert.False(File.Exists(FilePath));
    }

    public void Dispose() => state.Dispose();

    private static void Add(JsonStateFile<Things> file, string item) => file.Update(s =>
    {
        s.Items.Add(item);
        return true;
    });

    private JsonStateFile<Things> Open() => new(state.Path, "things.json", report: reports.Add);

    internal sealed class Things
    {
        public List<string> Items { get; set; } = [];
    }
}
