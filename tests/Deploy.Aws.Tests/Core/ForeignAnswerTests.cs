using System.Net;
using System.Net.Sockets;

namespace Deploy.Aws.Tests.Core;

/// <summary>Answers that do not come from AWS (a proxy's page, nobody listening) say what answered, on one line.</summary>
public sealed class ForeignAnswerTests
{
    [Fact]
    public async Task A_proxy_page_names_the_endpoint_and_status_not_its_html()
    {
        const string page = "<!DOCTYPE html>\n<html><head><title>Access denied by proxy</title></head>\n<body><h1>Blocked</h1><p>Contact IT.</p></body></html>";
        var handler = new ScriptedHandler().ThenPage(HttpStatusCode.Forbidden, page);
        using var session = FakeSessions.Create(handler, maxAttempts: 1);

        var error = await Assert.ThrowsAsync<EcrException>(() =>
            JsonProtocol.InvokeAsync<object>(session, AwsService.Ecr, "DescribeRepositories", null, null, CancellationToken.None));

        Assert.Equal("Http403", error.Code);
        Assert.Contains("https://api.ecr.us-east-1.amazonaws.com answered HTTP 403 Forbidden with a text/html body", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Access denied by proxy'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_names_the_endpoint_and_the_sessions_hint()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:4566)", new SocketException((int)SocketError.ConnectionRefused));
        var handler = new ScriptedHandler().ThenThrow(refused);
        var environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566" };
        using var session = FakeSessions.Create(handler, maxAttempts: 1, environment: environment, unreachableHint: "restart it with ./build.sh LocalCloud");

        var error = await Assert.ThrowsAsync<EcsException>(() =>
            JsonProtocol.InvokeAsync<object>(session, AwsService.Ecs, "ListClusters", null, null, CancellationToken.None));

        Assert.Equal("EndpointDown", error.Code);
        Assert.Contains("http://127.0.0.1:4566 refused the connection", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("; restart it with ./build.sh LocalCloud", error.Message, StringComparison.Ordinal);
    }
}
