using System.Text.Json.Nodes;
using static Deploy.Delivery.Infra.CloudFormationJson;

namespace Deploy.Delivery.Infra;

/// <summary>
/// The platform's own deploy notifications (the pipeline also deploys without our build, on a push to CodeCommit):
/// EventBridge rules on the pipeline's executions and the service's deployments, with input transformers that write a
/// short message, publish to an encrypted SNS topic that only these rules may publish to; optionally an AWS Chatbot Slack
/// channel subscribed to it.
/// </summary>
public static partial class PlatformTemplate
{
    private const string NotificationKey = nameof(NotificationKey);
    private const string NotificationTopic = nameof(NotificationTopic);
    private const string NotificationTopicPolicy = nameof(NotificationTopicPolicy);
    private const string PipelineNotificationRule = nameof(PipelineNotificationRule);
    private const string PipelineFailureNotificationRule = nameof(PipelineFailureNotificationRule);
    private const string ServiceDeploymentNotificationRule = nameof(ServiceDeploymentNotificationRule);
    private const string ChatbotRole = nameof(ChatbotRole);
    private const string SlackChannel = nameof(SlackChannel);

    /// <summary>What ECS's reason starts with when its circuit breaker rolls a failed deployment back.</summary>
    private const string RollbackReasonPrefix = "ECS deployment circuit breaker: rolling back";

    private static readonly string[] NotificationRules = [PipelineNotificationRule, PipelineFailureNotificationRule, ServiceDeploymentNotificationRule];

    private static IEnumerable<KeyValuePair<string, JsonNode?>> NotificationResources(PlatformSettings settings)
    {
        // A customer managed key: SNS encrypts the topic with it, and its policy lets EventBridge use it. The AWS managed
        // aws/sns key cannot be used here: its policy cannot grant EventBridge, so EventBridge could not publish at all.
        yield return new(NotificationKey, new JsonObject
        {
            ["Type"] = "AWS::KMS::Key",
            ["DeletionPolicy"] = "Delete",
            ["UpdateReplacePolicy"] = "Delete",
            ["Properties"] = new JsonObject
            {
                ["Description"] = "Encrypts the deploy notification topic; EventBridge may use it to publish there.",
                ["EnableKeyRotation"] = true,
                ["PendingWindowInDays"] = 7,
                ["KeyPolicy"] = new JsonObject
                {
                    ["Version"] = "2012-10-17",
                    ["Statement"] = Items(
                        new JsonObject
                        {
                            // AWS's default key policy statement: the account administers the key through IAM policies.
                            ["Sid"] = "LetThisAccountAdministerTheKeyThroughIam",
                            ["Effect"] = "Allow",
                            ["Principal"] = new JsonObject { ["AWS"] = Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root") },
                            ["Action"] = "kms:*",
                            ["Resource"] = "*",
                        },
                        new JsonObject
                        {
                            ["Sid"] = "LetEventBridgePublishToTheEncryptedTopic",
                            ["Effect"] = "Allow",
                            ["Principal"] = new JsonObject { ["Service"] = "events.amazonaws.com" },
                            ["Action"] = Strings("kms:Decrypt", "kms:GenerateDataKey"),
                            ["Resource"] = "*",
                        }),
                },
            },
        });
        yield return new(NotificationTopic, Resource("AWS::SNS::Topic", new JsonObject
        {
            ["DisplayName"] = "Deploy notifications",
            ["KmsMasterKeyId"] = Ref(NotificationKey),
        }));
        yield return new(NotificationTopicPolicy, Resource("AWS::SNS::TopicPolicy", new JsonObject
        {
            ["Topics"] = Items(Ref(NotificationTopic)),
            ["PolicyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = Items(new JsonObject
                {
                    ["Sid"] = "OnlyThisPlatformsRulesPublish",
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["Service"] = "events.amazonaws.com" },
                    ["Action"] = "sns:Publish",
                    ["Resource"] = Ref(NotificationTopic),
                    ["Condition"] = new JsonObject
                    {
                        ["ArnEquals"] = new JsonObject { ["aws:SourceArn"] = Items(NotificationRules.Select(rule => (JsonNode)GetAtt(rule, "Arn"))) },
                    },
                }),
            },
        }));
        yield return new(PipelineNotificationRule, NotificationRule(
            "Tells the notification topic when a pipeline execution starts, succeeds or is superseded.",
            new JsonObject
            {
                ["source"] = Strings("aws.codepipeline"),
                ["detail-type"] = Strings("CodePipeline Pipeline Execution State Change"),
                ["resources"] = Items(Sub(PipelineArn)),
                ["detail"] = new JsonObject { ["state"] = Strings("STARTED", "SUCCEEDED", "SUPERSEDED") },
            },
            new JsonObject { ["pipeline"] = "$.detail.pipeline", ["execution"] = "$.detail.execution-id", ["state"] = "$.detail.state" },
            "<pipeline>: <state>",
            "Pipeline <pipeline>, execution <execution>: <state>."));
        // Failures come from the stage-level event: the pipeline-level one does not say which stage failed.
        yield return new(PipelineFailureNotificationRule, NotificationRule(
            "Tells the notification topic which stage of a pipeline execution failed.",
            new JsonObject
            {
                ["source"] = Strings("aws.codepipeline"),
                ["detail-type"] = Strings("CodePipeline Stage Execution State Change"),
                ["resources"] = Items(Sub(PipelineArn)),
                ["detail"] = new JsonObject { ["state"] = Strings("FAILED") },
            },
            new JsonObject { ["pipeline"] = "$.detail.pipeline", ["execution"] = "$.detail.execution-id", ["stage"] = "$.detail.stage" },
            "<pipeline>: FAILED in stage <stage>",
            "Pipeline <pipeline>, execution <execution>: FAILED in stage <stage>."));
        yield return new(ServiceDeploymentNotificationRule, NotificationRule(
            "Tells the notification topic when a deployment of the service fails or the circuit breaker rolls it back.",
            new JsonObject
            {
                ["source"] = Strings("aws.ecs"),
                ["detail-type"] = Strings("ECS Deployment State Change"),
                ["resources"] = Items(Sub(EcsArnPrefix + "service/${Cluster}/${ServiceName}")),
                ["detail"] = new JsonObject
                {
                    ["$or"] = Items(
                        new JsonObject { ["eventName"] = Strings("SERVICE_DEPLOYMENT_FAILED") },
                        new JsonObject
                        {
                            ["eventName"] = Strings("SERVICE_DEPLOYMENT_IN_PROGRESS"),
                            ["reason"] = Items(new JsonObject { ["prefix"] = RollbackReasonPrefix }),
                        }),
                },
            },
            new JsonObject { ["service"] = "$.resources[0]", ["deployment"] = "$.detail.deploymentId", ["event"] = "$.detail.eventName", ["reason"] = "$.detail.reason" },
            "<event>",
            "Service <service>, deployment <deployment>: <event>. <reason>"));

