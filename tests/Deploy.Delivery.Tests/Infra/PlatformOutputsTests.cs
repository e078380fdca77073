using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

public sealed class PlatformOutputsTests
{
    private static Dictionary<string, string> StackOutputs() => new(StringComparer.Ordinal)
    {
        ["RepositoryUri"] = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service",
        ["RepositoryName"] = "sample-service",
        ["ClusterName"] = "sample-service",
        ["LogGroupName"] = "/ecs/sample-service",
        ["TaskExecutionRoleArn"] = "arn:aws:iam::123456789012:role/platform-TaskExecutionRole-ABC",
        ["TaskRoleArn"] = "arn:aws:iam::123456789012:role/platform-TaskRole-DEF",
        ["ServiceSecurityGroupId"] = "sg-0123456789abcdef0",
        ["SubnetIds"] = "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
        ["TargetGroupArn"] = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/platf-Targe-XYZ/0123456789abcdef",
        ["LoadBalancerUrl"] = "http://platf-LoadB-123.eu-west-1.elb.amazonaws.com",
        ["PipelineName"] = "sample-service-pipeline",
        ["CodeCommitCloneUrlHttp"] = "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/sample-service",
        ["ArtifactBucketName"] = "platform-artifactbucket-1a2b3c",
        ["ServiceName"] = "sample-service",
        ["PipelineTriggerRuleName"] = "platform-PipelineTriggerRule-1A2B3C4D",
        ["NotificationTopicArn"] = "arn:aws:sns:eu-west-1:123456789012:platform-NotificationTopic-1A2B3C4D",
    };

    [Fact]
    public void Reads_every_output_into_its_typed_value()
    {
        var outputs = PlatformOutputs.Parse(StackOutputs());

        Assert.Equal("123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service", outputs.RepositoryUri);
        Assert.Equal(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], outputs.SubnetIds);
        Assert.Equal(new Uri("http://platf-LoadB-123.eu-west-1.elb.amazonaws.com"), outputs.LoadBalancerUrl);
        Assert.Equal("git-codecommit.eu-west-1.amazonaws.com", outputs.CodeCommitCloneUrlHttp.Host);
        Assert.Equal("/ecs/sample-service", outputs.LogGroupName);
        Assert.Equal("sample-service", outputs.ServiceName);
        Assert.Equal("sample-service-pipeline", outputs.PipelineName);
        Assert.Equal("platform-PipelineTriggerRule-1A2B3C4D", outputs.PipelineTriggerRuleName);
        Assert.Equal("arn:aws:sns:eu-west-1:123456789012:platform-NotificationTopic-1A2B3C4D", outputs.NotificationTopicArn);
    }

    [Fact]
    public void A_stack_provisioned_before_the_trigger_rule_and_the_notification_topic_became_outputs_still_parses_without_them()
    {
        var stack = StackOutputs();
        stack.Remove("PipelineTriggerRuleName");
        stack.Remove("NotificationTopicArn");

        var outputs = PlatformOutputs.Parse(stack);

        Assert.Null(outputs.PipelineTriggerRuleName);
        Assert.Null(outputs.NotificationTopicArn);
        Assert.Equal("sample-service-pipeline", outputs.PipelineName);
    }

    [Fact]
    public void Outputs_it_does_not_know_are_ignored()
    {
        var stack = StackOutputs();
        stack["SomethingElse"] = "x";

        Assert.Equal("sg-0123456789abcdef0", PlatformOutputs.Parse(stack).ServiceSecurityGroupId);
    }

    [Fact]
    public void Missing_outputs_are_all_named_in_one_error_that_says_what_to_do()
    {
        var stack = StackOutputs();
        stack.Remove("TargetGroupArn");
        stack.Remove("ClusterName");

        var error = Assert.Throws<PlatformOutputsException>(() => PlatformOutputs.Parse(stack));

        Assert.Equal(["ClusterName", "TargetGroupArn"], error.Missing);
        Assert.StartsWith("The platform stack is missing the outputs ClusterName, TargetGroupArn (it needs RepositoryUri, ", error.Message, StringComparison.Ordinal);
        Assert.Contains("run ProvisionInfra", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_output_counts_as_missing()
    {
        var stack = StackOutputs();
        stack["RepositoryUri"] = " ";

        var error = Assert.Throws<PlatformOutputsException>(() => PlatformOutputs.Parse(stack));

        Assert.Equal(["RepositoryUri"], error.Missing);
        Assert.StartsWith("The platform stack is missing the output RepositoryUri ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_that_is_not_http_is_reported_with_its_output_name()
    {
        var stack = StackOutputs();
        stack["LoadBalancerUrl"] = "not a url";
        stack["SubnetIds"] = ",";

        var error = Assert.Throws<PlatformOutputsException>(() => PlatformOutputs.Parse(stack));

        Assert.Empty(error.Missing);
        Assert.Equal(["LoadBalancerUrl 'not a url' is not an http(s) URL", "SubnetIds ',' lists no subnet"], error.Malformed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_reader_expects_exactly_the_outputs_the_template_declares()
    {
        var declared = Templates.Parsed(nameof(Templates.Default))["Outputs"]!.AsObject().Select(o => o.Key);

        Assert.Equal(declared.Order(StringComparer.Ordinal), StackOutputs().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(PlatformOutputNames.All, declared);
    }
}
