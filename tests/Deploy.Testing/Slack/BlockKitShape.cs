using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deploy.Testing.Slack;

/// <summary>
/// Checks an incoming-webhook message against Slack's documented Block Kit rules (docs.slack.dev: "Reference: blocks",
/// "Header block", "Section block", "Context block", "Divider block", "Text object", "Formatting message text"), written
/// from those pages, not from our renderer:
/// <list type="bullet">
/// <item>the message: a JSON object; <c>blocks</c> an array of 1 to 50 blocks; <c>text</c> a non-empty string (the fallback
/// Slack shows in notifications when blocks are sent); only the fields incoming webhooks take;</item>
/// <item>every block: an object with a <c>type</c> this checker knows (header, section, context, divider) and no unknown
/// field; <c>block_id</c> a string of at most 255 characters;</item>
/// <item>header: <c>text</c> required, a plain_text text object of at most 150 characters;</item>
/// <item>section: <c>text</c> (at most 3,000) or <c>fields</c> (1 to 10 text objects of at most 2,000 each) required;</item>
/// <item>context: <c>elements</c> required, 1 to 10 text objects or image elements;</item>
/// <item>text objects: <c>type</c> plain_text or mrkdwn; <c>text</c> 1 to 3,000 characters; <c>emoji</c> a boolean and only
/// on plain_text; <c>verbatim</c> a boolean and only on mrkdwn;</item>
/// <item>mrkdwn and the fallback text: <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> appear only as the entities Slack decodes
/// or inside Slack's <c>&lt;url|label&gt;</c>, <c>&lt;@U…&gt;</c>, <c>&lt;#C…&gt;</c>, <c>&lt;!…&gt;</c> forms.</item>
/// </list>
/// Lengths count UTF-16 units, which is at least what Slack counts.
/// </summary>
public static partial class BlockKitShape
{
    private static readonly HashSet<string> MessageFields = ["text", "blocks", "attachments", "thread_ts", "mrkdwn", "unfurl_links", "unfurl_media", "username", "icon_emoji", "icon_url", "channel", "metadata"];

    /// <summary>Every rule <paramref name="json"/> breaks, as <c>blocks[2].text.text: 3001 characters, at most 3000</c>; empty when it conforms.</summary>
    public static IReadOnlyList<string> Violations(string json)
    {
        var found = new List<string>();
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            return [$"not JSON: {e.Message}"];
        }

        if (root is not JsonObject message)
        {
            return ["the message is not a JSON object"];
        }

        foreach (var (name, _) in message)
        {
            if (!MessageFields.Contains(name))
            {
                found.Add($"{name}: not a field of an incoming-webhook message");
            }
        }

        if (!IsString(message["text"], out var text) || text.Length == 0)
        {
            found.Add("text: the fallback text is required with blocks (a non-empty string)");
        }
        else
        {
            CheckEscaping("text", text, found);
        }

        if (message["blocks"] is not JsonArray blocks)
        {
            found.Add("blocks: required, an array");
            return found;
        }

        if (blocks.Count is < 1 or > 50)
        {
            found.Add($"blocks: {blocks.Count} blocks, 1 to 50 allowed");
        }

        for (var i = 0; i < blocks.Count; i++)
        {
            CheckBlock($"blocks[{i}]", blocks[i], found);
        }

