using System.Net;
using Amazon.Runtime;

namespace Deploy.Aws.Tests.Core;

/// <summary>
/// Temporary credentials change during a long build (the SDK refreshes SSO, web identity and container credentials on its
/// own): the session reports each new set, once, before a request signed with it goes out, so the build masks it.
/// </summary>
public sealed class RefreshedCredentialsTests
{
    [Fact]
    public async Task Each_refreshed_set_is_reported_once_before_the_request_signed_with_it_is_sent()
    {
        var source = new RotatingCredentials(
            new ImmutableCredentials("ASIAONE", "first-secret", "first-token"),
            new ImmutableCredentials("ASIATWO", "second-secret", "second-token"));
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK, """{"clusterArns":[]}""")
            .Then(HttpStatusCode.OK, """{"clusterArns":[]}""")
            .Then(HttpStatusCode.OK, """{"clusterArns":[]}""");
        var reported = new List<string>();
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = "us-east-1",
            Credentials = source,
            HttpHandler = handler,
            // What the request carries when it is reported: nothing sent yet with this set.
            CredentialsObserver = c => reported.Add($"{c.SecretKey} after {handler.Sent.Count} request(s)"),
        });

        await JsonProtocol.InvokeAsync<object>(session, AwsService.Ecs, "ListClusters", null, null, CancellationToken.None);
        source.Rotate();
        await JsonProtocol.InvokeAsync<object>(session, AwsService.Ecs, "ListClusters", null, null, CancellationToken.None);
        await JsonProtocol.InvokeAsync<object>(session, AwsService.Ecs, "ListClusters", null, null, CancellationToken.None);

        Assert.Equal(["first-secret after 0 request(s)", "second-secret after 1 request(s)"], reported);
        Assert.Equal("second-token", handler.Sent[2].Header("X-Amz-Security-Token"));
    }

    /// <summary>Hands out copies of its current set (as the SDK's refreshing credentials do) until rotated.</summary>
    private sealed class RotatingCredentials(params ImmutableCredentials[] sets) : AWSCredentials
    {
        private int current;

        public void Rotate() => current++;

        public override ImmutableCredentials GetCredentials() => sets[current].Copy();
    }
}
