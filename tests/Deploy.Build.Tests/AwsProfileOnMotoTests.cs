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
    private readonly string work = Directory.CreateTempSubdirectory("deploy-moto-").FullName;

    private MotoPlatform Platform => new(moto, work);

    [Fact]
    public async Task DeployFargate_with_the_aws_profile_registers_creates_and_updates_through_the_standard_endpoint_chain()
    {
        await Platform.ArrangeAsync("v1", "v2");

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
        Assert.DoesNotContain(MotoPlatform.SecretAccessKey, create.Output + create.Error + update.Output + update.Error, StringComparison.Ordinal);

        var service = await Platform.CliAsync("ecs", "describe-services", "--cluster", "sample-service", "--services", "sample-service", "--query", "services[0].taskDefinition");
        Assert.EndsWith("task-definition/sample-service:2", service.GetString(), StringComparison.Ordinal);
        var image = await Platform.CliAsync("ecs", "describe-task-definition", "--task-definition", "sample-service:2", "--query", "taskDefinition.containerDefinitions[0].image");
        Assert.StartsWith(MotoPlatform.Repository + "@sha256:", image.GetString(), StringComparison.Ordinal);
        // Both runs failed (the rollout never ends on moto) and released their deploy lease, leaving no version behind.
        var lease = await Platform.CliAsync("s3api", "list-object-versions", "--bucket", "sample-artifacts", "--prefix", "deploy-leases/", "--query", "[Versions, DeleteMarkers]");
        Assert.All(lease.EnumerateArray(), kind => Assert.Equal(System.Text.Json.JsonValueKind.Null, kind.ValueKind));
    }

    private Task<BuildScript.Result> DeployAsync(string tag, string template) =>
        BuildScript.RunProcessAsync(Path.Combine(BuildScript.Root, "build.sh"), MotoPlatform.DeployArguments(tag, template, "5s"), Platform.Aws());

    /// <summary>moto gives every put-image the same digest, so the second deploy changes the task definition itself.</summary>
    private async Task<string> ChangedTemplateAsync()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(BuildScript.Root, "deploy", "taskdef.json"));
        var changed = Path.Combine(work, "taskdef.json");
        await File.WriteAllTextAsync(changed, text.Replace(
            "{ \"name\": \"SERVICE_NAME\", \"value\": \"${SERVICE_NAME}\" }",
            "{ \"name\": \"SERVICE_NAME\", \"value\": \"${SERVICE_NAME}\" },\n        { \"name\": \"RELEASE\", \"value\": \"2\" }",
            StringComparison.Ordinal));
        Assert.NotEqual(text, await File.ReadAllTextAsync(changed));
        return changed;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(work, recursive: true);
        return Task.CompletedTask;
    }
}
