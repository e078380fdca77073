using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task An_unsigned_json_request_is_refused_with_MissingAuthenticationTokenException()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = new SignedApiClient(cloud.Instance);

        using var response = await client.JsonAsync("AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", "{}", sign: false);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("MissingAuthenticationTokenException", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["__type"]!.GetValue<string>());
        Assert.NotEmpty(response.Headers.GetValues("x-amzn-RequestId").Single());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task An_unsigned_query_request_is_refused_with_MissingAuthenticationToken()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var http = new HttpClient();
        using var form = new StringContent("Action=GetCallerIdentity&Version=2011-06-15", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await http.PostAsync(cloud.Instance.Endpoint, form);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>MissingAuthenticationToken</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_InvalidSignatureException_for_json_and_SignatureDoesNotMatch_for_query()
    {
        await using var cloud = await TestCloud.StartAsync();
        var wrong = cloud.Cli.WithSecret("not-the-secret");

        Assert.Equal("InvalidSignatureException", await wrong.ErrorCodeAsync("ecr", "describe-repositories"));
        Assert.Equal("InvalidSignatureException", await wrong.ErrorCodeAsync("logs", "describe-log-groups"));
        Assert.Equal("SignatureDoesNotMatch", await wrong.ErrorCodeAsync("sts", "get-caller-identity"));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task An_unknown_access_key_is_refused_with_UnrecognizedClientException_and_InvalidClientTokenId()
    {
        await using var cloud = await TestCloud.StartAsync();
        var stranger = cloud.Cli.WithAccessKey("AKIAUNKNOWNKEY000000");

        Assert.Equal("UnrecognizedClientException", await stranger.ErrorCodeAsync("ecr", "describe-repositories"));
        Assert.Equal("InvalidClientTokenId", await stranger.ErrorCodeAsync("sts", "get-caller-identity"));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task The_health_endpoint_needs_no_signature()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(cloud.Instance.Endpoint, "/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
