using System.Text.Json.Nodes;
using Deploy.Testing.Slack;

namespace Deploy.Delivery.Tests.Notifications;

/// <summary>The shape check must be able to fail: each broken payload breaks exactly the rule it is named after.</summary>
public sealed class BlockKitShapeTests
{
    // Shaped like the examples of Slack's Block Kit reference, not like our renderer's output.
    private const string Valid = """
        {
          "text": "Deploy of app failed &amp; was rolled back",
          "blocks": [
            { "type": "header", "text": { "type": "plain_text", "text": ":x: A Heartfelt Header", "emoji": true } },
            { "type": "section", "text": { "type": "mrkdwn", "text": "A message *with some bold text* and <https://example.com/a?b=1&amp;c=2|a link> &lt;tag&gt;" } },
            { "type": "section", "fields": [ { "type": "mrkdwn", "text": "*Type:*\nComputer (laptop)" }, { "type": "plain_text", "text": "When: Submitted Aut 10" } ] },
            { "type": "divider" },
            { "type": "context", "elements": [ { "type": "image", "image_url": "https://example.com/a.png", "alt_text": "a" }, { "type": "mrkdwn", "text": "For <@U0123ABC> in <#C0123ABC>" } ] }
          ]
        }
        """;

    public static TheoryData<string, string> Broken() => new()
    {
        { "text", """{"blocks":[{"type":"divider"}]}""" },
        { "text", """{"text":"","blocks":[{"type":"divider"}]}""" },
        { "blocks: 51 blocks", Message(Enumerable.Repeat("""{"type":"divider"}""", 51)) },
        { "blocks: 0 blocks", Message([]) },
        { "blocks[0].text.text: 151 characters", Message(["""{"type":"header","text":{"type":"plain_text","text":"%151%"}}"""]) },
        { "blocks[0].text.type: must be plain_text", Message(["""{"type":"header","text":{"type":"mrkdwn","text":"*x*"}}"""]) },
        { "blocks[0].text: required", Message(["""{"type":"header"}"""]) },
        { "blocks[0].text.text: 3001 characters", Message(["""{"type":"section","text":{"type":"mrkdwn","text":"%3001%"}}"""]) },
        { "blocks[0].text.text: 0 characters", Message(["""{"type":"section","text":{"type":"mrkdwn","text":""}}"""]) },
        { "blocks[0]: a section needs text or fields", Message(["""{"type":"section"}"""]) },
        { "blocks[0].fields: 11 items", Message(["""{"type":"section","fields":[""" + string.Join(",", Enumerable.Repeat("""{"type":"mrkdwn","text":"f"}""", 11)) + "]}"]) },
        { "blocks[0].fields[1].text: 2001 characters", Message(["""{"type":"section","fields":[{"type":"mrkdwn","text":"f"},{"type":"mrkdwn","text":"%2001%"}]}"""]) },
        { "blocks[0].text.type: 'markdown'", Message(["""{"type":"section","text":{"type":"markdown","text":"x"}}"""]) },
        { "blocks[0].text.emoji: a boolean, only on plain_text", Message(["""{"type":"section","text":{"type":"mrkdwn","text":"x","emoji":true}}"""]) },
        { "blocks[0].text.verbatim: a boolean, only on mrkdwn", Message(["""{"type":"header","text":{"type":"plain_text","text":"x","verbatim":true}}"""]) },
        { "blocks[0].text.text: unescaped control character", Message(["""{"type":"section","text":{"type":"mrkdwn","text":"if a < b && c > d"}}"""]) },
        { "blocks[0].type: 'table'", Message(["""{"type":"table","rows":[]}"""]) },
        { "blocks[0].colour: not a field", Message(["""{"type":"divider","colour":"red"}"""]) },
        { "blocks[0].block_id", Message(["""{"type":"divider","block_id":"%256%"}"""]) },
        { "blocks[0].elements: 11 items", Message(["""{"type":"context","elements":[""" + string.Join(",", Enumerable.Repeat("""{"type":"mrkdwn","text":"e"}""", 11)) + "]}"]) },
        { "channel_name: not a field", """{"text":"x","channel_name":"c","blocks":[{"type":"divider"}]}""" },
        { "not JSON", "{\"text\":" },
    };

    [Fact]
    public void A_message_shaped_like_Slacks_reference_examples_conforms()
    {
        Assert.Empty(BlockKitShape.Violations(Valid));
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_payload_breaking_one_rule_is_reported_for_that_rule(string expected, string payload)
    {
        var violations = BlockKitShape.Violations(payload);

        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
        Assert.Throws<Xunit.Sdk.TrueException>(() => BlockKitShape.AssertConforms(payload));
    }

    private static string Message(IEnumerable<string> blocks)
    {
        var json = $$"""{"text":"fallback","blocks":[{{string.Join(",", blocks)}}]}""";
        foreach (var length in new[] { 151, 256, 2001, 3001 })
        {
            json = json.Replace($"%{length}%", new string('x', length), StringComparison.Ordinal);
        }

        Assert.NotNull(JsonNode.Parse(json));
        return json;
    }
}
