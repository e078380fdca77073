using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Logs;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Logs;

/// <summary>Log events are appended to one file per stream; logs.json keeps groups and streams only.</summary>
public sealed class LogEventStorageTests : IDisposable
{
    private readonly TempDirectory state = new();

    private LocalCloudOptions Options => new() { StateDirectory = state.Path };

    private string LogsJson => Path.Combine(state.Path, "logs.json");

    [Fact]
    public void A_batch_is_appended_to_its_stream_file_and_logs_json_does_not_grow_with_the_events()
    {
        var store = new LogsStore(Options, TimeProvider.System);
        store.AppendContainerOutput("/app", "web/1", Batch("first", 3));
        var metadataSize = new FileInfo(LogsJson).Length;
        var eventsFile = new LogEventFiles(state.Path).PathOf("/app", "web/1");
        var firstSize = new FileInfo(eventsFile).Length;

        store.AppendContainerOutput("/app", "web/1", Batch("second", 300));

        // Only counters change there (the last event id, the last ingestion time): a few bytes, not 300 events.
        Assert.InRange(new FileInfo(LogsJson).Length, metadataSize, metadataSize + 16);
        Assert.DoesNotContain("first-0", File.ReadAllText(LogsJson), StringComparison.Ordinal);
        var lines = File.ReadAllLines(eventsFile);
        Assert.Equal(303, lines.Length);
        Assert.StartsWith(File.ReadAllText(eventsFile)[..(int)firstSize], File.ReadAllText(eventsFile), StringComparison.Ordinal);
    }

    [Fact]
    public void A_restart_reads_the_events_back_in_order_and_continues_their_ids()
    {
        var store = new LogsStore(Options, TimeProvider.System);
        store.AppendContainerOutput("/app", "web/1", Batch("a", 2));
        store.AppendContainerOutput("/app", "web/1", [(Now - 5000, "earlier")]);

        var restarted = new LogsStore(Options, TimeProvider.System);
        restarted.AppendContainerOutput("/app", "web/1", Batch("b", 1));

        var events = restarted.Read(s => s.Groups["/app"].Streams["web/1"].Events.ToList());
        Assert.Equal(["earlier", "a-0", "a-1", "b-0"], events.Select(e => e.Message));
        Assert.Equal(4, events.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(4, events.Max(e => e.EventId));
    }

    [Fact]
    public void Retention_rewrites_the_stream_file_and_deleting_the_group_deletes_it()
    {
        var store = new LogsStore(Options, TimeProvider.System);
        store.AppendContainerOutput("/app", "web/1", [(Now - (3 * 86_400_000L), "old"), (Now, "new")]);
        var eventsFile = new LogEventFiles(state.Path).PathOf("/app", "web/1");

        store.Update(s =>
        {
            s.Groups["/app"].RetentionInDays = 1;
            LogsStore.Expire(s.Groups["/app"], Now);
            return 0;
        });
        Assert.DoesNotContain("\"old\"", File.ReadAllText(eventsFile), StringComparison.Ordinal);
        Assert.Equal(["new"], new LogsStore(Options, TimeProvider.System).Read(s => s.Groups["/app"].Streams["web/1"].Events.Select(e => e.Message).ToList()));

        store.Update(s => s.Groups.Remove("/app"));
        Assert.False(File.Exists(eventsFile));
    }

    [Fact]
    public void Events_an_older_logs_json_held_inline_are_kept_and_moved_to_the_stream_file()
    {
        var now = Now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(LogsJson, """
            {"groups":{"/old":{"creationTime":1,"streams":{"s":{"creationTime":1,"events":[
              {"timestamp":NOW,"message":"kept","ingestionTime":NOW,"eventId":7}]}}}},"lastEventId":7}
            """.Replace("NOW", now, StringComparison.Ordinal));

        var store = new LogsStore(Options, TimeProvider.System);
        store.AppendContainerOutput("/old", "s", Batch("next", 1));

        Assert.Equal(["kept", "next-0"], new LogsStore(Options, TimeProvider.System).Read(s => s.Groups["/old"].Streams["s"].Events.Select(e => e.Message).ToList()));
        Assert.DoesNotContain("\"kept\"", File.ReadAllText(LogsJson), StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_torn_by_a_crash_mid_append_is_skipped_and_the_rest_kept()
    {
        var store = new LogsStore(Options, TimeProvider.System);
        store.AppendContainerOutput("/app", "web/1", Batch("a", 2));
        File.AppendAllText(new LogEventFiles(state.Path).PathOf("/app", "web/1"), "{\"timestamp\":12");

        Assert.Equal(["a-0", "a-1"], new LogsStore(Options, TimeProvider.System).Read(s => s.Groups["/app"].Streams["web/1"].Events.Select(e => e.Message).ToList()));
    }

    public void Dispose() => state.Dispose();

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static (long, string)[] Batch(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => (Now + i, $"{prefix}-{i}")).ToArray();
}
