using System.Text.Json.Nodes;
using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>The first step of a drift repair, on the real platform template: the deleted resources go, nothing else changes.</summary>
public sealed class DriftRepairTemplateTests
{
    private static readonly Dictionary<string, string> Outputs = new(StringComparer.Ordinal)
    {
        [PlatformOutputNames.RepositoryUri] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service",
        [PlatformOutputNames.LoadBalancerUrl] = "http://platform-alb-123.us-east-1.elb.amazonaws.com",
    };

    [Fact]
    public void Removing_the_repository_and_cluster_writes_their_name_ARN_and_URI_where_others_used_them()
    {
        var template = Templates.Parsed(nameof(Templates.Default));
        DeletedResource[] deleted = [new("Repository", "AWS::ECR::Repository", "sample-service"), new("Cluster", "AWS::ECS::Cluster", "sample-service")];

        var stepOne = DriftRepairTemplate.StepOne(template, deleted, Outputs);
        var text = stepOne.ToJsonString();

        Assert.False(stepOne["Resources"]!.AsObject().ContainsKey("Repository"));
        Assert.False(stepOne["Resources"]!.AsObject().ContainsKey("Cluster"));
        Assert.Equal(template["Resources"]!.AsObject().Count - 2, stepOne["Resources"]!.AsObject().Count);
        Assert.DoesNotContain("\"Repository\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("${Cluster}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Cluster\"", text, StringComparison.Ordinal);
        // GetAtt Arn became the ARN AWS documents, written with pseudo parameters so CloudFormation fills account and region.
        Assert.Contains("{\"Fn::Sub\":\"arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/sample-service\"}", text, StringComparison.Ordinal);
        // GetAtt RepositoryUri came from the stack's output of the same value.
        Assert.Equal(Outputs[PlatformOutputNames.RepositoryUri], stepOne["Outputs"]![PlatformOutputNames.RepositoryUri]!["Value"]!.GetValue<string>());
        Assert.Contains("service/sample-service/${ServiceName}", text, StringComparison.Ordinal);
        Assert.Equal("sample-service", stepOne["Resources"]!["Pipeline"]!["Properties"]!["Stages"]![2]!["Actions"]![0]!["Configuration"]!["ClusterName"]!.GetValue<string>());
    }

    [Fact]
    public void A_load_balancers_DNS_name_is_read_back_from_the_output_that_wraps_it_in_a_URL()
    {
        var template = Templates.Parsed(nameof(Templates.Default));
        DeletedResource[] deleted = [new("LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1")];

        var stepOne = DriftRepairTemplate.StepOne(template, deleted, Outputs);

        Assert.Equal("http://platform-alb-123.us-east-1.elb.amazonaws.com", stepOne["Outputs"]![PlatformOutputNames.LoadBalancerUrl]!["Value"]!["Fn::Sub"]!.GetValue<string>());
        Assert.Equal(deleted[0].PhysicalId, stepOne["Resources"]!["Listener"]!["Properties"]!["LoadBalancerArn"]!.GetValue<string>());
    }

    [Fact]
    public void An_attribute_only_the_deleted_resource_knew_stops_the_repair_naming_who_needs_it()
    {
        var template = new JsonObject
        {
            ["Resources"] = new JsonObject
            {
                ["Queue"] = new JsonObject { ["Type"] = "AWS::SQS::Queue" },
                ["User"] = new JsonObject
                {
                    ["Type"] = "AWS::Logs::LogGroup",
                    ["DependsOn"] = new JsonArray("Queue"),
                    ["Properties"] = new JsonObject { ["LogGroupName"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("Queue", "QueueName") } },
                },
            },
        };

        var error = Assert.Throws<DriftRepairException>(() => DriftRepairTemplate.StepOne(template, [new("Queue", "AWS::SQS::Queue", "https://sqs/q")], Outputs));

        Assert.Equal("User uses Queue.QueueName, which only the deleted Queue knew", error.Message);
    }
}