        if (settings.HasSlackChannel)
        {
            foreach (var resource in SlackChannelResources(settings))
            {
                yield return resource;
            }
        }
    }

    /// <summary>
    /// An AWS Chatbot channel subscribed to the topic. Its role grants nothing (the channel relays notifications, it runs
    /// no commands) and the guardrail caps it at read-only. The trust policy is Chatbot's documented one: AWS does not
    /// document a source condition that Chatbot satisfies, and one it did not would silence the channel.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, JsonNode?>> SlackChannelResources(PlatformSettings settings)
    {
        yield return new(ChatbotRole, Resource("AWS::IAM::Role", new JsonObject
        {
            ["Description"] = "AWS Chatbot's role for the deploy notification channel; it grants nothing, the channel only relays notifications.",
            ["AssumeRolePolicyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = Items(new JsonObject
                {
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["Service"] = "chatbot.amazonaws.com" },
                    ["Action"] = "sts:AssumeRole",
                }),
            },
        }));
        yield return new(SlackChannel, Resource("AWS::Chatbot::SlackChannelConfiguration", new JsonObject
        {
            ["ConfigurationName"] = Sub("${ServiceName}-deploys"),
            ["IamRoleArn"] = GetAtt(ChatbotRole, "Arn"),
            ["SlackWorkspaceId"] = settings.SlackWorkspaceId,
            ["SlackChannelId"] = settings.SlackChannelId,
            ["SnsTopicArns"] = Items(Ref(NotificationTopic)),
            ["GuardrailPolicies"] = Items(Sub("arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess")),
            ["UserRoleRequired"] = false,
            ["LoggingLevel"] = "ERROR",
        }));
    }

    /// <summary>
    /// A rule whose target is the topic, with an input transformer that writes AWS Chatbot's custom notification (Chatbot
    /// drops any other text): a title and one readable sentence, which an e-mail or HTTP subscriber reads as well.
    /// </summary>
    private static JsonObject NotificationRule(string description, JsonObject pattern, JsonObject paths, string title, string text) =>
        Resource("AWS::Events::Rule", new JsonObject
        {
            ["Description"] = description,
            ["State"] = "ENABLED",
            ["EventPattern"] = pattern,
            ["Targets"] = Items(new JsonObject
            {
                ["Id"] = "notify",
                ["Arn"] = Ref(NotificationTopic),
                ["InputTransformer"] = new JsonObject
                {
                    ["InputPathsMap"] = paths,
                    ["InputTemplate"] = Compact(new JsonObject
                    {
                        ["version"] = "1.0",
                        ["source"] = "custom",
                        ["content"] = new JsonObject
                        {
                            ["textType"] = "client-markdown",
                            ["title"] = title,
                            ["description"] = text,
                        },
                    }),
                },
            }),
        });
}
