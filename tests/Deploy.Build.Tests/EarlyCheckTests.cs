namespace Deploy.Build.Tests;

/// <summary>Mistakes that ./build.sh reports before any target runs: one line, exit code 2, nothing built.</summary>
[Collection(BuildScriptGroup.Name)]
public sealed class EarlyCheckTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("deploy-early-").FullName;

    public void Dispose() => Directory.Delete(home, recursive: true);

    [Fact]
    public async Task Missing_aws_credentials_stop_before_any_target_with_one_line_naming_what_to_set()
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "no-credentials"),
            ["AWS_CONFIG_FILE"] = Path.Combine(home, "no-config"),
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ROLE_ARN", "GITLAB_OIDC_TOKEN",
            "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI" })
        {
            environment[name] = "";
        }

        var result = await BuildScript.RunProcessAsync(Path.Combine(BuildScript.Root, "build.sh"), ["DeployFargate", "--profile", "aws"], environment);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines, l => !l.StartsWith("Compiling", StringComparison.Ordinal));
        Assert.StartsWith("Error: AWS is not configured (--profile aws): No AWS credentials found; tried environment keys", line, StringComparison.Ordinal);
        Assert.Contains("AWS_PROFILE", line, StringComparison.Ordinal);
        Assert.Contains("AWS_ROLE_ARN and give the job an id_tokens entry GITLAB_OIDC_TOKEN", line, StringComparison.Ordinal);
        Assert.DoesNotContain("webIdentityTokenFile", result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("BuildImage", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_parameter_value_is_named_by_its_flag_and_stops_before_the_local_cloud_starts()
    {
        var result = await BuildScript.RunAsync("ProvisionInfra", "--log-retention-days", "31");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines, l => !l.StartsWith("Compiling", StringComparison.Ordinal));
        Assert.StartsWith("Error: --log-retention-days is 31, which CloudWatch Logs does not accept; use one of 1, 3, 5", line, StringComparison.Ordinal);
        Assert.DoesNotContain("LogRetentionDays", result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("LocalCloud", result.Output, StringComparison.Ordinal);
    }
}