        return found;
    }

    /// <summary>Fails listing every violation.</summary>
    public static void AssertConforms(string json)
    {
        var violations = Violations(json);
        Xunit.Assert.True(violations.Count == 0, "Block Kit violations:\n  " + string.Join("\n  ", violations) + "\nin: " + json);
    }

    private static void CheckBlock(string at, JsonNode? node, List<string> found)
    {
        if (node is not JsonObject block)
        {
            found.Add($"{at}: not an object");
            return;
        }

        if (block["block_id"] is { } id && (!IsString(id, out var idText) || idText.Length > 255))
        {
            found.Add($"{at}.block_id: a string of at most 255 characters");
        }

        IsString(block["type"], out var type);
        switch (type)
        {
            case "header":
                Fields(at, block, found, "type", "text", "block_id");
                if (block["text"] is null)
                {
                    found.Add($"{at}.text: required");
                }
                else
                {
                    CheckText($"{at}.text", block["text"], 150, found, plainOnly: true);
                }

                break;
            case "section":
                Fields(at, block, found, "type", "text", "fields", "block_id", "accessory", "expand");
                if (block["text"] is null && block["fields"] is null)
                {
                    found.Add($"{at}: a section needs text or fields");
                }

                if (block["text"] is { } sectionText)
                {
                    CheckText($"{at}.text", sectionText, 3000, found);
                }

                if (block["fields"] is { } fields)
                {
                    CheckList($"{at}.fields", fields, 10, found, (p, f) => CheckText(p, f, 2000, found));
                }

                break;
            case "context":
                Fields(at, block, found, "type", "elements", "block_id");
                if (block["elements"] is not { } elements)
                {
                    found.Add($"{at}.elements: required");
                }
                else
                {
                    CheckList($"{at}.elements", elements, 10, found, (p, e) =>
                    {
                        if (e is JsonObject { } image && IsString(image["type"], out var t) && t == "image")
                        {
                            Fields(p, image, found, "type", "image_url", "slack_file", "alt_text");
                        }
                        else
                        {
                            CheckText(p, e, 3000, found);
                        }
                    });
                }

                break;
            case "divider":
                Fields(at, block, found, "type", "block_id");
                break;
            default:
                found.Add($"{at}.type: '{type}' is not a block type this check knows (header, section, context, divider)");
                break;
        }
    }

    private static void CheckList(string at, JsonNode list, int max, List<string> found, Action<string, JsonNode?> each)
    {
        if (list is not JsonArray items)
        {
            found.Add($"{at}: not an array");
            return;
        }

        if (items.Count < 1 || items.Count > max)
        {
            found.Add($"{at}: {items.Count} items, 1 to {max} allowed");
        }

        for (var i = 0; i < items.Count; i++)
        {
            each($"{at}[{i}]", items[i]);
        }
    }

    private static void CheckText(string at, JsonNode? node, int max, List<string> found, bool plainOnly = false)
    {
        if (node is not JsonObject text)
        {
            found.Add($"{at}: not a text object");
            return;
        }

        Fields(at, text, found, "type", "text", "emoji", "verbatim");
        IsString(text["type"], out var type);
        if (type is not ("plain_text" or "mrkdwn"))
        {
            found.Add($"{at}.type: '{type}', plain_text or mrkdwn expected");
        }
        else if (plainOnly && type != "plain_text")
        {
            found.Add($"{at}.type: must be plain_text here");
        }

        if (!IsString(text["text"], out var value))
        {
            found.Add($"{at}.text: required, a string");
        }
        else if (value.Length is 0 || value.Length > max)
        {
            found.Add($"{at}.text: {value.Length} characters, 1 to {max} allowed");
        }
        else if (type == "mrkdwn")
        {
            CheckEscaping($"{at}.text", value, found);
        }

        if (text["emoji"] is { } emoji && (type != "plain_text" || emoji.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)))
        {
            found.Add($"{at}.emoji: a boolean, only on plain_text");
        }

        if (text["verbatim"] is { } verbatim && (type != "mrkdwn" || verbatim.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)))
        {
            found.Add($"{at}.verbatim: a boolean, only on mrkdwn");
        }
    }

    private static void CheckEscaping(string at, string text, List<string> found)
    {
        var outsideForms = SlackForms().Replace(text, "");
        var ampersands = BareAmpersand().Matches(outsideForms);
        if (outsideForms.Contains('<', StringComparison.Ordinal) || outsideForms.Contains('>', StringComparison.Ordinal) || ampersands.Count > 0)
        {
            found.Add($"{at}: unescaped control character (&, < or > outside &amp;/&lt;/&gt; and Slack's <...> forms)");
        }
    }

    private static void Fields(string at, JsonObject node, List<string> found, params string[] allowed)
    {
        foreach (var (name, _) in node)
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                found.Add($"{at}.{name}: not a field of {(IsString(node["type"], out var t) ? t : "this object")}");
            }
        }
    }

    private static bool IsString(JsonNode? node, out string value)
    {
        value = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
        return node is JsonValue s && s.GetValueKind() == JsonValueKind.String;
    }

    // <https://x|label>, <mailto:..>, <@U123>, <#C123>, <!here>, <!subteam^S1>, <!date^...|fallback>
    [GeneratedRegex(@"<(?:(?:https?|mailto):[^<>|\s]+(?:\|[^<>]*)?|[@#][A-Z0-9]+(?:\|[^<>]*)?|![a-z^0-9_-]+(?:\^[^<>|]*)*(?:\|[^<>]*)?)>")]
    private static partial Regex SlackForms();

    [GeneratedRegex(@"&(?!(?:amp|lt|gt);)")]
    private static partial Regex BareAmpersand();
}
