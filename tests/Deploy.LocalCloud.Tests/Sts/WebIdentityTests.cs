using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Oidc;

namespace Deploy.LocalCloud.Tests.Sts;

/// <summary>One local cloud whose account trusts the Python issuer's tokens of group/app on main (role gitlab-release).</summary>
public sealed class WebIdentityFixture : IAsyncLifetime
{
    public const string Project = "group/app";
    public const string Branch = "main";

    public TestCloud Cloud { get; private set; } = null!;

    public OidcOracle Oracle { get; private set; } = null!;

    public string RoleArn { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cloud = await TestCloud.StartAsync();
        Oracle = await OidcOracle.StartAsync();
        RoleArn = await FederationKit.FederateAsync(Cloud.Cli, Oracle.Issuer, "gitlab-release", Project, Branch);
    }

    public async Task DisposeAsync()
    {
        await Oracle.DisposeAsync();
        await Cloud.DisposeAsync();
    }
}

/// <summary>
/// STS AssumeRoleWithWebIdentity against tokens made outside our code (the Python issuer, <see cref="OidcOracle"/>), called
/// by the aws CLI and by AWSSDK's own web identity credential provider; every response checked against botocore's models.
/// </summary>
public sealed partial class WebIdentityTests(WebIdentityFixture world) : IClassFixture<WebIdentityFixture>
{
    private const string Project = WebIdentityFixture.Project;
    private const string Branch = WebIdentityFixture.Branch;

    private TestCloud cloud => world.Cloud;

    private OidcOracle oracle => world.Oracle;

    private string roleArn => world.RoleArn;

