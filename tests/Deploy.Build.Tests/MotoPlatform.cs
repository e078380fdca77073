using System.Text.Json;
using Deploy.Testing.Moto;

namespace Deploy.Build.Tests;

/// <summary>
/// A platform stack in moto, made with the aws CLI (not our code): an ECR repository with images, an ECS cluster and a
/// CloudFormation stack whose outputs are what ProvisionInfra would publish. moto never completes an ECS rollout, so a
/// DeployFargate against it waits until its timeout.
/// </summary>
internal sealed class MotoPlatform(MotoServer moto, string work)
{
    public const string Repository = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service";

    /// <summary>moto takes any secret; this one is distinct so that a leak into the build's output is caught.</summary>
    public const string SecretAccessKey = "testing-secret-key";

    /// <summary>The endpoint and region; credentials (keys) only when <paramref name="withKeys"/>.</summary>
    public Dictionary<string, string> Aws(bool withKeys = true)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString().TrimEnd('/'),
            ["AWS_REGION"] = MotoServer.Region,
            ["AWS_DEFAULT_REGION"] = MotoServer.Region,
        };
        if (withKeys)
        {
            environment["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId;
            environment["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey;
        }

        return environment;
    }

    /// <summary>Empties moto and creates the repository, the images (tag → distinct manifest), the cluster, the artifact bucket and the stack.</summary>
    public async Task ArrangeAsync(params string[] tags)
    {
        await moto.ResetAsync();
        await CliAsync("ecr", "create-repository", "--repository-name", "sample-service");
        for (var i = 0; i < tags.Length; i++)
        {
            await PutImageAsync(tags[i], (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await CliAsync("ecs", "create-cluster", "--cluster-name", "sample-service");
        // The artifact bucket, versioned as the platform's: DeployFargate keeps its deploy lease there.
        await CliAsync("s3api", "create-bucket", "--bucket", "sample-artifacts");
        await CliAsync("s3api", "put-bucket-versioning", "--bucket", "sample-artifacts", "--versioning-configuration", "Status=Enabled");
        var subnets = await CliAsync("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true", "--query", "Subnets[0:2].SubnetId");
        var securityGroup = await CliAsync("ec2", "describe-security-groups", "--filters", "Name=group-name,Values=default", "--query", "SecurityGroups[0].GroupId");
        var template = Path.Combine(work, "stack.json");
        await File.WriteAllTextAsync(template, PlatformStack(string.Join(',', subnets.EnumerateArray().Select(s => s.GetString())), securityGroup.GetString()!));
        await CliAsync("cloudformation", "create-stack", "--stack-name", "deploy-platform", "--template-body", "file://" + template);
    }

    /// <summary>DeployFargate with the aws profile, deploying <c>Repository:tag</c>; ProvisionInfra, BuildImage and PushEcr skipped.</summary>
    public static string[] DeployArguments(string tag, string template, string timeout) =>
        ["DeployFargate", "--profile", "aws", "--skip", "ProvisionInfra", "BuildImage", "PushEcr", "--deploy-image", $"{Repository}:{tag}",
            "--task-definition-template", template, "--timeout", timeout];

    public async Task<JsonElement> CliAsync(params string[] arguments)
    {
        var result = await BuildScript.RunProcessAsync("aws", [.. arguments, "--output", "json"], Aws());
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)}: {result.Error}");
        return result.Output.Trim().Length == 0 ? default : JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    private async Task PutImageAsync(string tag, string size)
    {
        // Any manifest will do: moto stores it under the tag.
        var manifest = $$"""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":{{size}},"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}""";
        await CliAsync("ecr", "put-image", "--repository-name", "sample-service", "--image-tag", tag, "--image-manifest", manifest);
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
}
