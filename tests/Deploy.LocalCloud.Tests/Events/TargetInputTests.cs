using System.Text.Json.Nodes;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Tests.Events;

/// <summary>
/// The input a rule target receives, on the cases of AWS's "Amazon EventBridge input transformation" page (its EC2 event,
/// input paths and the template → output table), plus Input, InputPath and what PutTargets refuses.
/// </summary>
public sealed class TargetInputTests
{
    private const string RuleArn = "arn:aws:events:us-east-2:123456789012:rule/example";

    private static readonly JsonObject Ec2Event = JsonNode.Parse("""
        {
          "version": "0",
          "id": "7bf73129-1428-4cd3-a780-95db273d1602",
          "detail-type": "EC2 Instance State-change Notification",
          "source": "aws.ec2",
          "account": "123456789012",
          "time": "2015-11-11T21:29:54Z",
          "region": "us-east-1",
          "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
          "detail": { "instance-id": "i-0123456789", "state": "RUNNING" }
        }
        """)!.AsObject();

    private static readonly JsonObject DocsPaths = new() { ["timestamp"] = "$.time", ["instance"] = "$.detail.instance-id", ["state"] = "$.detail.state" };

    [Theory]
    // "Simple string": the template is a JSON string; the placeholders inside it get the bare values, the quotes stay.
    [InlineData("\"instance <instance> is in <state>\"", "\"instance i-0123456789 is in RUNNING\"")]
    // "String with escaped quotes" (the console's behaviour, which is what the API stores).
    [InlineData("\"instance \\\"<instance>\\\" is in <state>\"", "\"instance \\\"i-0123456789\\\" is in RUNNING\"")]
    // "Simple JSON": a placeholder outside quotes gets the value as JSON; the output is minified.
    [InlineData("{\n  \"instance\" : <instance>,\n  \"state\": <state>\n}", "{\"instance\":\"i-0123456789\",\"state\":\"RUNNING\"}")]
    // "JSON with strings and variables".
    [InlineData("{\n \"instance\" : <instance>,\n \"state\": \"<state>\",\n \"instanceStatus\": \"instance \\\"<instance>\\\" is in <state>\"\n}",
        "{\"instance\":\"i-0123456789\",\"state\":\"RUNNING\",\"instanceStatus\":\"instance \\\"i-0123456789\\\" is in RUNNING\"}")]
    // "JSON with a mix of variables and static information".
    [InlineData("{\n  \"instance\" : <instance>,\n  \"state\": [ 9, <state>, true ],\n  \"Transformed\" : \"Yes\"\n}",
        "{\"instance\":\"i-0123456789\",\"state\":[9,\"RUNNING\",true],\"Transformed\":\"Yes\"}")]
    // "Including reserved variables in a string".
    [InlineData("\"<aws.events.rule-name> triggered\"", "\"example triggered\"")]
    // The API reference's plain template: placeholders outside any string are JSON, so strings keep their quotes.
    [InlineData("<instance> is in state <state>", "\"i-0123456789\" is in state \"RUNNING\"")]
    // AWS's multi-line text: one quoted string per line, each kept as written.
    [InlineData("\"Instance <instance>\"\n\"State: <state>\"", "\"Instance i-0123456789\"\n\"State: RUNNING\"")]
    // A name that is neither in the map nor reserved is left as written.
    [InlineData("\"<unknown> stays\"", "\"<unknown> stays\"")]
    public void The_input_template_gives_what_the_EventBridge_documentation_shows(string template, string expected)
    {
        Assert.Equal(expected, Render(Transformer(template)));
    }