    [Fact]
    public async Task A_token_of_the_trusted_project_and_branch_gives_credentials_that_sign_as_the_assumed_role_and_need_their_session_token()
    {
        var token = await oracle.SignAsync(oracle.Claims(Project, Branch));

        var result = await FederationKit.AssumeAsync(cloud.Cli, roleArn, "gitlab-group-app-42", token);

        Assert.True(result.ExitCode == 0, result.ToString());
        var response = JsonNode.Parse(result.Stdout)!.AsObject();
        var credentials = response["Credentials"]!;
        var key = credentials["AccessKeyId"]!.GetValue<string>();
        var secret = credentials["SecretAccessKey"]!.GetValue<string>();
        var sessionToken = credentials["SessionToken"]!.GetValue<string>();
        Assert.Matches("^ASIA[A-Z2-7]{16}$", key);
        var expiresIn = DateTimeOffset.Parse(credentials["Expiration"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow;
        Assert.InRange(expiresIn, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/gitlab-release/gitlab-group-app-42", response["AssumedRoleUser"]!["Arn"]!.GetValue<string>());
        Assert.Equal($"project_path:{Project}:ref_type:branch:ref:{Branch}", response["SubjectFromWebIdentityToken"]!.GetValue<string>());
        Assert.Equal(oracle.Issuer, response["Provider"]!.GetValue<string>());
        Assert.Equal(FederationKit.Audience, response["Audience"]!.GetValue<string>());

        var assumed = cloud.Cli.WithSession(key, secret, sessionToken);
        var identity = await assumed.JsonAsync("sts", "get-caller-identity");
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/gitlab-release/gitlab-group-app-42", identity["Arn"]!.GetValue<string>());
        // IAM is enforced: the session may do what its role's policies allow, nothing more.
        Assert.Equal("AccessDeniedException", await assumed.ErrorCodeAsync("ecr", "describe-repositories"));
        await cloud.Cli.JsonAsync("iam", "put-role-policy", "--role-name", "gitlab-release", "--policy-name", "list",
            "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:DescribeRepositories","Resource":"*"}]}""");
        await assumed.JsonAsync("ecr", "describe-repositories");
        Assert.Equal("UnrecognizedClientException", await cloud.Cli.WithSession(key, secret, null).ErrorCodeAsync("ecr", "describe-repositories"));
        Assert.Equal("InvalidClientTokenId", await cloud.Cli.WithSession(key, secret, null).ErrorCodeAsync("sts", "get-caller-identity"));
        cloud.AssertResponsesMatchBotocore();
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "signed with another key under the issuer's kid", "InvalidIdentityToken" },
        { "for another audience", "InvalidIdentityToken" },
        { "of another project", "AccessDenied" },
        { "of another branch", "AccessDenied" },
        { "of a tag named like the branch", "AccessDenied" },
        { "expired", "ExpiredTokenException" },
        { "not valid yet", "InvalidIdentityToken" },
        { "from an issuer the account has no provider for", "InvalidIdentityToken" },
        { "not a JWT", "InvalidIdentityToken" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_token_is_refused_with_the_code_STS_uses(string token, string code)
    {
        var result = await FederationKit.AssumeAsync(cloud.Cli, roleArn, "refused", await TokenAsync(token));

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Equal(code, ErrorCode().Match(result.Stderr).Groups[1].Value);
        Assert.DoesNotContain("ASIA", result.Stdout, StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task AWSSDKs_web_identity_provider_reads_the_token_file_assumes_the_role_and_its_client_is_the_assumed_role()
    {
        using var files = new TempDirectory();
        var tokenFile = Path.Combine(files.Path, "token");
        await File.WriteAllTextAsync(tokenFile, await oracle.SignAsync(oracle.Claims(Project, Branch)));
        var provider = new LocalStsWebIdentityCredentials(cloud, tokenFile, roleArn, "sdk-provider");

        var credentials = await provider.GetCredentialsAsync();
        using var sts = new AmazonSecurityTokenServiceClient(provider, Config(cloud));
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.StartsWith("ASIA", credentials.AccessKey, StringComparison.Ordinal);
        Assert.True(credentials.UseToken);
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/gitlab-release/sdk-provider", identity.Arn);

        // The same provider with a token of another branch: STS's AccessDenied reaches the SDK's caller.
        await File.WriteAllTextAsync(tokenFile, await oracle.SignAsync(oracle.Claims(Project, "feature")));
        var refused = await Assert.ThrowsAsync<AmazonClientException>(() => new LocalStsWebIdentityCredentials(cloud, tokenFile, roleArn, "sdk-refused").GetCredentialsAsync());
        Assert.Equal("AccessDenied", Assert.IsType<AmazonServiceException>(refused.InnerException, exactMatch: false).ErrorCode);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_token_trusted_for_another_roles_project_cannot_assume_this_role_nor_a_role_of_another_account()
    {
        var other = await FederationKit.FederateAsync(cloud.Cli, cloud.Instance.Endpoint + "_gitlab", "other-project", "group/other", Branch);
        var token = await oracle.SignAsync(oracle.Claims(Project, Branch));

        var wrongRole = await FederationKit.AssumeAsync(cloud.Cli, other, "job-7", token);
        var foreignRole = await FederationKit.AssumeAsync(cloud.Cli, "arn:aws:iam::111122223333:role/gitlab-release", "job-7", token);
        var missingRole = await FederationKit.AssumeAsync(cloud.Cli, "arn:aws:iam::000000000000:role/nobody", "job-7", token);

        Assert.True("AccessDenied" == ErrorCode().Match(wrongRole.Stderr).Groups[1].Value, wrongRole.ToString());
        Assert.Equal("AccessDenied", ErrorCode().Match(foreignRole.Stderr).Groups[1].Value);
        Assert.Equal("AccessDenied", ErrorCode().Match(missingRole.Stderr).Groups[1].Value);
    }

    [Fact]
    public async Task The_session_duration_is_bounded_by_the_roles_maximum()
    {
        var token = await oracle.SignAsync(oracle.Claims(Project, Branch));

        var twoHours = await FederationKit.AssumeAsync(cloud.Cli, roleArn, "long", token, "--duration-seconds", "7200");
        var tooShort = await FederationKit.AssumeAsync(cloud.Cli, roleArn, "short", token, "--duration-seconds", "600");
        var fifteenMinutes = await FederationKit.AssumeAsync(cloud.Cli, roleArn, "quarter", token, "--duration-seconds", "900");

        Assert.Equal("ValidationError", ErrorCode().Match(twoHours.Stderr).Groups[1].Value);
        Assert.Contains("MaxSessionDuration", twoHours.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, tooShort.ExitCode);
        Assert.True(fifteenMinutes.ExitCode == 0, fifteenMinutes.ToString());
        var expiration = DateTimeOffset.Parse(JsonNode.Parse(fifteenMinutes.Stdout)!["Credentials"]!["Expiration"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiration - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(13), TimeSpan.FromMinutes(16));
    }

    private async Task<string> TokenAsync(string kind)
    {
        var claims = oracle.Claims(Project, Branch);
        switch (kind)
        {
            case "signed with another key under the issuer's kid":
                return await oracle.SignAsync(claims, forged: true);
            case "for another audience":
                claims["aud"] = "https://gitlab.example.com";
                break;
            case "of another project":
                claims = oracle.Claims("group/other", Branch);
                break;
            case "of another branch":
                claims = oracle.Claims(Project, "feature/x");
                break;
            case "of a tag named like the branch":
                claims["sub"] = $"project_path:{Project}:ref_type:tag:ref:{Branch}";
                break;
            case "expired":
                claims = oracle.Claims(Project, Branch, validFor: TimeSpan.FromMinutes(-1));
                claims["iat"] = claims["exp"]!.GetValue<long>() - 300;
                claims["nbf"] = claims["iat"]!.GetValue<long>();
                break;
            case "not valid yet":
                claims = oracle.Claims(Project, Branch, startsIn: TimeSpan.FromMinutes(5));
                break;
            case "from an issuer the account has no provider for":
                // The local cloud's own issuer: a real, well-signed token, but no provider registers it here.
                return await FederationKit.MintAsync(cloud.Instance, Project, Branch);
            case "not a JWT":
                return "not-a-token";
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return await oracle.SignAsync(claims);
    }

    private static AmazonSecurityTokenServiceConfig Config(TestCloud cloud) => new()
    {
        ServiceURL = cloud.Instance.Endpoint.ToString(),
        AuthenticationRegion = "us-east-1",
        MaxErrorRetry = 0,
    };

    [GeneratedRegex(@"An error occurred \(([A-Za-z0-9]+)\)")]
    private static partial Regex ErrorCode();

    /// <summary>
    /// AWSSDK's own web identity provider (it reads the token file and calls STS through AWSSDK.SecurityToken's client),
    /// only its STS client pointed at the local cloud instead of the regional endpoint.
    /// </summary>
    private sealed class LocalStsWebIdentityCredentials(TestCloud cloud, string tokenFile, string roleArn, string sessionName)
        : AssumeRoleWithWebIdentityCredentials(tokenFile, roleArn, sessionName)
    {
        protected override Amazon.Runtime.SharedInterfaces.ICoreAmazonSTS CreateClient() =>
            new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), Config(cloud));
    }
}
