namespace Deploy.Aws.Tests.Core;

public sealed class EndpointTests
{
    private static Dictionary<string, string?> Env(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);

    [Theory]
    [InlineData("ECS", "eu-west-1", "https://ecs.eu-west-1.amazonaws.com/")]
    [InlineData("ECR", "eu-west-1", "https://api.ecr.eu-west-1.amazonaws.com/")]
    [InlineData("CloudWatch Logs", "us-east-2", "https://logs.us-east-2.amazonaws.com/")]
    [InlineData("IAM", "eu-central-1", "https://iam.amazonaws.com/")]
    [InlineData("STS", "eu-central-1", "https://sts.eu-central-1.amazonaws.com/")]
    [InlineData("ECS", "cn-north-1", "https://ecs.cn-north-1.amazonaws.com.cn/")]
    [InlineData("IAM", "cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/")]
    public void Without_overrides_each_service_uses_its_standard_regional_or_global_endpoint(string serviceId, string region, string expected)
    {
        var service = AwsService.All.Single(s => s.ServiceId == serviceId);

        Assert.Equal(new Uri(expected), AwsEndpoints.Resolve(service, region, Env()));
    }

    [Fact]
    public void The_service_specific_variable_beats_the_generic_one_and_the_profile()
    {
        var env = Env(("AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:4000"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));

        Assert.Equal(new Uri("http://127.0.0.1:4000"), AwsEndpoints.Resolve(AwsService.Ecs, "us-east-1", env, "http://profile:1"));
    }

    [Fact]
    public void The_generic_variable_beats_the_profile_endpoint()
    {
        var env = Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_ENDPOINT_URL_ECR", "http://ecr-only:1"));

        Assert.Equal(new Uri("http://127.0.0.1:5000"), AwsEndpoints.Resolve(AwsService.Ecs, "us-east-1", env, "http://profile:1"));
    }

    [Fact]
    public void The_profile_endpoint_beats_the_standard_endpoint()
    {
        Assert.Equal(new Uri("http://profile:1"), AwsEndpoints.Resolve(AwsService.Iam, "us-east-1", Env(), "http://profile:1"));
    }

    [Fact]
    public void Service_ids_with_spaces_name_their_variable_with_underscores()
    {
        var env = Env(("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://logs.local:9"));

        Assert.Equal("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", AwsService.Logs.EndpointVariable);
        Assert.Equal(new Uri("http://logs.local:9"), AwsEndpoints.Resolve(AwsService.Logs, "us-east-1", env));
    }

    [Fact]
    public void Ignoring_configured_endpoints_falls_back_to_the_standard_endpoint()
    {
        var env = Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

        Assert.Equal(new Uri("https://ecs.us-east-1.amazonaws.com/"), AwsEndpoints.Resolve(AwsService.Ecs, "us-east-1", env, "http://profile:1"));
    }

    [Fact]
    public void Empty_variables_count_as_unset()
    {
        var env = Env(("AWS_ENDPOINT_URL_ECS", " "), ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));

        Assert.Equal(new Uri("http://127.0.0.1:5000"), AwsEndpoints.Resolve(AwsService.Ecs, "us-east-1", env));
    }

    [Fact]
    public void A_malformed_override_is_reported_with_the_service()
    {
        var env = Env(("AWS_ENDPOINT_URL", "not a url"));

        var error = Assert.Throws<ArgumentException>(() => AwsEndpoints.Resolve(AwsService.Ecr, "us-east-1", env));
        Assert.Contains("ECR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_session_region_comes_from_AWS_REGION_before_AWS_DEFAULT_REGION()
    {
        var env = Env(("AWS_REGION", "eu-west-3"), ("AWS_DEFAULT_REGION", "ap-south-1"));

        using var session = AwsSession.Create(new AwsSessionOptions { Environment = env, Credentials = FakeSessions.Credentials });

        Assert.Equal("eu-west-3", session.Region);
    }

    [Fact]
    public void The_session_region_falls_back_to_AWS_DEFAULT_REGION()
    {
        var env = Env(("AWS_DEFAULT_REGION", "ap-south-1"));

        using var session = AwsSession.Create(new AwsSessionOptions { Environment = env, Credentials = FakeSessions.Credentials });

        Assert.Equal("ap-south-1", session.Region);
        Assert.Equal(new Uri("https://api.ecr.ap-south-1.amazonaws.com/"), session.EndpointFor(AwsService.Ecr));
    }

    [Fact]
    public void The_session_routes_calls_to_the_endpoint_from_its_environment()
    {
        var env = Env(("AWS_ENDPOINT_URL_CODEPIPELINE", "http://127.0.0.1:7777"));

        using var session = new AwsSession(new AwsSessionOptions { Region = "us-east-1", Credentials = FakeSessions.Credentials, Environment = env });

        Assert.Equal(new Uri("http://127.0.0.1:7777"), session.EndpointFor(AwsService.CodePipeline));
        Assert.Equal(new Uri("https://codebuild.us-east-1.amazonaws.com/"), session.EndpointFor(AwsService.CodeBuild));
    }
}
