using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Core;

/// <summary>
/// An SSO profile (sso_session, account, role) resolved by the session as the build resolves <c>--aws-profile</c>: the SDK
/// loads AWSSDK.SSO by reflection, reads the token that <c>aws sso login</c> cached under <c>~/.aws/sso/cache</c>, and asks
/// the SSO portal's GetRoleCredentials (a local endpoint here, through <c>AWS_ENDPOINT_URL_SSO</c>) for the role's keys.
/// HOME and the endpoint variable are the process's, so these tests run alone.
/// </summary>
[Collection(ProcessEnvironmentGroup.Name)]
public sealed class SsoProfileTests : IDisposable
{
    private const string AccessToken = "sso-access-token-from-the-cache";
    private readonly string home = Directory.CreateTempSubdirectory("deploy-sso-home-").FullName;
    private readonly Dictionary<string, string?> saved = [];

    public SsoProfileTests()
    {
        var aws = Directory.CreateDirectory(Path.Combine(home, ".aws")).FullName;
        // The same settings in the config file, where a user keeps them, and in the profile file the session is given
        // (ProfilesLocation): the SDK settles the config file's path once per process, so an earlier test could have fixed
        // it elsewhere.
        const string Settings = """
            sso_session = corp
            sso_account_id = 111122223333
            sso_role_name = Deployer
            region = eu-west-1

            [sso-session corp]
            sso_region = eu-west-1
            sso_start_url = https://corp.awsapps.com/start
            sso_registration_scopes = sso:account:access
            """;
        File.WriteAllText(Path.Combine(aws, "credentials"), "[dev-sso]\n" + Settings);
        File.WriteAllText(Path.Combine(aws, "config"), "[profile dev-sso]\n" + Settings);
        var cache = Directory.CreateDirectory(Path.Combine(aws, "sso", "cache")).FullName;
        // aws sso login names the file after the SHA-1 of the session name (a file name, not a protection).
#pragma warning disable CA5350
        var name = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("corp")));
#pragma warning restore CA5350
        File.WriteAllText(Path.Combine(cache, name + ".json"), $$"""
            {"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"{{AccessToken}}","expiresAt":"{{DateTime.UtcNow.AddHours(8):yyyy-MM-ddTHH:mm:ssZ}}"}
            """);
    }

    public void Dispose()
    {
        foreach (var (name, value) in saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        Directory.Delete(home, recursive: true);
    }

    [Fact]
    public async Task An_SSO_profile_gets_the_roles_credentials_from_the_SSO_portal_with_the_cached_token_and_reports_them_for_masking()
    {
        await using var portal = new ScriptedHttpServer(RoleCredentials("ASIAFIRSTEXAMPLE", "first-sso-secret", "first-sso-token", TimeSpan.FromHours(1)));
        Set("HOME", home);
        Set("AWS_CONFIG_FILE", Path.Combine(home, ".aws", "config"));
        Set("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(home, ".aws", "credentials"));
        Set("AWS_ENDPOINT_URL_SSO", portal.Endpoint.ToString().TrimEnd('/'));
        var reported = new List<ImmutableCredentials>();
        using var session = AwsSession.Create(new AwsSessionOptions
        {
            Profile = "dev-sso",
            ProfilesLocation = Path.Combine(home, ".aws", "credentials"),
            CredentialsObserver = reported.Add,
        });

        var first = await session.GetCredentialsAsync();

        Assert.Equal(("ASIAFIRSTEXAMPLE", "first-sso-secret", "first-sso-token"), (first.AccessKey, first.SecretKey, first.Token));
        Assert.Equal("eu-west-1", session.Region);
        var asked = portal.Requests[0];
        Assert.Equal("GET", asked.Method);
        Assert.StartsWith("/federation/credentials?", asked.Target, StringComparison.Ordinal);
        Assert.Contains("account_id=111122223333", asked.Target, StringComparison.Ordinal);
        Assert.Contains("role_name=Deployer", asked.Target, StringComparison.Ordinal);
        Assert.Equal(AccessToken, asked.Headers.First(h => h.Key.Equals("x-amz-sso_bearer_token", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Equal(["first-sso-secret"], reported.Select(c => c.SecretKey));
        Assert.Equal(["first-sso-token"], reported.Select(c => c.Token));
    }

    private void Set(string name, string value)
    {
        saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    private static ScriptStep RoleCredentials(string accessKey, string secret, string token, TimeSpan validFor)
    {
        var expiration = DateTimeOffset.UtcNow.Add(validFor).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var body = $$"""{"accessKeyId":"{{accessKey}}","secretAccessKey":"{{secret}}","sessionToken":"{{token}}","expiration":{{expiration}}""";
        return ScriptStep.Respond(200, "{\"roleCredentials\":" + body + "}}", new Dictionary<string, string> { ["Content-Type"] = "application/json" });
    }
}

/// <summary>Tests that change the process's environment (HOME, AWS_* variables): they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentGroup
{
    public const string Name = "Process environment";
}
