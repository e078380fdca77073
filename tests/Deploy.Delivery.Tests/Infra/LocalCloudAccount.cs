using System.Text.Json.Nodes;
using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Delivery.Infra;
using Deploy.Engine;
using Deploy.LocalCloud.Hosting;
using Deploy.Testing;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>
/// A real local cloud (free port, own state directory) as an account for ProvisionInfra and DestroyInfra: a session for
/// our clients, the aws CLI for changes made "by hand" (an independent client, as a person with the console would be),
/// and the options the targets pass. Disposing stops the cloud and deletes its state.
/// </summary>
internal sealed class LocalCloudAccount : IAsyncDisposable
{
    private readonly string root;

    private LocalCloudAccount(string root, LocalCloudInstance cloud)
    {
        this.root = root;
        Cloud = cloud;
        Session = new AwsSession(new AwsSessionOptions
        {
            Region = cloud.Options.Region,
            Credentials = new BasicAWSCredentials(cloud.Options.AccessKeyId, cloud.SecretAccessKey),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = Endpoint },
        });
    }

    public LocalCloudInstance Cloud { get; }

    public AwsSession Session { get; }

    public CloudFormationClient CloudFormation => new(Session);

    private string Endpoint => Cloud.Endpoint.ToString().TrimEnd('/');

    public static async Task<LocalCloudAccount> StartAsync(Func<LocalCloudBuilder, LocalCloudBuilder>? configure = null)
    {
        var root = Directory.CreateTempSubdirectory("platform-account-").FullName;
        var builder = new LocalCloudBuilder().WithStateDirectory(Path.Combine(root, "state")).WithPort(0);
        return new LocalCloudAccount(root, await (configure ?? (b => b))(builder).BuildAsync());
    }

    /// <summary>What ProvisionInfra passes, writing into this account's directory (a run's own subdirectory when named).</summary>
    public StackDeployOptions Options(PlatformSettings settings, string stackName = "platform", string run = "run") => new()
    {
        StackName = stackName,
        Settings = settings,
        TemplatePath = Path.Combine(root, run, "template.json"),
        OutputsPath = Path.Combine(root, run, "outputs.json"),
        PollInterval = TimeSpan.FromMilliseconds(200),
    };

    public StackDeployer Deployer(IBuildLog log) => new(CloudFormation, new Ec2NetworkLookup(Session, log), log);

    public StackDestroyer Destroyer(IBuildLog log) => StackDestroyer.For(Session, log);

    /// <summary>An aws CLI command that must succeed; its JSON output ({} when it prints nothing).</summary>
    public async Task<JsonObject> AwsAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("aws", [.. arguments, "--output", "json"], new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = Endpoint,
            ["AWS_ACCESS_KEY_ID"] = Cloud.Options.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = Cloud.SecretAccessKey,
            ["AWS_REGION"] = Cloud.Options.Region,
            ["AWS_DEFAULT_REGION"] = Cloud.Options.Region,
            ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
        });
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)}: {result}");
        return string.IsNullOrWhiteSpace(result.Stdout) ? [] : JsonNode.Parse(result.Stdout)!.AsObject();
    }

    /// <summary>The stack's resources by logical id: physical id and status.</summary>
    public async Task<Dictionary<string, StackResource>> ResourcesAsync(string stack) =>
        (await CloudFormation.DescribeStackResourcesAsync(new DescribeStackResourcesRequest { StackName = stack })).StackResources
            .ToDictionary(r => r.LogicalResourceId!, StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        Session.Dispose();
        await Cloud.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }
}
