using System.Net;
using System.Text.Json;

namespace Deploy.Aws.Tests.Core;

public sealed class ProtocolTests
{
    private sealed record Sample(string Name, string? Missing, DateTimeOffset? At, IReadOnlyDictionary<string, string>? Tags);

    [Fact]
    public void Json_requests_omit_null_members_keep_map_keys_and_write_timestamps_as_epoch_seconds()
    {
        var json = System.Text.Encoding.UTF8.GetString(JsonProtocol.Serialize(new Sample(
            "a", null, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), new Dictionary<string, string> { ["Owner"] = "me" })));

        Assert.Equal("""{"name":"a","at":1700000000,"tags":{"Owner":"me"}}""", json);
    }

    [Fact]
    public void Json_timestamps_read_fractional_epoch_seconds_and_iso_strings()
    {
        var fromNumber = JsonSerializer.Deserialize<Sample>("""{"name":"a","at":1700000000.5}""", AwsJson.Options)!;
        var fromText = JsonSerializer.Deserialize<Sample>("""{"name":"a","at":"2023-11-14T22:13:20Z"}""", AwsJson.Options)!;

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500), fromNumber.At);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), fromText.At);
    }

    [Fact]
    public void Query_parameters_encode_lists_structures_and_maps_in_order()
    {
        var request = new QueryRequest()
            .Add("StackName", "app stack")
            .Add("TimeoutInMinutes", 5)
            .Add("EnableTerminationProtection", true)
            .Add("Missing", (string?)null)
            .AddList("Capabilities", ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"])
            .AddList("Tags", [new KeyValuePair<string, string>("k", "v=1")], (q, prefix, tag) => q.Add(prefix + ".Key", tag.Key).Add(prefix + ".Value", tag.Value))
            .AddMap("Attributes", [new KeyValuePair<string, string>("a", "b")]);

        var body = System.Text.Encoding.UTF8.GetString(request.ToBody("CreateStack", "2010-05-15"));

        Assert.Equal(
            "Action=CreateStack&Version=2010-05-15&StackName=app%20stack&TimeoutInMinutes=5&EnableTerminationProtection=true"
            + "&Capabilities.member.1=CAPABILITY_IAM&Capabilities.member.2=CAPABILITY_NAMED_IAM"
            + "&Tags.member.1.Key=k&Tags.member.1.Value=v%3D1&Attributes.entry.1.key=a&Attributes.entry.1.value=b",
            body);
    }

    [Fact]
    public async Task Query_results_are_read_without_caring_about_the_xml_namespace()
    {
        const string xml = """
            <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <DescribeStacksResult>
                <Stacks><member><StackName>app</StackName><CreationTime>2024-01-02T03:04:05.678Z</CreationTime>
                  <EnableTerminationProtection>false</EnableTerminationProtection></member></Stacks>
              </DescribeStacksResult>
              <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
            </DescribeStacksResponse>
            """;
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, xml);
        using var session = FakeSessions.Create(handler);

        var result = await QueryProtocol.InvokeAsync(session, AwsService.CloudFormation, "DescribeStacks", new QueryRequest(), null, CancellationToken.None);

        var stack = Assert.Single(result.Members("Stacks"));
        Assert.Equal("app", stack.Text("StackName"));
        Assert.False(stack.Bool("EnableTerminationProtection"));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), stack.Timestamp("CreationTime"));
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", handler.Sent[0].Header("Content-Type"));
    }

    [Fact]
    public async Task Pagination_follows_next_tokens_until_none_is_left()
    {
        var pages = new Dictionary<string, (string[] Items, string? Next)>
        {
            [""] = (["a", "b"], "t1"),
            ["t1"] = (["c"], "t2"),
            ["t2"] = ([], null),
        };
        var asked = new List<string?>();

        var items = new List<string>();
        await foreach (var item in AwsPagination.PaginateAsync(
            (token, _) =>
            {
                asked.Add(token);
                return Task.FromResult(pages[token ?? string.Empty]);
            },
            page => page.Items,
            page => page.Next))
        {
            items.Add(item);
        }

        Assert.Equal(["a", "b", "c"], items);
        Assert.Equal([null, "t1", "t2"], asked);
    }

    [Fact]
    public async Task Pagination_stops_when_a_service_repeats_a_token()
    {
        var calls = 0;
        var items = new List<int>();
        await foreach (var item in AwsPagination.PaginateAsync(
            (_, _) => Task.FromResult(++calls),
            page => new[] { page },
            _ => "same"))
        {
            items.Add(item);
        }

        Assert.Equal([1, 2], items);
    }
}
