using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests;

public sealed class EcrCliTests
{
    private const string KeepTwoPolicy =
        """{"rules":[{"rulePriority":1,"description":"keep two","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}""";

    [Fact]
    public async Task A_repository_created_with_the_aws_cli_is_described_with_its_settings_and_a_docker_usable_uri()
    {
        await using var cloud = await TestCloud.StartAsync();

        var created = await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "team/service",
            "--image-tag-mutability", "IMMUTABLE", "--image-scanning-configuration", "scanOnPush=true",
            "--encryption-configuration", "encryptionType=KMS");
        var described = await cloud.Cli.JsonAsync("ecr", "describe-repositories", "--repository-names", "team/service");

        var repository = described["repositories"]![0]!;
        Assert.Equal(created["repository"]!.ToJsonString(), repository.ToJsonString());
        Assert.Equal($"{cloud.Instance.RegistryHost}/team/service", repository["repositoryUri"]!.GetValue<string>());
        Assert.Equal("arn:aws:ecr:us-east-1:000000000000:repository/team/service", repository["repositoryArn"]!.GetValue<string>());
        Assert.Equal("IMMUTABLE", repository["imageTagMutability"]!.GetValue<string>());
        Assert.True(repository["imageScanningConfiguration"]!["scanOnPush"]!.GetValue<bool>());
        Assert.Equal("KMS", repository["encryptionConfiguration"]!["encryptionType"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Duplicate_missing_and_invalid_repositories_fail_with_ecr_error_codes()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "dup");

        Assert.Equal("RepositoryAlreadyExistsException", await cloud.Cli.ErrorCodeAsync("ecr", "create-repository", "--repository-name", "dup"));
        Assert.Equal("RepositoryNotFoundException", await cloud.Cli.ErrorCodeAsync("ecr", "describe-repositories", "--repository-names", "ghost"));
        Assert.Equal("RepositoryNotFoundException", await cloud.Cli.ErrorCodeAsync("ecr", "delete-repository", "--repository-name", "ghost"));
        Assert.Equal("InvalidParameterException", await cloud.Cli.ErrorCodeAsync("ecr", "create-repository", "--repository-name", "Upper/Case"));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Scanning_and_tag_mutability_settings_can_be_changed_after_creation()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "settings");

        var scanning = await cloud.Cli.JsonAsync("ecr", "put-image-scanning-configuration", "--repository-name", "settings", "--image-scanning-configuration", "scanOnPush=true");
        var mutability = await cloud.Cli.JsonAsync("ecr", "put-image-tag-mutability", "--repository-name", "settings", "--image-tag-mutability", "IMMUTABLE");
        var described = await cloud.Cli.JsonAsync("ecr", "describe-repositories");

        Assert.True(scanning["imageScanningConfiguration"]!["scanOnPush"]!.GetValue<bool>());
        Assert.Equal("IMMUTABLE", mutability["imageTagMutability"]!.GetValue<string>());
        Assert.Equal("IMMUTABLE", described["repositories"]![0]!["imageTagMutability"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_lifecycle_policy_round_trips_and_an_invalid_one_is_refused()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "policies");

        Assert.Equal("LifecyclePolicyNotFoundException", await cloud.Cli.ErrorCodeAsync("ecr", "get-lifecycle-policy", "--repository-name", "policies"));
        var put = await cloud.Cli.JsonAsync("ecr", "put-lifecycle-policy", "--repository-name", "policies", "--lifecycle-policy-text", KeepTwoPolicy);
        var got = await cloud.Cli.JsonAsync("ecr", "get-lifecycle-policy", "--repository-name", "policies");
        var invalid = await cloud.Cli.ErrorCodeAsync("ecr", "put-lifecycle-policy", "--repository-name", "policies",
            "--lifecycle-policy-text", """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}""");

        Assert.Equal(KeepTwoPolicy, put["lifecyclePolicyText"]!.GetValue<string>());
        Assert.Equal(KeepTwoPolicy, got["lifecyclePolicyText"]!.GetValue<string>());
        Assert.Equal("InvalidParameterException", invalid);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task The_authorization_token_is_AWS_and_a_twelve_hour_password_for_the_local_registry()
    {
        await using var cloud = await TestCloud.StartAsync();

        var token = await cloud.Cli.JsonAsync("ecr", "get-authorization-token");
        var password = (await cloud.Cli.RunAsync("ecr", "get-login-password")).Stdout.Trim();

        var data = token["authorizationData"]![0]!;
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(data["authorizationToken"]!.GetValue<string>()));
        Assert.StartsWith("AWS:", decoded, StringComparison.Ordinal);
        Assert.Equal($"http://{cloud.Instance.RegistryHost}", data["proxyEndpoint"]!.GetValue<string>());
        // aws CLI v1 prints timestamps as sent on the wire (epoch seconds).
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((long)(data["expiresAt"]!.GetValue<double>() * 1000));
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(11.9), TimeSpan.FromHours(12.1));
        Assert.False(string.IsNullOrEmpty(password));
        using var registry = new RegistryClient(cloud.Instance.Endpoint, password);
        using var ping = await registry.Http.GetAsync("/v2/");
        Assert.Equal(System.Net.HttpStatusCode.OK, ping.StatusCode);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Describe_images_of_an_empty_repository_is_empty_and_of_a_missing_one_fails()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "empty");

        var images = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "empty");

        Assert.Empty(images["imageDetails"]!.AsArray());
        Assert.Equal("RepositoryNotFoundException", await cloud.Cli.ErrorCodeAsync("ecr", "describe-images", "--repository-name", "ghost"));
        Assert.Equal("ImageNotFoundException", await cloud.Cli.ErrorCodeAsync("ecr", "describe-images", "--repository-name", "empty", "--image-ids", "imageTag=nope"));
        cloud.AssertResponsesMatchBotocore();
    }

    internal static JsonObject? ImageByDigest(JsonObject describeImages, string digest) =>
        describeImages["imageDetails"]!.AsArray().OfType<JsonObject>().FirstOrDefault(i => i["imageDigest"]!.GetValue<string>() == digest);
}
