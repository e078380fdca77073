using System.Text.Json;
using Deploy.Testing.Moto;

namespace Deploy.Build.Tests;

/// <summary>
/// `--profile aws` runs the same targets against an AWS endpoint that is not ours: moto, set up with the aws CLI.
/// moto serves ECR's image lookup, task definitions and services but never completes a rollout, so DeployFargate
/// is expected to register, create or update, then time out — proving no local-cloud shortcut is on that path.
/// </summary>
[Collection(BuildScriptGroup.Name)]
public sealed class AwsProfileOnMotoTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string Repository = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service";
    private readonly string work = Directory.CreateTempSubdirectory("deploy-moto-").FullName;

    private Dictionary<string, string> Aws => new()
    {
        ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId,
        // moto takes any secret; this one is distinct so that a leak into the build's output is caught below.
        ["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key",
        ["AWS_REGION"] = MotoServer.Region,
        ["AWS_DEFAULT_REGION"] = MotoServer.Region,
    };

    [Fact]
    public async Task DeployFargate_with_the_aws_profile_registers_creates_and_updates_through_the_standard_endpoint_chain()
    {
        await PutImageAsync("v1", "1");
        await PutImageAsync("v2", "2");
        await CliAsync("ecs", "create-cluster", "--cluster-name", "sample-service");
        var subnets = await CliAsync("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true", "--query", "Subnets[0:2].SubnetId");
        var securityGroup = await CliAsync("ec2", "describe-security-groups", "--filters", "Name=group-name,Values=default", "--query", "SecurityGroups[0].GroupId");
        var template = Path.Combine(work, "stack.json");
        await File.WriteAllTextAsync(template, PlatformStack(string.Join(',', subnets.EnumerateArray().Select(s => s.GetString())), securityGroup.GetString()!));
        await CliAsync("cloudformation", "create-stack", "--stack-name", "deploy-platform", "--template-body", "file://" + template);

        var create = await DeployAsync("v1", Path.Combine(BuildScript.Root, "deploy", "taskdef.json"));
        var update = await DeployAsync("v2", await ChangedTemplateAsync());

        Assert.Equal(1, create.ExitCode);
        Assert.Contains("LocalCloud       Skipped", create.Output, StringComparison.Ordinal);
        Assert.Contains("Platform outputs read from stack deploy-platform", create.Output, StringComparison.Ordinal);
        Assert.Contains("Creating service sample-service in cluster sample-service", create.Output, StringComparison.Ordinal);
        Assert.Contains("did not finish rolling out sample-service:1 within 5 s", create.Error, StringComparison.Ordinal);
        Assert.Equal(1, update.ExitCode);
        Assert.True(update.Output.Contains("Updating service sample-service to sample-service:2", StringComparison.Ordinal), update.Output + update.Error);
        Assert.DoesNotContain("127.0.0.1:4566", create.Output + create.Error + update.Output + update.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("testing-secret-key", create.Output + create.Error + update.Output + update.Error, StringComparison.Ordinal);

        var service = await CliAsync("ecs", "describe-services", "--cluster", "sample-service", "--services", "sample-service", "--query", "services[0].taskDefinition");
        Assert.EndsWith("task-definition/sample-service:2", service.GetString(), StringComparison.Ordinal);
        var image = await CliAsync("ecs", "describe-task-definition", "--task-definition", "sample-service:2", "--query", "taskDefinition.containerDefinitions[0].image");
        Assert.StartsWith(Repository + "@sha256:", image.GetString(), StringComparison.Ordinal);
    }

    private Task<BuildScript.Result> DeployAsync(string tag, string template) => BuildScript.RunProcessAsync(Path.Combine(BuildScript.Root, "build.sh"),
        ["DeployFargate", "--profile", "aws", "--skip", "ProvisionInfra", "BuildImage", "PushEcr", "--deploy-image", $"{Repository}:{tag}",
            "--task-definition-template", template, "--timeout", "5s"],
        Aws);

    /// <summary>moto gives every put-image the same digest, so the second deploy changes the task definition itself.</summary>
    private async Task<string> ChangedTemplateAsync()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(BuildScript.Root, "deploy", "taskdef.json"));
        var changed = Path.Combine(work, "taskdef.json");
        await File.WriteAllTextAsync(changed, text.Replace(
            "{ \"name\": \"SERVICE_NAME\", \"value\": \"${SERVICE_NAME}\" },",
            "{ \"name\": \"SERVICE_NAME\", \"value\": \"${SERVICE_NAME}\" },\n        { \"name\": \"RELEASE\", \"value\": \"2\" },",
            StringComparison.Ordinal));
        Assert.NotEqual(text, await File.ReadAllTextAsync(changed));
        return changed;
    }

    private async Task PutImageAsync(string tag, string size)
    {
        // Any manifest will do: moto stores it under the tag.
        var manifest = $$"""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":{{size}},"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}""";
        await CliAsync("ecr", "put-image", "--repository-name", "sample-service", "--image-tag", tag, "--image-manifest", manifest);
    }

    private async Task<JsonElement> CliAsync(params string[] arguments)
    {
        var result = await BuildScript.RunProcessAsync("aws", [.. arguments, "--output", "json"], Aws);
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)}: {result.Error}");
        return result.Output.Trim().Length == 0 ? default : JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    private static string PlatformStack(string subnets, string securityGroup) => $$"""
        {
          "Resources": { "LogGroup": { "Type": "AWS::Logs::LogGroup", "Properties": { "LogGroupName": "/ecs/sample-service" } } },
          "Outputs": {
            "RepositoryUri": { "Value": "{{Repository}}" },
            "RepositoryName": { "Value": "sample-service" },
            "ClusterName": { "Value": "sample-service" },
            "LogGroupName": { "Value": { "Ref": "LogGroup" } },
            "TaskExecutionRoleArn": { "Value": "arn:aws:iam::123456789012:role/sample-service-execution" },
            "TaskRoleArn": { "Value": "arn:aws:iam::123456789012:role/sample-service-task" },
            "ServiceSecurityGroupId": { "Value": "{{securityGroup}}" },
            "SubnetIds": { "Value": "{{subnets}}" },
            "TargetGroupArn": { "Value": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/sample/0123456789abcdef" },
            "LoadBalancerUrl": { "Value": "http://sample-lb.example.com/" },
            "PipelineName": { "Value": "sample-service-pipeline" },
            "CodeCommitCloneUrlHttp": { "Value": "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/sample-service" },
            "ArtifactBucketName": { "Value": "sample-artifacts" },
            "ServiceName": { "Value": "sample-service" }
          }
        }
        """;

    public async Task InitializeAsync() => await CliAsync("ecr", "create-repository", "--repository-name", "sample-service");

    public Task DisposeAsync()
    {
        Directory.Delete(work, recursive: true);
        return Task.CompletedTask;
    }
}
