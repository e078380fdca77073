using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

public sealed class PlatformTemplateTests
{
    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void Rendering_twice_gives_the_same_bytes(string variant)
    {
        var settings = Templates.Settings(variant);

        Assert.Equal(PlatformTemplate.Render(settings), PlatformTemplate.Render(settings with { }));
    }

    [Fact]
    public void Writing_creates_the_folder_and_rewrites_nothing_when_the_template_is_unchanged()
    {
        var root = Directory.CreateTempSubdirectory("platform-write-").FullName;
        try
        {
            var path = Path.Combine(root, PlatformTemplate.DefaultRelativePath);

            Assert.True(PlatformTemplate.Write(Templates.Default, path));
            var first = File.ReadAllBytes(path);
            Assert.False(PlatformTemplate.Write(Templates.Default, path));
            Assert.Equal(first, File.ReadAllBytes(path));
            Assert.Equal(Encoding.UTF8.GetBytes(PlatformTemplate.Render(Templates.Default)), first);
            Assert.True(PlatformTemplate.Write(Templates.ExplicitNetworkWithKms, path));
            Assert.Equal(["template.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_template_goes_to_artifacts_infra_template_json()
    {
        Assert.Equal("artifacts/infra/template.json", PlatformTemplate.DefaultRelativePath);
    }

    [Fact]
    public void The_text_has_two_space_indentation_lf_line_ends_a_trailing_newline_and_no_bom()
    {
        var text = PlatformTemplate.Render(Templates.Default);

        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.False(text.EndsWith("\n\n", StringComparison.Ordinal));
        Assert.NotEqual('\uFEFF', text[0]);
        Assert.StartsWith("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Description\": ", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n').Where(l => l.Length > 0), line => Assert.Equal(0, (line.Length - line.TrimStart(' ').Length) % 2));
        Assert.Contains("\"Type\": \"List<AWS::EC2::Subnet::Id>\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_and_resources_come_in_a_fixed_order()
    {
        var template = Templates.Parsed(nameof(Templates.Default));

        Assert.Equal(["AWSTemplateFormatVersion", "Description", "Parameters", "Resources", "Outputs"], template.Select(p => p.Key));
        Assert.Equal(
            [
                "Repository", "Cluster", "ServiceLogGroup", "TaskExecutionRole", "TaskRole", "LoadBalancerSecurityGroup",
                "ServiceSecurityGroup", "LoadBalancer", "TargetGroup", "Listener", "ArtifactBucket", "SourceRepository",
                "BuildLogGroup", "BuildRole", "BuildProject", "PipelineRole", "Pipeline", "PipelineTriggerRole", "PipelineTriggerRule",
                "NotificationKey", "NotificationTopic", "NotificationTopicPolicy", "PipelineNotificationRule", "PipelineFailureNotificationRule",
                "ServiceDeploymentNotificationRule",
            ],
            template["Resources"]!.AsObject().Select(r => r.Key));
    }

    [Theory]
    [InlineData(nameof(Templates.Default), "IMMUTABLE", "{\"EncryptionType\":\"AES256\"}")]
    [InlineData(nameof(Templates.ExplicitNetworkWithKms), "MUTABLE", "{\"EncryptionType\":\"KMS\",\"KmsKey\":\"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\"}")]
    public void The_repository_scans_on_push_with_the_chosen_tag_mutability_and_encryption(string variant, string mutability, string encryption)
    {
        var repository = Templates.Properties(Templates.Parsed(variant), "Repository");

        Assert.Equal("{\"Ref\":\"ServiceName\"}", repository["RepositoryName"]!.ToJsonString());
        Assert.True((bool)repository["ImageScanningConfiguration"]!["ScanOnPush"]!);
        Assert.Equal(mutability, (string?)repository["ImageTagMutability"]);
        Assert.Equal(encryption, repository["EncryptionConfiguration"]!.ToJsonString());
        Assert.Equal(EcrLifecyclePolicy.Render(Templates.Settings(variant).Lifecycle.Rules), (string?)repository["LifecyclePolicy"]!["LifecyclePolicyText"]);
    }

    [Theory]
    [InlineData(nameof(Templates.Default), "enabled", 30)]
    [InlineData(nameof(Templates.ExplicitNetworkWithKms), "disabled", 90)]
    public void The_cluster_and_the_log_groups_follow_the_settings(string variant, string insights, int retention)
    {
        var template = Templates.Parsed(variant);

        Assert.Equal($"[{{\"Name\":\"containerInsights\",\"Value\":\"{insights}\"}}]", Templates.Properties(template, "Cluster")["ClusterSettings"]!.ToJsonString());
        Assert.Equal("{\"Fn::Sub\":\"/ecs/${ServiceName}\"}", Templates.Properties(template, "ServiceLogGroup")["LogGroupName"]!.ToJsonString());
        Assert.Equal(retention, (int)Templates.Properties(template, "ServiceLogGroup")["RetentionInDays"]!);
        Assert.Equal(retention, (int)Templates.Properties(template, "BuildLogGroup")["RetentionInDays"]!);
    }

    [Theory]
    [InlineData(nameof(Templates.Default), "0.0.0.0/0", 8080)]
    [InlineData(nameof(Templates.ExplicitNetworkWithKms), "203.0.113.0/24", 5000)]
    public void The_load_balancer_takes_http_from_the_cidr_and_only_it_reaches_the_service_port(string variant, string cidr, int port)
    {
        var template = Templates.Parsed(variant);
        var lbIngress = Assert.Single(Templates.Properties(template, "LoadBalancerSecurityGroup")["SecurityGroupIngress"]!.AsArray())!;
        var serviceIngress = Assert.Single(Templates.Properties(template, "ServiceSecurityGroup")["SecurityGroupIngress"]!.AsArray())!;

        Assert.Equal((80, 80, cidr), ((int)lbIngress["FromPort"]!, (int)lbIngress["ToPort"]!, (string?)lbIngress["CidrIp"]));
        Assert.Equal((port, port), ((int)serviceIngress["FromPort"]!, (int)serviceIngress["ToPort"]!));
        Assert.Equal("{\"Fn::GetAtt\":[\"LoadBalancerSecurityGroup\",\"GroupId\"]}", serviceIngress["SourceSecurityGroupId"]!.ToJsonString());
        Assert.False(serviceIngress.AsObject().ContainsKey("CidrIp"));
    }

    [Theory]
    [InlineData(nameof(Templates.Default), 8080)]
    [InlineData(nameof(Templates.ExplicitNetworkWithKms), 5000)]
    public void An_internet_facing_application_load_balancer_forwards_port_80_to_ip_targets_checked_on_health(string variant, int port)
    {
        var template = Templates.Parsed(variant);
        var loadBalancer = Templates.Properties(template, "LoadBalancer");
        var targetGroup = Templates.Properties(template, "TargetGroup");
        var listener = Templates.Properties(template, "Listener");

        Assert.Equal(("application", "internet-facing"), ((string?)loadBalancer["Type"], (string?)loadBalancer["Scheme"]));
        Assert.Equal("{\"Ref\":\"SubnetIds\"}", loadBalancer["Subnets"]!.ToJsonString());
        Assert.Equal(("ip", "HTTP", port, "/health"), ((string?)targetGroup["TargetType"], (string?)targetGroup["Protocol"], (int)targetGroup["Port"]!, (string?)targetGroup["HealthCheckPath"]));
        Assert.Equal("{\"Ref\":\"VpcId\"}", targetGroup["VpcId"]!.ToJsonString());
        Assert.Equal((80, "HTTP"), ((int)listener["Port"]!, (string?)listener["Protocol"]));
        Assert.Equal("[{\"Type\":\"forward\",\"TargetGroupArn\":{\"Ref\":\"TargetGroup\"}}]", listener["DefaultActions"]!.ToJsonString());
    }

    [Fact]
    public void The_artifact_bucket_is_encrypted_private_and_versioned()
    {
        var bucket = Templates.Properties(Templates.Parsed(nameof(Templates.Default)), "ArtifactBucket");

        Assert.Equal("AES256", (string?)bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]);
        Assert.Equal(
            "{\"BlockPublicAcls\":true,\"BlockPublicPolicy\":true,\"IgnorePublicAcls\":true,\"RestrictPublicBuckets\":true}",
            bucket["PublicAccessBlockConfiguration"]!.ToJsonString());
        Assert.Equal("Enabled", (string?)bucket["VersioningConfiguration"]!["Status"]);
        Assert.False(bucket.ContainsKey("BucketName"));
    }

    [Theory]
    [InlineData(nameof(Templates.Default), "BUILD_GENERAL1_SMALL")]
    [InlineData(nameof(Templates.ExplicitNetworkWithKms), "BUILD_GENERAL1_MEDIUM")]
    public void The_build_project_runs_privileged_with_the_buildspec_of_the_source(string variant, string computeType)
    {
        var project = Templates.Properties(Templates.Parsed(variant), "BuildProject");
        var environment = project["Environment"]!;

        Assert.Equal("{\"Type\":\"CODEPIPELINE\",\"BuildSpec\":\"buildspec.yml\"}", project["Source"]!.ToJsonString());
        Assert.Equal("{\"Type\":\"CODEPIPELINE\"}", project["Artifacts"]!.ToJsonString());
        Assert.True((bool)environment["PrivilegedMode"]!);
        Assert.Equal(("aws/codebuild/standard:7.0", computeType), ((string?)environment["Image"], (string?)environment["ComputeType"]));
        Assert.Equal(
            ["AWS_ACCOUNT_ID", "PLATFORM_STACK_NAME", "REPOSITORY_URI", "SERVICE_NAME"],
            environment["EnvironmentVariables"]!.AsArray().Select(v => (string)v!["Name"]!));
        Assert.Equal("{\"Status\":\"ENABLED\",\"GroupName\":{\"Ref\":\"BuildLogGroup\"}}", project["LogsConfig"]!["CloudWatchLogs"]!.ToJsonString());
    }

    [Theory]
    [InlineData(nameof(Templates.Default), "main")]
    [InlineData(nameof(Templates.ExplicitNetworkWithKms), "release")]
    public void The_pipeline_goes_from_the_codecommit_branch_through_codebuild_to_the_ecs_service(string variant, string branch)
    {
        var pipeline = Templates.Properties(Templates.Parsed(variant), "Pipeline");
        var actions = pipeline["Stages"]!.AsArray().Select(s => (Stage: (string)s!["Name"]!, Action: Assert.Single(s["Actions"]!.AsArray())!)).ToList();

        Assert.Equal("{\"Type\":\"S3\",\"Location\":{\"Ref\":\"ArtifactBucket\"}}", pipeline["ArtifactStore"]!.ToJsonString());
        Assert.Equal(
            ["Source:CodeCommit", "Build:CodeBuild", "Deploy:ECS"],
            actions.Select(a => $"{a.Stage}:{a.Action["ActionTypeId"]!["Provider"]}"));
        Assert.Equal(
            $"{{\"RepositoryName\":{{\"Fn::GetAtt\":[\"SourceRepository\",\"Name\"]}},\"BranchName\":\"{branch}\",\"PollForSourceChanges\":false}}",
            actions[0].Action["Configuration"]!.ToJsonString());
        Assert.Equal("SourceVariables", (string)actions[0].Action["Namespace"]!);
        Assert.Equal("{\"Ref\":\"BuildProject\"}", actions[1].Action["Configuration"]!["ProjectName"]!.ToJsonString());
        Assert.Equal(
            "[{\"name\":\"PIPELINE_SOURCE_BRANCH\",\"value\":\"#{SourceVariables.BranchName}\",\"type\":\"PLAINTEXT\"}]",
            (string)actions[1].Action["Configuration"]!["EnvironmentVariables"]!);
        Assert.Equal(
            "{\"ClusterName\":{\"Ref\":\"Cluster\"},\"ServiceName\":{\"Ref\":\"ServiceName\"},\"FileName\":\"imagedefinitions.json\"}",
            actions[2].Action["Configuration"]!.ToJsonString());
        Assert.Equal("[{\"Name\":\"SourceOutput\"}]", actions[1].Action["InputArtifacts"]!.ToJsonString());
        Assert.Equal("[{\"Name\":\"BuildOutput\"}]", actions[2].Action["InputArtifacts"]!.ToJsonString());
    }

    [Theory]
    [InlineData(nameof(Templates.Default), "main")]
    [InlineData(nameof(Templates.ExplicitNetworkWithKms), "release")]
    public void A_change_of_the_branch_in_codecommit_starts_the_pipeline(string variant, string branch)
    {
        var rule = Templates.Properties(Templates.Parsed(variant), "PipelineTriggerRule");

        Assert.Equal(
            "{\"source\":[\"aws.codecommit\"],\"detail-type\":[\"CodeCommit Repository State Change\"],"
            + "\"resources\":[{\"Fn::GetAtt\":[\"SourceRepository\",\"Arn\"]}],"
            + $"\"detail\":{{\"event\":[\"referenceCreated\",\"referenceUpdated\"],\"referenceType\":[\"branch\"],\"referenceName\":[\"{branch}\"]}}}}",
            rule["EventPattern"]!.ToJsonString());
        var target = Assert.Single(rule["Targets"]!.AsArray())!;
        Assert.Equal("{\"Fn::Sub\":\"arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}\"}", target["Arn"]!.ToJsonString());
        Assert.Equal("{\"Fn::GetAtt\":[\"PipelineTriggerRole\",\"Arn\"]}", target["RoleArn"]!.ToJsonString());
    }

    [Theory]
    [InlineData("PipelineNotificationRule", "aws.codepipeline", "CodePipeline Pipeline Execution State Change", "{\"state\":[\"STARTED\",\"SUCCEEDED\",\"SUPERSEDED\"]}",
        "<pipeline>: <state>", "Pipeline <pipeline>, execution <execution>: <state>.")]
    [InlineData("PipelineFailureNotificationRule", "aws.codepipeline", "CodePipeline Stage Execution State Change", "{\"state\":[\"FAILED\"]}",
        "<pipeline>: FAILED in stage <stage>", "Pipeline <pipeline>, execution <execution>: FAILED in stage <stage>.")]
    [InlineData("ServiceDeploymentNotificationRule", "aws.ecs", "ECS Deployment State Change",
        "{\"$or\":[{\"eventName\":[\"SERVICE_DEPLOYMENT_FAILED\"]},{\"eventName\":[\"SERVICE_DEPLOYMENT_IN_PROGRESS\"],\"reason\":[{\"prefix\":\"ECS deployment circuit breaker: rolling back\"}]}]}",
        "<event>", "Service <service>, deployment <deployment>: <event>. <reason>")]
    public void Each_notification_rule_sends_the_topic_a_chatbot_custom_notification_built_from_its_events(string rule, string source, string detailType, string detail, string title, string description)
    {
        var properties = Templates.Properties(Templates.Parsed(nameof(Templates.Default)), rule);
        var pattern = properties["EventPattern"]!.AsObject();
        var target = Assert.Single(properties["Targets"]!.AsArray())!;
        var transformer = target["InputTransformer"]!;
        var template = transformer["InputTemplate"]!.GetValue<string>();
        var paths = transformer["InputPathsMap"]!.AsObject();

        Assert.Equal((source, detailType, detail), (pattern["source"]![0]!.GetValue<string>(), pattern["detail-type"]![0]!.GetValue<string>(), pattern["detail"]!.ToJsonString()));
        Assert.Equal("{\"Ref\":\"NotificationTopic\"}", target["Arn"]!.ToJsonString());
        Assert.Null(target["RoleArn"]);
        // AWS Chatbot shows only its custom notification format; every placeholder is a path of the map and sits in a string.
        var shown = JsonNode.Parse(template)!;
        Assert.Equal(("1.0", "custom", "client-markdown"), (shown["version"]!.GetValue<string>(), shown["source"]!.GetValue<string>(), shown["content"]!["textType"]!.GetValue<string>()));
        Assert.Equal((title, description), (shown["content"]!["title"]!.GetValue<string>(), shown["content"]!["description"]!.GetValue<string>()));
        Assert.Equal(paths.Select(p => p.Key).Order(StringComparer.Ordinal),
            Regex.Matches(template, "<([a-z]+)>").Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal));
        Assert.All(paths, p => Assert.StartsWith("$.", p.Value!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_notification_rules_listen_to_this_pipeline_and_this_service_only(string variant)
    {
        var template = Templates.Parsed(variant);
        string Resources(string rule) => Templates.Properties(template, rule)["EventPattern"]!["resources"]!.ToJsonString();

        Assert.Equal("[{\"Fn::Sub\":\"arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}\"}]", Resources("PipelineNotificationRule"));
        Assert.Equal(Resources("PipelineNotificationRule"), Resources("PipelineFailureNotificationRule"));
        Assert.Equal("[{\"Fn::Sub\":\"arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/${Cluster}/${ServiceName}\"}]", Resources("ServiceDeploymentNotificationRule"));
        Assert.Equal("{\"Ref\":\"NotificationTopic\"}", template["Outputs"]!["NotificationTopicArn"]!["Value"]!.ToJsonString());
    }

    [Fact]
    public void With_both_slack_ids_a_chatbot_channel_of_the_service_relays_the_topic()
    {
        var channel = Templates.Properties(Templates.Parsed(nameof(Templates.ExplicitNetworkWithKms)), "SlackChannel");

        Assert.Equal(("T0123ABCD", "C0123ABCDEF", "ERROR"), (channel["SlackWorkspaceId"]!.GetValue<string>(), channel["SlackChannelId"]!.GetValue<string>(), channel["LoggingLevel"]!.GetValue<string>()));
        Assert.Equal("{\"Fn::Sub\":\"${ServiceName}-deploys\"}", channel["ConfigurationName"]!.ToJsonString());
        Assert.Equal("[{\"Ref\":\"NotificationTopic\"}]", channel["SnsTopicArns"]!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_ecs_service_and_its_task_definition_stay_out_of_the_stack(string variant)
    {
        var types = Templates.Parsed(variant)["Resources"]!.AsObject().Select(r => (string)r.Value!["Type"]!).ToList();

        Assert.DoesNotContain("AWS::ECS::Service", types);
        Assert.DoesNotContain("AWS::ECS::TaskDefinition", types);
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void Every_output_the_reader_needs_is_exported_under_the_stack_name(string variant)
    {
        var outputs = Templates.Parsed(variant)["Outputs"]!.AsObject();

        // GitLab federation adds the roles its jobs assume, for the project's CI/CD variables.
        string[] gitLab = Templates.Settings(variant).GitLab is null ? [] : [PlatformTemplate.GitLabMirrorRoleArnOutput, PlatformTemplate.GitLabReleaseRoleArnOutput];
        Assert.Equal([.. PlatformOutputNames.All, .. gitLab], outputs.Select(o => o.Key));
        Assert.All(outputs, o => Assert.Equal($"{{\"Fn::Sub\":\"${{AWS::StackName}}-{o.Key}\"}}", o.Value!["Export"]!["Name"]!.ToJsonString()));
        Assert.Equal("{\"Fn::Join\":[\",\",{\"Ref\":\"SubnetIds\"}]}", outputs["SubnetIds"]!["Value"]!.ToJsonString());
        Assert.Equal("{\"Fn::Sub\":\"http://${LoadBalancer.DNSName}\"}", outputs["LoadBalancerUrl"]!["Value"]!.ToJsonString());
    }

    [Fact]
    public void Without_a_network_the_caller_fills_the_vpc_and_subnet_parameters()
    {
        var parameters = Templates.Parsed(nameof(Templates.Default))["Parameters"]!;

        Assert.Equal(["VpcId", "SubnetIds"], PlatformTemplate.ParametersToFill(Templates.Default));
        Assert.Equal("{\"Type\":\"AWS::EC2::VPC::Id\",\"Description\":\"The VPC of the load balancer and the tasks.\"}", parameters["VpcId"]!.ToJsonString());
        Assert.Equal("List<AWS::EC2::Subnet::Id>", (string?)parameters["SubnetIds"]!["Type"]);
        Assert.False(parameters["SubnetIds"]!.AsObject().ContainsKey("Default"));
    }

    [Fact]
    public void A_given_network_becomes_the_parameters_defaults_and_nothing_is_left_to_fill()
    {
        var parameters = Templates.Parsed(nameof(Templates.ExplicitNetworkWithKms))["Parameters"]!;

        Assert.Empty(PlatformTemplate.ParametersToFill(Templates.ExplicitNetworkWithKms));
        Assert.Equal("vpc-0123456789abcdef0", (string?)parameters["VpcId"]!["Default"]);
        Assert.Equal("subnet-0123456789abcdef0,subnet-0fedcba9876543210", (string?)parameters["SubnetIds"]!["Default"]);
        Assert.Equal("orders-api", (string?)parameters["ServiceName"]!["Default"]);
    }

    [Fact]
    public void Each_physical_name_is_written_once_and_reached_by_reference_elsewhere()
    {
        var text = PlatformTemplate.Render(Templates.ExplicitNetworkWithKms);

        foreach (var name in (string[])["orders-api", "orders-mirror", "orders-delivery", "vpc-0123456789abcdef0"])
        {
            Assert.Single(Regex.Matches(text, Regex.Escape(name)));
        }

        var template = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("{\"Ref\":\"ServiceName\"}", Templates.Properties(template, "Cluster")["ClusterName"]!.ToJsonString());
        Assert.Equal("{\"Fn::Sub\":\"${ServiceName}-build\"}", Templates.Properties(template, "BuildProject")["Name"]!.ToJsonString());
    }

    [Fact]
    public void Invalid_settings_are_refused_before_anything_is_written()
    {
        var path = Path.Combine(Path.GetTempPath(), $"platform-invalid-{Guid.NewGuid():N}", "template.json");

        var error = Assert.Throws<PlatformSettingsException>(() => PlatformTemplate.Write(new PlatformSettings { LogRetentionDays = 31 }, path));

        Assert.Contains("LogRetentionDays", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }
}
