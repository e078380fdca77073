using System.Net;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Fifty_parallel_writes_are_all_kept_and_persisted()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = new SignedApiClient(cloud.Instance);
        using var created = await client.JsonAsync("Logs_20140328.CreateLogGroup", "{\"logGroupName\":\"/busy\"}", service: "logs");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.JsonAsync("Logs_20140328.CreateLogStream", $"{{\"logGroupName\":\"/busy\",\"logStreamName\":\"s{i:D2}\"}}", service: "logs")));
        using var described = await client.JsonAsync("Logs_20140328.DescribeLogStreams", "{\"logGroupName\":\"/busy\",\"limit\":50}", service: "logs");

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var streams = JsonNode.Parse(await described.Content.ReadAsStringAsync())!["logStreams"]!.AsArray();
        Assert.Equal(50, streams.Count);
        var onDisk = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(cloud.Instance.Options.StateDirectory, "logs.json")))!;
        Assert.Equal(50, onDisk["groups"]!["/busy"]!["streams"]!.AsObject().Count);
        foreach (var response in responses)
        {
            response.Dispose();
        }

        cloud.AssertResponsesMatchBotocore();
    }
}