    [Fact]
    public void Reserved_variables_give_the_rule_and_the_original_event_without_and_with_its_detail()
    {
        var output = JsonNode.Parse(Render(Transformer(
            "{\"instance\": <instance>, \"ruleArn\": <aws.events.rule-arn>, \"ruleName\": <aws.events.rule-name>, \"originalEvent\": <aws.events.event>, \"whole\": <aws.events.event.json>, \"at\": <aws.events.event.ingestion-time>}")))!;

        Assert.Equal(RuleArn, output["ruleArn"]!.GetValue<string>());
        Assert.Equal("example", output["ruleName"]!.GetValue<string>());
        Assert.Null(output["originalEvent"]!["detail"]);
        Assert.Equal("aws.ec2", output["originalEvent"]!["source"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(Ec2Event, output["whole"]));
        Assert.Equal("2015-11-11T21:30:00.125Z", output["at"]!.GetValue<string>());
    }

    [Fact]
    public void Numbers_objects_and_arrays_keep_their_json_and_a_path_that_matches_nothing_leaves_the_text_empty()
    {
        var paths = new JsonObject { ["detail"] = "$.detail", ["first"] = "$.resources[0]", ["all"] = "$.detail.*", ["missing"] = "$.detail.nothing", ["count"] = "$.count" };
        var withCount = (JsonObject)Ec2Event.DeepClone();
        withCount["count"] = 5;

        Assert.Equal("{\"d\":{\"instance-id\":\"i-0123456789\",\"state\":\"RUNNING\"},\"n\":5,\"all\":[\"i-0123456789\",\"RUNNING\"]}",
            TargetInput.Render(new JsonObject { ["InputTransformer"] = new JsonObject { ["InputPathsMap"] = paths.DeepClone(), ["InputTemplate"] = "{\"d\": <detail>, \"n\": <count>, \"all\": <all>}" } }, withCount, RuleArn, Ingested));
        Assert.Equal("\"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111 / \"",
            TargetInput.Render(new JsonObject { ["InputTransformer"] = new JsonObject { ["InputPathsMap"] = paths.DeepClone(), ["InputTemplate"] = "\"<first> / <missing>\"" } }, withCount, RuleArn, Ingested));
        // A JSON template whose placeholder outside quotes matched nothing is not JSON any more: EventBridge drops the delivery.
        Assert.Throws<InvalidOperationException>(() =>
            TargetInput.Render(new JsonObject { ["InputTransformer"] = new JsonObject { ["InputPathsMap"] = paths.DeepClone(), ["InputTemplate"] = "{\"m\": <missing>}" } }, withCount, RuleArn, Ingested));
    }

    [Fact]
    public void Input_is_passed_as_written_InputPath_passes_the_part_it_selects_and_no_setting_passes_the_event()
    {
        Assert.Equal("{ \"constant\": true }", TargetInput.Render(new JsonObject { ["Input"] = "{ \"constant\": true }" }, Ec2Event, RuleArn, Ingested));
        Assert.Equal("{\"instance-id\":\"i-0123456789\",\"state\":\"RUNNING\"}", TargetInput.Render(new JsonObject { ["InputPath"] = "$.detail" }, Ec2Event, RuleArn, Ingested));
        Assert.Equal("\"RUNNING\"", TargetInput.Render(new JsonObject { ["InputPath"] = "$.detail.state" }, Ec2Event, RuleArn, Ingested));
        Assert.True(JsonNode.DeepEquals(Ec2Event, JsonNode.Parse(TargetInput.Render(new JsonObject { ["Arn"] = "arn:aws:sns:us-east-1:123456789012:t" }, Ec2Event, RuleArn, Ingested))));
    }

    [Theory]
    [InlineData("{\"Id\":\"t\",\"Input\":\"{}\",\"InputPath\":\"$.detail\"}", "only one of Input, InputPath and InputTransformer")]
    [InlineData("{\"Id\":\"t\",\"Input\":\"not json\"}", "Input must be valid JSON")]
    [InlineData("{\"Id\":\"t\",\"InputPath\":\"detail.state\"}", "InputPath \"detail.state\" is not a JSON path")]
    [InlineData("{\"Id\":\"t\",\"InputTransformer\":{\"InputPathsMap\":{\"aws.mine\":\"$.detail\"},\"InputTemplate\":\"<aws.mine>\"}}", "aws.mine is reserved")]
    [InlineData("{\"Id\":\"t\",\"InputTransformer\":{\"InputPathsMap\":{\"s\":\"$..state\"},\"InputTemplate\":\"<s>\"}}", "InputPathsMap value for s is not a JSON path")]
    [InlineData("{\"Id\":\"t\",\"InputTransformer\":{\"InputPathsMap\":{}}}", "InputTemplate is required")]
    public void PutTargets_refuses_input_settings_EventBridge_would_not_accept_naming_the_target(string target, string reason)
    {
        var error = Assert.Throws<AwsServiceException>(() => TargetInput.Validate(JsonNode.Parse(target)!.AsObject()));

        Assert.Equal("ValidationException", error.Code);
        Assert.StartsWith("Target t: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static readonly DateTimeOffset Ingested = new(2015, 11, 11, 21, 30, 0, 125, TimeSpan.Zero);

    private static JsonObject Transformer(string template) => new()
    {
        ["Id"] = "t",
        ["InputTransformer"] = new JsonObject { ["InputPathsMap"] = DocsPaths.DeepClone(), ["InputTemplate"] = template },
    };

    private static string Render(JsonObject target)
    {
        TargetInput.Validate(target);
        return TargetInput.Render(target, Ec2Event, RuleArn, Ingested);
    }
}
