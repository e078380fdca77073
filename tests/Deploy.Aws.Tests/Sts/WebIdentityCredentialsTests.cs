using System.Globalization;
using Deploy.Aws.Sts;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Sts;

/// <summary>Credentials from an in-memory OIDC token: assumed on first use, renewed before they expire.</summary>
public sealed class WebIdentityCredentialsTests
{
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6Z3JvdXAvYXBwIn0.c2lnbmF0dXJl";

    private static readonly AssumeRoleWithWebIdentityRequest Request = new()
    {
        RoleArn = "arn:aws:iam::123456789012:role/gitlab-deploy",
        RoleSessionName = "gitlab-group-app-42",
        WebIdentityToken = Token,
    };

    [Fact]
    public async Task Credentials_are_assumed_on_first_use_and_assumed_again_before_they_expire()
    {
        // The first set expires within the five minutes before expiry in which the SDK renews; the second lasts an hour.
        await using var server = new ScriptedHttpServer(
            Issued("ASIAFIRST", "first-secret", "first-session", DateTimeOffset.UtcNow.AddMinutes(2)),
            Issued("ASIASECOND", "second-secret", "second-session", DateTimeOffset.UtcNow.AddHours(1)));
        using var anonymous = TestSessions.ForEndpoint(server.Endpoint, credentials: new Amazon.Runtime.AnonymousAWSCredentials());
        var issued = new List<string>();
        var credentials = new WebIdentityCredentials(new StsClient(anonymous), Request, response => issued.Add(response.Credentials!.AccessKeyId));

        var first = await credentials.GetCredentialsAsync();
        Assert.Equal(("ASIAFIRST", "first-secret", "first-session"), (first.AccessKey, first.SecretKey, first.Token));

        // Within the renewal window the SDK asks STS again (in the background) and hands out the new set from then on.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var current = first;
        while (current.AccessKey != "ASIASECOND" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            current = await credentials.GetCredentialsAsync();
        }

        Assert.Equal(("ASIASECOND", "second-secret", "second-session"), (current.AccessKey, current.SecretKey, current.Token));
        Assert.Equal(["ASIAFIRST", "ASIASECOND"], issued);
        Assert.Equal(2, server.Requests.Count);
        foreach (var request in server.Requests)
        {
            ModelAssert.Conforms(BotocoreModels.ValidateQueryRequest("sts", request.Headers["Content-Type"], request.Body));
            Assert.False(request.Headers.ContainsKey("Authorization"));
            Assert.Contains("Action=AssumeRoleWithWebIdentity", request.Body, StringComparison.Ordinal);
            Assert.Contains("RoleSessionName=gitlab-group-app-42", request.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_refused_token_surfaces_as_the_STS_error_naming_the_role()
    {
        await using var server = new ScriptedHttpServer(ScriptStep.QueryError(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider"));
        using var anonymous = TestSessions.ForEndpoint(server.Endpoint, credentials: new Amazon.Runtime.AnonymousAWSCredentials());
        var credentials = new WebIdentityCredentials(new StsClient(anonymous), Request);

        var error = await Assert.ThrowsAsync<StsException>(credentials.GetCredentialsAsync);

        Assert.Equal("InvalidIdentityToken", error.Code);
        Assert.Contains("role arn:aws:iam::123456789012:role/gitlab-deploy", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gitlab-group-app-42", "gitlab-group-app-42")]
    [InlineData("gitlab-group/sub group/app-42", "gitlab-group-sub-group-app-42")]
    [InlineData("gitlab-ä:#!~42", "gitlab------42")]
    [InlineData("x", "x-")]
    [InlineData("gitlab-a-very-long-group-name-and-a-very-long-project-name-that-goes-on-123456789", "g-group-name-and-a-very-long-project-name-that-goes-on-123456789")]
    public void Session_names_keep_to_the_characters_and_length_STS_accepts(string text, string expected)
    {
        var name = WebIdentityCredentials.SessionName(text);

        Assert.Equal(expected, name);
        Assert.InRange(name.Length, 2, 64);
        // The pattern botocore's model gives RoleSessionName.
        var pattern = BotocoreModels.Load("sts").Shape("roleSessionNameType").GetProperty("pattern").GetString()!;
        Assert.Matches($"^{pattern}$", name);
    }

    private static ScriptStep Issued(string accessKey, string secret, string session, DateTimeOffset expiration) => ScriptStep.Respond(
        200,
        $"""
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <Credentials>
              <AccessKeyId>{accessKey}</AccessKeyId>
              <SecretAccessKey>{secret}</SecretAccessKey>
              <SessionToken>{session}</SessionToken>
              <Expiration>{expiration.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}</Expiration>
            </Credentials>
            <SubjectFromWebIdentityToken>project_path:group/app:ref_type:branch:ref:main</SubjectFromWebIdentityToken>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata><RequestId>scripted</RequestId></ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """,
        new Dictionary<string, string> { ["Content-Type"] = "text/xml" });
}
