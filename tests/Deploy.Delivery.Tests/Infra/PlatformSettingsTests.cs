using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

public sealed class PlatformSettingsTests
{
    [Fact]
    public void The_defaults_are_valid_and_are_the_documented_ones()
    {
        var settings = new PlatformSettings();

        Assert.Empty(settings.Validate());
        Assert.Equal("sample-service", settings.ServiceName);
        Assert.Equal(ImageTagMutability.Immutable, settings.TagMutability);
        Assert.Equal(new ImageLifecycle(30, 7), settings.Lifecycle);
        Assert.Equal(RepositoryEncryption.Aes256, settings.Encryption);
        Assert.True(settings.ContainerInsights);
        Assert.Equal((30, 8080, "0.0.0.0/0"), (settings.LogRetentionDays, settings.ServicePort, settings.LoadBalancerIngressCidr));
        Assert.Null(settings.VpcId);
        Assert.Empty(settings.SubnetIds);
        Assert.Equal(("sample-service", "main", "sample-service-pipeline"), (settings.CodeCommitRepositoryName, settings.Branch, settings.PipelineName));
        Assert.Equal(("BUILD_GENERAL1_SMALL", "aws/codebuild/standard:7.0"), (settings.BuildComputeType, settings.BuildImage));
    }

    [Fact]
    public void Names_derived_from_the_service_follow_it_unless_set()
    {
        var settings = new PlatformSettings { ServiceName = "billing" };

        Assert.Equal(("billing", "billing-pipeline"), (settings.CodeCommitRepositoryName, settings.PipelineName));
        Assert.Equal("mirror", (settings with { CodeCommitRepositoryName = "mirror" }).CodeCommitRepositoryName);
    }

    [Fact]
    public void A_retention_cloudwatch_does_not_accept_gives_one_clear_error()
    {
        var settings = new PlatformSettings { LogRetentionDays = 31 };

        var error = Assert.Single(settings.Validate());
        var thrown = Assert.Throws<PlatformSettingsException>(settings.EnsureValid);

        Assert.Equal(
            "LogRetentionDays is 31, which CloudWatch Logs does not accept; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.",
            error);
        Assert.Equal("Invalid platform settings: " + error, thrown.Message);
        Assert.Equal([error], thrown.Errors);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(14)]
    [InlineData(400)]
    [InlineData(3653)]
    public void Retentions_cloudwatch_accepts_are_valid(int days)
    {
        Assert.Empty(new PlatformSettings { LogRetentionDays = days }.Validate());
    }

    [Theory]
    [InlineData("Sample-Service")]
    [InlineData("sample--service")]
    [InlineData("sample.service")]
    [InlineData("-sample")]
    [InlineData("s")]
    public void A_service_name_that_cannot_name_the_repository_and_the_service_is_refused(string name)
    {
        Assert.Contains("ServiceName", Assert.Single(new PlatformSettings { ServiceName = name }.Validate()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::/0")]
    [InlineData("10.0.0.0/33")]
    [InlineData("anywhere")]
    public void An_ingress_that_is_not_an_ipv4_cidr_is_refused(string cidr)
    {
        Assert.Contains("LoadBalancerIngressCidr", Assert.Single(new PlatformSettings { LoadBalancerIngressCidr = cidr }.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_vpc_without_subnets_is_refused()
    {
        var error = Assert.Single(new PlatformSettings { VpcId = "vpc-0123456789abcdef0" }.Validate());

        Assert.Equal("Give both VpcId and SubnetIds, or neither (then the default VPC and its subnets are used).", error);
    }

    [Fact]
    public void One_subnet_or_a_malformed_id_is_refused()
    {
        var errors = new PlatformSettings { VpcId = "vpc-12345678", SubnetIds = ["subnet-12345678"] }.Validate();
        var malformed = new PlatformSettings { VpcId = "vpc-12345678", SubnetIds = ["subnet-12345678", "subnet-XYZ"] }.Validate();

        Assert.Contains("at least two", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Contains("'subnet-XYZ'", Assert.Single(malformed), StringComparison.Ordinal);
    }

    [Fact]
    public void A_kms_key_with_aes256_encryption_is_refused_and_kms_without_a_key_is_fine()
    {
        Assert.Single(new PlatformSettings { Encryption = new RepositoryEncryption(RepositoryEncryptionType.Aes256, "alias/x") }.Validate());
        Assert.Empty(new PlatformSettings { Encryption = RepositoryEncryption.Kms() }.Validate());
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var settings = new PlatformSettings
        {
            ServicePort = 0,
            Lifecycle = new ImageLifecycle(0, 0),
            BuildComputeType = "BUILD_LAMBDA_1GB",
            Branch = "bad branch",
            PipelineName = "no spaces allowed",
        };

        var error = Assert.Throws<PlatformSettingsException>(settings.EnsureValid);

        Assert.Equal(6, error.Errors.Count);
        Assert.StartsWith("Invalid platform settings (6 problems):", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("T0123ABCD", null, "Give both SlackWorkspaceId and SlackChannelId, or neither")]
    [InlineData(null, "C0123ABCD", "Give both SlackWorkspaceId and SlackChannelId, or neither")]
    [InlineData("t0123abcd", "C0123ABCD", "SlackWorkspaceId 't0123abcd' is not a Slack workspace (team) id such as T0123ABCD")]
    [InlineData("T0123ABCD", "#deploys", "SlackChannelId '#deploys' is not a Slack channel id such as C0123ABCD")]
    public void Slack_ids_come_both_or_neither_and_as_slack_shows_them(string? workspace, string? channel, string error)
    {
        var settings = new PlatformSettings { SlackWorkspaceId = workspace, SlackChannelId = channel };

        Assert.StartsWith(error, Assert.Single(settings.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void Both_slack_ids_are_valid_and_ask_for_the_chatbot_channel_unless_the_service_name_is_too_long_to_name_it()
    {
        var settings = new PlatformSettings { SlackWorkspaceId = "T0123ABCD", SlackChannelId = "C0123ABCD" };

        Assert.Empty(settings.Validate());
        Assert.True(settings.HasSlackChannel);
        var tooLong = settings with { ServiceName = new string('a', 121), CodeCommitRepositoryName = "mirror", PipelineName = "delivery" };
        Assert.Contains("at most 120", Assert.Single(tooLong.Validate()), StringComparison.Ordinal);
        Assert.Empty((tooLong with { ServiceName = new string('a', 120) }).Validate());
    }

    [Fact]
    public void Problems_name_the_settings_as_the_caller_names_them()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["LogRetentionDays"] = "--log-retention-days", ["LoadBalancerIngressCidr"] = "--ingress-cidr" };
        var settings = new PlatformSettings { LogRetentionDays = 31, LoadBalancerIngressCidr = "10.0.0.0", SettingNames = names };

        var errors = settings.Validate();

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("--log-retention-days is 31, which CloudWatch Logs does not accept", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("--ingress-cidr '10.0.0.0' is not an IPv4 CIDR block", errors[1], StringComparison.Ordinal);
        Assert.DoesNotContain(errors, e => e.Contains("LogRetentionDays", StringComparison.Ordinal) || e.Contains("LoadBalancerIngressCidr", StringComparison.Ordinal));
    }
}
