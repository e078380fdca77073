using System.Text.Json.Nodes;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.Events;

/// <summary>The event pattern matcher against AWS's documented semantics, cross-checked with moto's matcher (moto_server
/// answers TestEventPattern with nothing, so moto's own EventPattern is called in a python process) and, through the
/// wire, with the aws CLI's TestEventPattern and PutRule.</summary>
public sealed class EventPatternTests
{
    /// <summary>Runs every (pattern, event) pair through moto.events.models.EventPattern; prints a JSON array of booleans
    /// (or the error class name when moto refuses the pattern).</summary>
    private const string MotoOracle = """
        import json, sys
        from moto.events.models import EventPattern
        cases = json.load(open(sys.argv[1]))
        out = []
        for case in cases:
            try:
                out.append(EventPattern.load(case["pattern"]).matches_event(json.loads(case["event"])))
            except Exception as e:
                out.append(type(e).__name__)
        print(json.dumps(out))
        """;

    [Fact]
    public async Task The_matcher_follows_aws_semantics_and_agrees_with_moto_on_every_case_moto_implements()
    {
        var ours = EventPatternCorpus.Cases.Select(c => EventPattern.Parse(c.Pattern).Matches(JsonNode.Parse(EventPatternCorpus.Event)!.AsObject())).ToList();
        var moto = await RunMotoAsync(EventPatternCorpus.Cases.Select(c => (c.Pattern, EventPatternCorpus.Event)));

        var wrong = EventPatternCorpus.Cases.Where((c, i) => ours[i] != c.Expected).Select(c => c.Name).ToList();
        Assert.True(wrong.Count == 0, "our matcher disagrees with AWS's semantics on: " + string.Join("; ", wrong));
        var disagreements = EventPatternCorpus.Cases.Select((c, i) => (Case: c, Moto: moto[i]))
            .Where(p => p.Case.MotoAgrees != (p.Moto is JsonValue v && v.TryGetValue<bool>(out var m) && m == p.Case.Expected))
            .Select(p => $"{p.Case.Name} (moto: {p.Moto?.ToJsonString()})").ToList();
        Assert.True(disagreements.Count == 0, "moto unexpectedly differs on: " + string.Join("; ", disagreements));
    }

    [Fact]
    public async Task Invalid_patterns_are_refused_with_the_reason_and_moto_refuses_the_ones_it_checks()
    {
        foreach (var (pattern, reason, _) in EventPatternCorpus.Invalid)
        {
            var failure = Assert.Throws<AwsServiceException>(() => EventPattern.Parse(pattern));
            Assert.Equal("InvalidEventPatternException", failure.Code);
            Assert.StartsWith("Event pattern is not valid. Reason: ", failure.Message, StringComparison.Ordinal);
            Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
        }

        var checkedByMoto = EventPatternCorpus.Invalid.Where(i => i.Moto).ToList();
        var moto = await RunMotoAsync(checkedByMoto.Select(i => (i.Pattern, EventPatternCorpus.Event)));
        Assert.All(moto, answer => Assert.Equal("InvalidEventPatternException", answer!.GetValue<string>()));
    }

    [Fact]
    public async Task TestEventPattern_PutRule_and_PutEvents_answer_the_aws_cli_as_botocore_expects()
    {
        await using var cloud = await TestCloud.StartAsync();
        foreach (var @case in EventPatternCorpus.Cases.Take(12))
        {
            var answer = await cloud.Cli.JsonAsync("events", "test-event-pattern", "--event-pattern", @case.Pattern, "--event", EventPatternCorpus.Event);
            Assert.True(@case.Expected == answer["Result"]!.GetValue<bool>(), @case.Name);
        }

        Assert.Equal("InvalidEventPatternException", await cloud.Cli.ErrorCodeAsync("events", "put-rule", "--name", "bad", "--event-pattern", """{"source":"aws.codecommit"}"""));
        Assert.Equal("InvalidEventPatternException", await cloud.Cli.ErrorCodeAsync("events", "test-event-pattern", "--event-pattern", "{\"source\":[]}", "--event", EventPatternCorpus.Event));
        Assert.Equal("ValidationException", await cloud.Cli.ErrorCodeAsync("events", "test-event-pattern", "--event-pattern", EventPatternCorpus.PlatformRule, "--event", """{"source":"aws.codecommit"}"""));
        await cloud.Cli.JsonAsync("events", "put-rule", "--name", "ok", "--event-pattern", EventPatternCorpus.PlatformRule);

        var put = await cloud.Cli.JsonAsync("events", "put-events", "--entries",
            """[{"Source":"my.app","DetailType":"Thing","Detail":"{\"a\":1}"},{"Source":"aws.codecommit","DetailType":"X","Detail":"{}"},{"Source":"my.app","DetailType":"Thing","Detail":"[1]"}]""");
        Assert.Equal(2, put["FailedEntryCount"]!.GetValue<int>());
        var entries = put["Entries"]!.AsArray();
        Assert.NotNull(entries[0]!["EventId"]);
        Assert.Equal("NotAuthorizedForSourceException", entries[1]!["ErrorCode"]!.GetValue<string>());
        Assert.Equal("MalformedDetail", entries[2]!["ErrorCode"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    private static async Task<IReadOnlyList<JsonNode?>> RunMotoAsync(IEnumerable<(string Pattern, string Event)> cases)
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "cases.json");
        await File.WriteAllTextAsync(file, new JsonArray([.. cases.Select(c => (JsonNode?)new JsonObject { ["pattern"] = c.Pattern, ["event"] = c.Event })]).ToJsonString());
        var result = await ProcessRunner.RunAsync("python3", ["-c", MotoOracle, file]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return [.. JsonNode.Parse(result.Stdout)!.AsArray()];
    }
}
