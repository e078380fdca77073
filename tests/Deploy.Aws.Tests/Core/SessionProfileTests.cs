namespace Deploy.Aws.Tests.Core;

public sealed class SessionProfileTests : IDisposable
{
    private readonly string credentialsFile = Path.Combine(Path.GetTempPath(), $"deploy-aws-{Guid.NewGuid():N}.ini");

    public SessionProfileTests() => File.WriteAllText(credentialsFile, """
        [dev]
        aws_access_key_id = AKIADEVEXAMPLE
        aws_secret_access_key = dev-secret
        region = eu-north-1
        endpoint_url = http://127.0.0.1:4566

        [plain]
        aws_access_key_id = AKIAPLAINEXAMPLE
        aws_secret_access_key = plain-secret
        """);

    public void Dispose() => File.Delete(credentialsFile);

    private AwsSession Create(string? profile, params (string Key, string Value)[] environment) => AwsSession.Create(new AwsSessionOptions
    {
        Profile = profile,
        ProfilesLocation = credentialsFile,
        Environment = environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal),
    });

    [Fact]
    public async Task A_named_profile_supplies_credentials_region_and_endpoint()
    {
        using var session = Create("dev");

        Assert.Equal("AKIADEVEXAMPLE", (await session.GetCredentialsAsync()).AccessKey);
        Assert.Equal("eu-north-1", session.Region);
        Assert.Equal(new Uri("http://127.0.0.1:4566"), session.EndpointFor(AwsService.Ecs));
    }

    [Fact]
    public void Environment_region_and_endpoint_variables_beat_the_profile()
    {
        using var session = Create("dev", ("AWS_REGION", "ap-southeast-2"), ("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:5000"));

        Assert.Equal("ap-southeast-2", session.Region);
        Assert.Equal(new Uri("http://127.0.0.1:5000"), session.EndpointFor(AwsService.Ecr));
        Assert.Equal(new Uri("http://127.0.0.1:4566"), session.EndpointFor(AwsService.Ecs));
    }

    [Fact]
    public void AWS_PROFILE_selects_the_profile_for_region_and_endpoint()
    {
        using var session = AwsSession.Create(new AwsSessionOptions
        {
            ProfilesLocation = credentialsFile,
            Credentials = FakeSessions.Credentials,
            Environment = new Dictionary<string, string?> { ["AWS_PROFILE"] = "dev" },
        });

        Assert.Equal("eu-north-1", session.Region);
        Assert.Equal(new Uri("http://127.0.0.1:4566"), session.EndpointFor(AwsService.Logs));
    }

    [Fact]
    public void A_profile_without_region_or_endpoint_uses_the_environment_region_and_standard_endpoints()
    {
        using var session = Create("plain", ("AWS_DEFAULT_REGION", "us-west-2"));

        Assert.Equal("us-west-2", session.Region);
        Assert.Equal(new Uri("https://logs.us-west-2.amazonaws.com/"), session.EndpointFor(AwsService.Logs));
    }

    [Fact]
    public void A_missing_named_profile_is_reported_by_name()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Create("nope"));

        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_keys_and_a_region_given_the_profile_is_read_only_when_an_endpoint_is_first_needed()
    {
        // Mirror's session only signs a git password: it must not pay for reading the config files.
        var later = Path.Combine(Path.GetTempPath(), $"deploy-aws-{Guid.NewGuid():N}.ini");
        try
        {
            using var session = AwsSession.Create(new AwsSessionOptions
            {
                ProfilesLocation = later,
                Credentials = FakeSessions.Credentials,
                Environment = new Dictionary<string, string?> { ["AWS_PROFILE"] = "dev", ["AWS_REGION"] = "ap-southeast-2" },
            });
            Assert.Equal("ap-southeast-2", session.Region);
            Assert.Equal("AKIDEXAMPLE", (await session.GetCredentialsAsync()).AccessKey);

            File.Copy(credentialsFile, later);

            Assert.Equal(new Uri("http://127.0.0.1:4566"), session.EndpointFor(AwsService.Logs));
            Assert.Equal("http://127.0.0.1:4566", session.Options.ProfileEndpointUrl);
            Assert.Equal("ap-southeast-2", session.Region);
        }
        finally
        {
            File.Delete(later);
        }
    }

    [Fact]
    public void With_keys_and_a_region_given_a_profile_without_endpoint_leaves_the_standard_endpoint()
    {
        using var session = AwsSession.Create(new AwsSessionOptions
        {
            ProfilesLocation = credentialsFile,
            Credentials = FakeSessions.Credentials,
            Environment = new Dictionary<string, string?> { ["AWS_PROFILE"] = "plain", ["AWS_DEFAULT_REGION"] = "us-west-2" },
        });

        Assert.Equal(new Uri("https://logs.us-west-2.amazonaws.com/"), session.EndpointFor(AwsService.Logs));
        Assert.Null(session.Options.ProfileEndpointUrl);
    }
}
