using System.Net;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests;

public sealed class ProtocolErrorTests
{
    [Fact]
    public async Task Malformed_json_yields_SerializationException()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = new SignedApiClient(cloud.Instance);

        using var response = await client.JsonAsync("AmazonEC2ContainerRegistry_V20150921.CreateRepository", "{\"repositoryName\": ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SerializationException", await TypeOf(response));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_member_of_the_wrong_type_yields_SerializationException()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = new SignedApiClient(cloud.Instance);

        using var response = await client.JsonAsync("AmazonEC2ContainerRegistry_V20150921.CreateRepository", "{\"repositoryName\": 42}");

        Assert.Equal("SerializationException", await TypeOf(response));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task An_unknown_target_or_operation_yields_UnknownOperationException()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = new SignedApiClient(cloud.Instance);

        using var unknownService = await client.JsonAsync("NoSuchService_20990101.DoThings", "{}");
        using var unknownOperation = await client.JsonAsync("AmazonEC2ContainerRegistry_V20150921.LaunchRockets", "{}");

        Assert.Equal("UnknownOperationException", await TypeOf(unknownService));
        Assert.Equal("UnknownOperationException", await TypeOf(unknownOperation));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_missing_required_member_yields_ValidationException_naming_it()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = new SignedApiClient(cloud.Instance);

        using var ecr = await client.JsonAsync("AmazonEC2ContainerRegistry_V20150921.CreateRepository", "{}");
        using var logs = await client.JsonAsync("Logs_20140328.CreateLogStream", "{\"logGroupName\":\"g\"}", service: "logs");

        var ecrBody = JsonNode.Parse(await ecr.Content.ReadAsStringAsync())!;
        Assert.Equal("ValidationException", ecrBody["__type"]!.GetValue<string>());
        Assert.Contains("'repositoryName'", ecrBody["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("'logStreamName'", JsonNode.Parse(await logs.Content.ReadAsStringAsync())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task An_unknown_query_action_yields_InvalidAction()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = new SignedApiClient(cloud.Instance);

        using var response = await client.QueryAsync("Action=AssumeEverything&Version=2011-06-15");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>InvalidAction</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    private static async Task<string> TypeOf(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["__type"]!.GetValue<string>();
}
