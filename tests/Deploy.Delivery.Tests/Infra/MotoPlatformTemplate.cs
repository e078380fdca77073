using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>
/// The platform template without what moto's CloudFormation cannot create (CodeCommit, CodeBuild, CodePipeline; moto
/// 5.2.1 skips those types, and everything referring to them then fails), nor the notifications, whose rules refer to the
/// pipeline. The outputs those resources gave are literals here, so the outputs stay complete.
/// </summary>
internal static class MotoPlatformTemplate
{
    private static readonly string[] Unsupported =
    [
        "SourceRepository", "BuildProject", "Pipeline", "PipelineRole", "PipelineTriggerRole", "PipelineTriggerRule",
        "NotificationKey", "NotificationTopic", "NotificationTopicPolicy", "PipelineNotificationRule", "PipelineFailureNotificationRule",
        "ServiceDeploymentNotificationRule", "ChatbotRole", "SlackChannel",
    ];

    private static readonly string[] MotoTypes =
    [
        "AWS::ECR::Repository", "AWS::ECS::Cluster", "AWS::Logs::LogGroup", "AWS::IAM::Role", "AWS::EC2::SecurityGroup",
        "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::S3::Bucket",
    ];

    public static string Render(PlatformSettings settings)
    {
        var template = PlatformTemplate.Build(settings);
        var resources = template["Resources"]!.AsObject();
        foreach (var id in Unsupported)
        {
            resources.Remove(id);
        }

        var left = resources.Select(r => (string)r.Value!["Type"]!).Where(t => !MotoTypes.Contains(t)).ToList();
        if (left.Count > 0)
        {
            throw new InvalidOperationException("The template gained types moto may not support: " + string.Join(", ", left));
        }

        var outputs = template["Outputs"]!.AsObject();
        outputs[PlatformOutputNames.PipelineName]!["Value"] = settings.PipelineName;
        outputs[PlatformOutputNames.CodeCommitCloneUrlHttp]!["Value"] = $"https://git-codecommit.us-east-1.amazonaws.com/v1/repos/{settings.CodeCommitRepositoryName}";
        outputs[PlatformOutputNames.PipelineTriggerRuleName]!["Value"] = "platform-PipelineTriggerRule-MOTO";
        outputs[PlatformOutputNames.NotificationTopicArn]!["Value"] = "arn:aws:sns:us-east-1:123456789012:platform-NotificationTopic-MOTO";
        return CloudFormationJson.Indented(template);
    }

    public static int ResourceCount(PlatformSettings settings) => PlatformTemplate.Build(settings)["Resources"]!.AsObject().Count(r => !Unsupported.Contains(r.Key));
}
