using System.Net;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Oidc;

namespace Deploy.LocalCloud.Tests.Sts;

/// <summary>
/// The local cloud's GitLab issuer: its tokens carry GitLab's claim set and verify, outside our code, against the keys it
/// publishes; STS accepts them for a role that trusts the project and branch; only the local cloud's own key may mint.
/// </summary>
public sealed class LocalGitLabIssuerTests
{
    [Fact]
    public async Task A_minted_token_has_GitLabs_claims_and_its_signature_verifies_with_python_against_the_published_keys()
    {
        await using var cloud = await TestCloud.StartAsync();
        var issuer = cloud.Instance.Endpoint + "_gitlab";
        var token = await FederationKit.MintAsync(cloud.Instance, "group/sub/app", "develop", new JsonObject
        {
            ["sha"] = "0123456789abcdef0123456789abcdef01234567",
            ["pipelineSource"] = "push",
            ["refProtected"] = true,
        });
        using var http = new HttpClient();
        var discovery = JsonNode.Parse(await http.GetStringAsync(new Uri(issuer + "/.well-known/openid-configuration")))!;

        var verified = await OidcOracle.VerifyAsync(discovery["jwks_uri"]!.GetValue<string>(), token);

        Assert.Equal(issuer, discovery["issuer"]!.GetValue<string>());
        Assert.Equal(issuer + "/oauth/discovery/keys", discovery["jwks_uri"]!.GetValue<string>());
        Assert.NotNull(verified);
        var (header, payload) = verified.Value;
        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(header["kid"]!.GetValue<string>()));
        Assert.Equal(issuer, payload["iss"]!.GetValue<string>());
        Assert.Equal("sts.amazonaws.com", payload["aud"]!.GetValue<string>());
        Assert.Equal("project_path:group/sub/app:ref_type:branch:ref:develop", payload["sub"]!.GetValue<string>());
        Assert.Equal("group/sub/app", payload["project_path"]!.GetValue<string>());
        Assert.Equal("group/sub", payload["namespace_path"]!.GetValue<string>());
        Assert.Equal("develop", payload["ref"]!.GetValue<string>());
        Assert.Equal("branch", payload["ref_type"]!.GetValue<string>());
        Assert.Equal("refs/heads/develop", payload["ref_path"]!.GetValue<string>());
        Assert.Equal("true", payload["ref_protected"]!.GetValue<string>());
        Assert.Equal("push", payload["pipeline_source"]!.GetValue<string>());
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", payload["sha"]!.GetValue<string>());
        Assert.Equal(3600, payload["exp"]!.GetValue<long>() - payload["iat"]!.GetValue<long>());
        Assert.True(payload["nbf"]!.GetValue<long>() <= payload["iat"]!.GetValue<long>());
        foreach (var claim in new[] { "jti", "project_id", "namespace_id", "pipeline_id", "job_id", "user_login", "runner_environment", "ci_config_ref_uri" })
        {
            Assert.True(payload.ContainsKey(claim), claim);
        }
    }

    [Fact]
    public async Task STS_accepts_the_local_issuers_token_for_a_role_trusting_that_project_and_branch_only()
    {
        await using var cloud = await TestCloud.StartAsync();
        var roleArn = await FederationKit.FederateAsync(cloud.Cli, cloud.Instance.Endpoint + "_gitlab", "gitlab-mirror", "group/app", "develop");

        var accepted = await FederationKit.AssumeAsync(cloud.Cli, roleArn, "mirror-1", await FederationKit.MintAsync(cloud.Instance, "group/app", "develop"));
        var otherBranch = await FederationKit.AssumeAsync(cloud.Cli, roleArn, "mirror-2", await FederationKit.MintAsync(cloud.Instance, "group/app", "main"));

        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("assumed-role/gitlab-mirror/mirror-1", accepted.Stdout, StringComparison.Ordinal);
        Assert.Contains("(AccessDenied)", otherBranch.Stderr, StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Only_the_local_clouds_own_key_may_mint_not_an_unsigned_call_a_wrong_secret_or_a_role_session()
    {
        await using var cloud = await TestCloud.StartAsync();
        var roleArn = await FederationKit.FederateAsync(cloud.Cli, cloud.Instance.Endpoint + "_gitlab", "gitlab-mirror", "group/app", "develop");
        var assumed = await FederationKit.AssumeAsync(cloud.Cli, roleArn, "mirror-1", await FederationKit.MintAsync(cloud.Instance, "group/app", "develop"));
        var session = JsonNode.Parse(assumed.Stdout)!["Credentials"]!;
        var request = new JsonObject { ["projectPath"] = "group/app", ["ref"] = "develop" };

        using var unsigned = await FederationKit.MintAsync(cloud.Instance, request, null);
        using var wrongSecret = await FederationKit.MintAsync(cloud.Instance, request, new BasicAWSCredentials(cloud.Instance.Options.AccessKeyId, "not-the-secret"));
        using var roleSession = await FederationKit.MintAsync(cloud.Instance, request, new SessionAWSCredentials(
            session["AccessKeyId"]!.GetValue<string>(), session["SecretAccessKey"]!.GetValue<string>(), session["SessionToken"]!.GetValue<string>()));
        using var badRequest = await FederationKit.MintAsync(cloud.Instance, new JsonObject { ["projectPath"] = "app", ["ref"] = "main" },
            new BasicAWSCredentials(cloud.Instance.Options.AccessKeyId, cloud.Instance.SecretAccessKey));

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, roleSession.StatusCode);
        Assert.Contains("AccessDenied", await roleSession.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badRequest.StatusCode);
        Assert.Contains("projectPath", await badRequest.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var refused in new[] { unsigned, wrongSecret, roleSession })
        {
            Assert.DoesNotContain("eyJ", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_issuers_key_survives_a_restart_in_an_owner_only_file_so_earlier_tokens_still_verify()
    {
        using var state = new TempDirectory();
        string token;
        var port = Deploy.Testing.FreePort.Next();
        await using (var first = await TestCloud.StartAsync(state.Path, b => b.WithPort(port)))
        {
            token = await FederationKit.MintAsync(first.Instance, "group/app", "main");
        }

        await using var second = await TestCloud.StartAsync(state.Path, b => b.WithPort(port));
        var verified = await OidcOracle.VerifyAsync(second.Instance.Endpoint + "_gitlab/oauth/discovery/keys", token);

        Assert.NotNull(verified);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(state.Path, "oidc-issuer.json")));
    }
}
