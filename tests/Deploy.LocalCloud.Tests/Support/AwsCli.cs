using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using Deploy.LocalCloud.Hosting;
using Deploy.Testing;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>The aws CLI (botocore) as an independent client, pointed at an endpoint through environment variables.</summary>
public sealed partial class AwsCli(string endpoint, string accessKey, string secretKey, string region = "us-east-1", string? sessionToken = null)
{
    public static AwsCli For(LocalCloudInstance cloud) =>
        new(cloud.Endpoint.ToString().TrimEnd('/'), cloud.Options.AccessKeyId, cloud.SecretAccessKey);

    public static AwsCli For(MotoServer moto) =>
        new(moto.Endpoint.ToString().TrimEnd('/'), MotoServer.AccessKeyId, MotoServer.SecretAccessKey, MotoServer.Region);

    public AwsCli WithSecret(string secret) => new(endpoint, accessKey, secret, region);

    public AwsCli WithAccessKey(string key) => new(endpoint, key, secretKey, region);

    /// <summary>Temporary credentials: key, secret and session token (null: none sent).</summary>
    public AwsCli WithSession(string key, string secret, string? token) => new(endpoint, key, secret, region, token);

    public IReadOnlyDictionary<string, string> Environment => sessionToken is null ? BaseEnvironment : new Dictionary<string, string>(BaseEnvironment)
    {
        ["AWS_SESSION_TOKEN"] = sessionToken,
    };

    private Dictionary<string, string> BaseEnvironment => new()
    {
        ["AWS_ENDPOINT_URL"] = endpoint,
        ["AWS_ACCESS_KEY_ID"] = accessKey,
        ["AWS_SECRET_ACCESS_KEY"] = secretKey,
        ["AWS_REGION"] = region,
        ["AWS_DEFAULT_REGION"] = region,
        // No profile files of the machine may leak into the test.
        ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
        ["AWS_MAX_ATTEMPTS"] = "1",
    };

    public Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("aws", [.. arguments, "--output", "json"], Environment);

    /// <summary>Runs a command that must succeed and returns its JSON output ({} when it prints nothing).</summary>
    public async Task<JsonObject> JsonAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)} failed: {result}");
        return string.IsNullOrWhiteSpace(result.Stdout) ? [] : JsonNode.Parse(result.Stdout)!.AsObject();
    }

    /// <summary>Runs a command that must fail and returns the AWS error code botocore reported.</summary>
    public async Task<string> ErrorCodeAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        Assert.True(result.ExitCode != 0, $"aws {string.Join(' ', arguments)} unexpectedly succeeded: {result}");
        var match = ErrorCodePattern().Match(result.Stderr);
        Assert.True(match.Success, $"no AWS error code in: {result.Stderr}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"An error occurred \(([A-Za-z0-9]+)\)")]
    private static partial Regex ErrorCodePattern();
}

/// <summary><c>moto.Cli</c>: the aws CLI pointed at a moto_server, the oracle the parity tests compare the local cloud with.</summary>
public static class MotoCli
{
    extension(MotoServer moto)
    {
        public AwsCli Cli => AwsCli.For(moto);
    }
}
