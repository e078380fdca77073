using System.Text.Json;
using Deploy.Testing;
using Deploy.Testing.Moto;

namespace Deploy.Build.Tests;

/// <summary>
/// A GitLab job's OIDC token (the id_tokens variable GITLAB_OIDC_TOKEN) and AWS_ROLE_ARN: ./build.sh assumes the role with
/// STS itself, here moto's (which really implements AssumeRoleWithWebIdentity and tells which credentials it issued), and
/// neither the token nor the issued secrets reach the output or any file.
/// </summary>
[Collection(BuildScriptGroup.Name)]
public sealed class GitLabWebIdentityTests(MotoServer moto) : IClassFixture<MotoServer>, IDisposable
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/gitlab-deploy";
    private readonly string work = Directory.CreateTempSubdirectory("deploy-oidc-").FullName;

    /// <summary>Shaped like GitLab's (a signed JWT), unique so that any copy of it is found.</summary>
    private readonly string token = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImdpdGxhYiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6Z3JvdXAvYXBwIiwiYXVkIjoic3RzLmFtYXpvbmF3cy5jb20ifQ."
        + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task The_build_assumes_the_role_with_the_token_and_leaves_no_token_or_secret_in_output_or_files()
    {
        var platform = new MotoPlatform(moto, work);
        await platform.ArrangeAsync("v1");
        var temp = Directory.CreateDirectory(Path.Combine(work, "tmp")).FullName;
        var environment = platform.Aws(withKeys: false);
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["GITLAB_CI"] = "true",
            ["CI_PROJECT_PATH_SLUG"] = "group-app",
            ["CI_JOB_ID"] = "4711",
            ["CI_COMMIT_SHA"] = "0123456789abcdef0123456789abcdef01234567",
            ["GITLAB_OIDC_TOKEN"] = token,
            ["AWS_ROLE_ARN"] = RoleArn,
            ["TMPDIR"] = temp,
            // No other credentials to fall back on.
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(work, "no-credentials"),
            ["AWS_CONFIG_FILE"] = Path.Combine(work, "no-config"),
        })
        {
            environment[name] = value;
        }

        var started = DateTime.UtcNow.AddSeconds(-2);
        var result = await BuildScript.RunProcessAsync(Path.Combine(BuildScript.Root, "build.sh"),
            [.. MotoPlatform.DeployArguments("v1", Path.Combine(BuildScript.Root, "deploy", "taskdef.json"), "5s"), "--dry-run", "--verbosity", "verbose"],
            environment);

        var output = result.Output + result.Error;
        Assert.True(result.ExitCode == 0, output);
        var issued = await IssuedCredentialsAsync("gitlab-group-app-4711");
        Assert.Contains("AWS: assumed arn:aws:sts::123456789012:assumed-role/gitlab-deploy/gitlab-group-app-4711 with GITLAB_OIDC_TOKEN", output, StringComparison.Ordinal);
        Assert.Contains($"access key {issued.AccessKey}", output, StringComparison.Ordinal);
        Assert.Contains("Dry run", output, StringComparison.OrdinalIgnoreCase);
        string[] secrets = [token, issued.SecretKey, issued.SessionToken];
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, output, StringComparison.Ordinal));

        // Nothing written during the run holds them: the job's temp dir, the machine's and the repository (with .git).
        var written = SecretScan.WrittenSince(started, temp, Path.GetTempPath(), BuildScript.Root).ToList();
        Assert.NotEmpty(written); // the build writes its schema and artifacts: the scan looks at real files
        var holding = written.Where(file => SecretScan.HoldsAny(file, secrets)).ToList();
        Assert.True(holding.Count == 0, "files holding a secret: " + string.Join(", ", holding));
    }

    [Theory]
    [InlineData("GITLAB_OIDC_TOKEN", "GITLAB_OIDC_TOKEN is set but AWS_ROLE_ARN is not: set AWS_ROLE_ARN")]
    [InlineData("AWS_ROLE_ARN", "AWS_ROLE_ARN is set but GITLAB_OIDC_TOKEN is not: give the job an id_tokens entry GITLAB_OIDC_TOKEN")]
    public async Task Half_a_web_identity_stops_before_any_target_with_one_line_naming_the_missing_variable(string present, string expected)
    {
        var environment = new Dictionary<string, string>
        {
            [present] = present == "AWS_ROLE_ARN" ? RoleArn : token,
            // A variable the job may inherit must not count as the missing half.
            [present == "AWS_ROLE_ARN" ? "GITLAB_OIDC_TOKEN" : "AWS_ROLE_ARN"] = "",
        };

        var result = await BuildScript.RunProcessAsync(Path.Combine(BuildScript.Root, "build.sh"), ["Mirror", "--profile", "aws"], environment);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines, l => !l.StartsWith("Compiling", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Mirror", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_STS_that_cannot_be_reached_fails_the_first_AWS_target_with_one_line_naming_the_role()
    {
        var environment = new Dictionary<string, string>
        {
            ["GITLAB_OIDC_TOKEN"] = token,
            ["AWS_ROLE_ARN"] = RoleArn,
            ["AWS_REGION"] = MotoServer.Region,
            // Nothing listens on the discard port.
            ["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9",
        };

        var result = await BuildScript.RunProcessAsync(Path.Combine(BuildScript.Root, "build.sh"),
            ["Mirror", "--profile", "aws", "--code-commit-url", "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app", "--aws-max-attempts", "1"], environment);

        Assert.Equal(1, result.ExitCode);
        // Outside a GitLab job Mirror first runs ProvisionInfra, the first target that needs the role.
        Assert.Matches(@"(?m)^ProvisionInfra\s+Failed", result.Output);
        Assert.DoesNotMatch(@"(?m)^Mirror\s+Succeeded", result.Output);
        Assert.Contains(result.ErrorLines, l => l.Contains($"Could not assume role {RoleArn} with GITLAB_OIDC_TOKEN: ConnectionError", StringComparison.Ordinal));
        Assert.DoesNotContain(token, result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
    }

    /// <summary>What moto says it issued to that role session (its model data, not our client's reading of the response).</summary>
    private async Task<(string AccessKey, string SecretKey, string SessionToken)> IssuedCredentialsAsync(string sessionName)
    {
        using var http = new HttpClient();
        using var data = JsonDocument.Parse(await http.GetStringAsync(new Uri(moto.Endpoint, "/moto-api/data.json")));
        var role = Assert.Single(data.RootElement.GetProperty("sts").GetProperty("AssumedRole").EnumerateArray(),
            r => r.GetProperty("session_name").GetString() == sessionName);
        Assert.Equal(RoleArn, role.GetProperty("role_arn").GetString());
        return (role.GetProperty("access_key_id").GetString()!, role.GetProperty("secret_access_key").GetString()!, role.GetProperty("session_token").GetString()!);
    }

    public void Dispose() => Directory.Delete(work, recursive: true);
}
