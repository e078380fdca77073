using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace Deploy.Aws.Tests.Support;

public sealed class RecordingHandlerTests
{
    [Fact]
    public async Task Records_requests_and_answers_with_model_samples()
    {
        using var handler = RecordingHandler.AnsweringWithSamples("ecs");
        using var http = new HttpClient(handler);
        using var content = new StringContent("""{"cluster":"main","services":["web"]}""", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://ecs.us-east-1.amazonaws.com/") { Content = content };
        request.Headers.Add("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeServices");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("serviceName-1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var captured = Assert.Single(handler.Requests);
        Assert.Equal("DescribeServices", captured.Operation);
        Assert.Equal("""{"cluster":"main","services":["web"]}""", captured.BodyText);
        Assert.StartsWith("application/x-amz-json-1.1", captured.ContentType, StringComparison.Ordinal);
        ModelAssert.Conforms("ecs", captured);
    }

    [Fact]
    public async Task Reads_query_form_fields_and_answers_xml()
    {
        using var handler = RecordingHandler.AnsweringWithSamples("sts");
        using var http = new HttpClient(handler);
        using var content = new FormUrlEncodedContent([new("Action", "GetCallerIdentity"), new("Version", "2011-06-15")]);
        using var response = await http.PostAsync(new Uri("https://sts.us-east-1.amazonaws.com/"), content);

        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("GetCallerIdentityResponse", xml.Root!.Name.LocalName);
        Assert.Equal("GetCallerIdentity", handler.Last.Operation);
        Assert.Equal("2011-06-15", handler.Last.FormField("Version"));
        ModelAssert.Conforms("sts", handler.Last);
    }

    [Fact]
    public async Task Answers_with_a_fixed_response()
    {
        using var handler = RecordingHandler.Answering("""{"__type":"ClusterNotFoundException","message":"gone"}""", status: HttpStatusCode.BadRequest);
        using var http = new HttpClient(handler);
        using var response = await http.PostAsync(new Uri("https://ecs.us-east-1.amazonaws.com/"), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ClusterNotFoundException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class ScriptedHttpServerTests
{
    [Fact]
    public async Task Answers_in_script_order_then_falls_back()
    {
        await using var server = new ScriptedHttpServer(
            ScriptStep.JsonError(503, "ServiceUnavailableException"),
            ScriptStep.Respond(200, """{"clusterArns":[]}""", new Dictionary<string, string> { ["x-amzn-RequestId"] = "r-2" }));
        using var http = new HttpClient();

        using var first = await http.PostAsync(server.Endpoint, new StringContent("{\"a\":1}"));
        using var second = await http.PostAsync(server.Endpoint, new StringContent("{}"));
        using var third = await http.PostAsync(server.Endpoint, new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Contains("ServiceUnavailableException", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("r-2", second.Headers.GetValues("x-amzn-RequestId").Single());
        Assert.Equal(HttpStatusCode.InternalServerError, third.StatusCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal("{\"a\":1}", server.Requests[0].Body);
        Assert.Equal("POST", server.Requests[0].Method);
        Assert.Equal(2, server.Gaps.Count);
    }

    [Fact]
    public async Task Resets_the_connection()
    {
        await using var server = new ScriptedHttpServer(ScriptStep.ResetConnection(), ScriptStep.Respond(200, "{}"));
        using var http = new HttpClient();

        await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(server.Endpoint, new StringContent("{}")));
        using var retried = await http.PostAsync(server.Endpoint, new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task Delays_and_hangs_until_the_client_gives_up()
    {
        await using var server = new ScriptedHttpServer(ScriptStep.Respond(200, "{}").After(TimeSpan.FromMilliseconds(300)), ScriptStep.Hang());
        using var http = new HttpClient();

        var started = System.Diagnostics.Stopwatch.StartNew();
        using (var slow = await http.PostAsync(server.Endpoint, new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        }

        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(250), $"answered after {started.Elapsed}");

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => http.PostAsync(server.Endpoint, new StringContent("{}"), cts.Token));
        await server.WaitForRequestsAsync(2, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Query_errors_are_xml_documents()
    {
        await using var server = new ScriptedHttpServer(ScriptStep.QueryError(400, "ValidationError", "Template format error"));
        using var http = new HttpClient();
        using var response = await http.PostAsync(server.Endpoint, new StringContent("Action=ValidateTemplate"));
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ValidationError", xml.Root!.Element("Error")!.Element("Code")!.Value);
        Assert.Equal("text/xml", response.Content.Headers.ContentType!.MediaType);
    }
}

[Collection(MotoGroup.Name)]
public sealed class MotoServerTests(MotoServer moto) : MotoTestBase(moto)
{
    [Fact]
    public async Task Serves_sts_on_a_loopback_port()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Moto.Endpoint)
        {
            Content = new FormUrlEncodedContent([new("Action", "GetCallerIdentity"), new("Version", "2011-06-15")]),
        };

        // moto routes by the credential scope of the Authorization header; the signature itself is not checked.
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<Account>{MotoServer.AccountId}</Account>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", Moto.Endpoint.Host);
    }

    [Fact]
    public async Task Reset_answers()
    {
        await Moto.ResetAsync();
        Assert.True(Moto.Port > 0);
    }
}
