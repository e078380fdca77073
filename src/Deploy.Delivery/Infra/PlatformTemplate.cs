using System.Text;
using System.Text.Json.Nodes;
using Deploy.Delivery.Files;
using static Deploy.Delivery.Infra.CloudFormationJson;

namespace Deploy.Delivery.Infra;

/// <summary>
/// Renders <see cref="PlatformSettings"/> as one CloudFormation template: image repository, cluster, log groups, task
/// roles, load balancer, artifact bucket, CodeCommit → CodeBuild → ECS pipeline and its trigger, the deploy notifications
/// (PlatformTemplate.Notifications.cs). The ECS service and
/// its task definition are not in it (DeployFargate owns them, so re-provisioning never reverts a deployed image).
/// Every physical name is written once; everything else reaches it through Ref, Fn::GetAtt or Fn::Sub.
/// </summary>
public static partial class PlatformTemplate
{
    /// <summary>Where ProvisionInfra writes the template, relative to the repository root.</summary>
    public const string DefaultRelativePath = "artifacts/infra/template.json";

    /// <summary>Template parameter carrying the service name (its default is <see cref="PlatformSettings.ServiceName"/>).</summary>
    public const string ServiceNameParameter = "ServiceName";

    /// <summary>Template parameter of type <c>AWS::EC2::VPC::Id</c>.</summary>
    public const string VpcIdParameter = "VpcId";

    /// <summary>Template parameter of type <c>List&lt;AWS::EC2::Subnet::Id&gt;</c> (a comma-separated value).</summary>
    public const string SubnetIdsParameter = "SubnetIds";

    private const string Repository = nameof(Repository);
    private const string Cluster = nameof(Cluster);
    private const string ServiceLogGroup = nameof(ServiceLogGroup);
    private const string TaskExecutionRole = nameof(TaskExecutionRole);
    private const string TaskRole = nameof(TaskRole);
    private const string LoadBalancerSecurityGroup = nameof(LoadBalancerSecurityGroup);
    private const string ServiceSecurityGroup = nameof(ServiceSecurityGroup);
    private const string LoadBalancer = nameof(LoadBalancer);
    private const string TargetGroup = nameof(TargetGroup);
    private const string Listener = nameof(Listener);
    private const string ArtifactBucket = nameof(ArtifactBucket);
    private const string SourceRepository = nameof(SourceRepository);
    private const string BuildLogGroup = nameof(BuildLogGroup);
    private const string BuildRole = nameof(BuildRole);
    private const string BuildProject = nameof(BuildProject);
    private const string PipelineRole = nameof(PipelineRole);
    private const string Pipeline = nameof(Pipeline);
    private const string PipelineTriggerRole = nameof(PipelineTriggerRole);
    private const string PipelineTriggerRule = nameof(PipelineTriggerRule);

    /// <summary>The Source action's output variables (<c>#{SourceVariables.BranchName}</c>, <c>CommitId</c>, ...).</summary>
    private const string SourceVariables = nameof(SourceVariables);

    /// <summary>What the Build action sets to the source branch in the build's environment (read by the CodeBuild host).</summary>
    public const string PipelineSourceBranchVariable = "PIPELINE_SOURCE_BRANCH";

    private const string PipelineArn = "arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}";
    private const string EcsArnPrefix = "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:";

    /// <summary>
    /// The template parameters without a default, which the caller must fill: the default VPC and its subnets when the
    /// settings name no network, nothing otherwise.
    /// </summary>
    public static IReadOnlyList<string> ParametersToFill(PlatformSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.HasExplicitNetwork ? [] : [VpcIdParameter, SubnetIdsParameter];
    }

    /// <summary>The template as a JSON tree (validates the settings first).</summary>
    /// <exception cref="PlatformSettingsException">The settings are not valid.</exception>
    public static JsonObject Build(PlatformSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureValid();

        var resources = Resources(settings);
        var outputs = Outputs();
        AddGitLabFederation(settings, resources, outputs);
        return new JsonObject
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Description"] = "Delivery platform: image repository, cluster, load balancer, the CodeCommit -> CodeBuild -> ECS pipeline "
                + "and its notifications. Rendered by ProvisionInfra; edit the settings, not this file.",
            ["Parameters"] = Parameters(settings),
            ["Resources"] = resources,
            ["Outputs"] = outputs,
        };
    }

    /// <summary>The template text: the same bytes for the same settings.</summary>
    public static string Render(PlatformSettings settings) => Indented(Build(settings));

    /// <summary>Writes the template to <paramref name="path"/> (UTF-8, no BOM); returns false when the file already held these bytes.</summary>
    public static bool Write(PlatformSettings settings, string path) => WriteText(Render(settings), path);

    /// <summary>
    /// Writes a rendered template (what ProvisionInfra does with artifacts/infra/template.json): whole or not at all, so a
    /// run reading it never sees another run's half-written file; returns false when the file already held these bytes.
    /// </summary>
    public static bool WriteText(string template, string path)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(template);
        var full = Path.GetFullPath(path);
        if (File.Exists(full) && File.ReadAllBytes(full).AsSpan().SequenceEqual(bytes))
        {
            return false;
        }

        AtomicFile.WriteAllBytes(full, bytes);
        return true;
    }

    private static JsonObject Parameters(PlatformSettings settings)
    {
        var vpc = new JsonObject
        {
            ["Type"] = "AWS::EC2::VPC::Id",
            ["Description"] = "The VPC of the load balancer and the tasks.",
        };
        var subnets = new JsonObject
        {
            ["Type"] = "List<AWS::EC2::Subnet::Id>",
            ["Description"] = "Subnets (two or more Availability Zones) of the load balancer and the tasks.",
        };
        if (settings.VpcId is { } vpcId)
        {
            vpc["Default"] = vpcId;
            subnets["Default"] = string.Join(',', settings.SubnetIds);
        }

        return new JsonObject
        {
            [ServiceNameParameter] = new JsonObject
            {
                ["Type"] = "String",
                ["Description"] = "The ECS service; also names the image repository, the cluster and the log groups.",
                ["Default"] = settings.ServiceName,
                ["AllowedPattern"] = "^[a-z0-9]+(?:[_-][a-z0-9]+)*$",
                ["MinLength"] = 2,
                ["MaxLength"] = 200,
            },
            [VpcIdParameter] = vpc,
            [SubnetIdsParameter] = subnets,
        };
    }

    private static JsonObject Resources(PlatformSettings settings)
    {
        var resources = DeliveryResources(settings);
        foreach (var (name, resource) in NotificationResources(settings))
        {
            resources[name] = resource;
        }

        return resources;
    }

    private static JsonObject DeliveryResources(PlatformSettings settings) => new()
    {
        [Repository] = Resource("AWS::ECR::Repository", new JsonObject
        {
            ["RepositoryName"] = Ref(ServiceNameParameter),
            ["ImageScanningConfiguration"] = new JsonObject { ["ScanOnPush"] = true },
            ["ImageTagMutability"] = settings.TagMutability == ImageTagMutability.Immutable ? "IMMUTABLE" : "MUTABLE",
            ["EncryptionConfiguration"] = Encryption(settings.Encryption),
            ["LifecyclePolicy"] = new JsonObject { ["LifecyclePolicyText"] = EcrLifecyclePolicy.Render(settings.Lifecycle.Rules) },
        }),
        [Cluster] = Resource("AWS::ECS::Cluster", new JsonObject
        {
            ["ClusterName"] = Ref(ServiceNameParameter),
            ["ClusterSettings"] = Items(new JsonObject
            {
                ["Name"] = "containerInsights",
                ["Value"] = settings.ContainerInsights ? "enabled" : "disabled",
            }),
        }),
        [ServiceLogGroup] = LogGroup(Sub("/ecs/${ServiceName}"), settings.LogRetentionDays),
        [TaskExecutionRole] = Role(
            "ecs-tasks.amazonaws.com",
            "Lets ECS pull the service's image from its repository and write the containers' logs to its log group.",
            "pull-image-write-logs",
            Statement("GetRegistryToken", ["ecr:GetAuthorizationToken"], "*"),
            Statement("PullFromThisRepository", ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], GetAtt(Repository, "Arn")),
            Statement("WriteToThisLogGroup", ["logs:CreateLogStream", "logs:PutLogEvents"], GetAtt(ServiceLogGroup, "Arn"))),
        [TaskRole] = Role(
            "ecs-tasks.amazonaws.com",
            "The service's containers run with this role; it grants nothing until the service needs an AWS API."),
        [LoadBalancerSecurityGroup] = Resource("AWS::EC2::SecurityGroup", new JsonObject
        {
            ["GroupDescription"] = "Load balancer: HTTP from the allowed CIDR",
            ["VpcId"] = Ref(VpcIdParameter),
            ["SecurityGroupIngress"] = Items(new JsonObject
            {
                ["Description"] = "HTTP from the allowed CIDR",
                ["IpProtocol"] = "tcp",
                ["FromPort"] = 80,
                ["ToPort"] = 80,
                ["CidrIp"] = settings.LoadBalancerIngressCidr,
            }),
        }),
        [ServiceSecurityGroup] = Resource("AWS::EC2::SecurityGroup", new JsonObject
        {
            ["GroupDescription"] = "Service tasks: the service port from the load balancer only",
            ["VpcId"] = Ref(VpcIdParameter),
            ["SecurityGroupIngress"] = Items(new JsonObject
            {
                ["Description"] = "The service port from the load balancer",
                ["IpProtocol"] = "tcp",
                ["FromPort"] = settings.ServicePort,
                ["ToPort"] = settings.ServicePort,
                ["SourceSecurityGroupId"] = GetAtt(LoadBalancerSecurityGroup, "GroupId"),
            }),
        }),
        [LoadBalancer] = Resource("AWS::ElasticLoadBalancingV2::LoadBalancer", new JsonObject
        {
            ["Type"] = "application",
            ["Scheme"] = "internet-facing",
            ["IpAddressType"] = "ipv4",
            ["Subnets"] = Ref(SubnetIdsParameter),
            ["SecurityGroups"] = Items(GetAtt(LoadBalancerSecurityGroup, "GroupId")),
            ["LoadBalancerAttributes"] = Items(new JsonObject
            {
                ["Key"] = "routing.http.drop_invalid_header_fields.enabled",
                ["Value"] = "true",
            }),
        }),
        [TargetGroup] = Resource("AWS::ElasticLoadBalancingV2::TargetGroup", new JsonObject
        {
            ["TargetType"] = "ip",
            ["Protocol"] = "HTTP",
            ["Port"] = settings.ServicePort,
            ["VpcId"] = Ref(VpcIdParameter),
            ["HealthCheckEnabled"] = true,
            ["HealthCheckProtocol"] = "HTTP",
            ["HealthCheckPath"] = "/health",
            ["HealthCheckIntervalSeconds"] = 15,
            ["HealthCheckTimeoutSeconds"] = 5,
            ["HealthyThresholdCount"] = 2,
            ["UnhealthyThresholdCount"] = 3,
            ["Matcher"] = new JsonObject { ["HttpCode"] = "200" },
            ["TargetGroupAttributes"] = Items(new JsonObject
            {
                ["Key"] = "deregistration_delay.timeout_seconds",
                ["Value"] = "30",
            }),
        }),
        [Listener] = Resource("AWS::ElasticLoadBalancingV2::Listener", new JsonObject
        {
            ["LoadBalancerArn"] = Ref(LoadBalancer),
            ["Port"] = 80,
            ["Protocol"] = "HTTP",
            ["DefaultActions"] = Items(new JsonObject
            {
                ["Type"] = "forward",
                ["TargetGroupArn"] = Ref(TargetGroup),
            }),
        }),
        [ArtifactBucket] = Resource("AWS::S3::Bucket", new JsonObject
        {
            ["BucketEncryption"] = new JsonObject
            {
                ["ServerSideEncryptionConfiguration"] = Items(new JsonObject
                {
                    ["ServerSideEncryptionByDefault"] = new JsonObject { ["SSEAlgorithm"] = "AES256" },
                }),
            },
            ["PublicAccessBlockConfiguration"] = new JsonObject
            {
                ["BlockPublicAcls"] = true,
                ["BlockPublicPolicy"] = true,
                ["IgnorePublicAcls"] = true,
                ["RestrictPublicBuckets"] = true,
            },
            ["VersioningConfiguration"] = new JsonObject { ["Status"] = "Enabled" },
            ["OwnershipControls"] = new JsonObject
            {
                ["Rules"] = Items(new JsonObject { ["ObjectOwnership"] = "BucketOwnerEnforced" }),
            },
        }),
        [SourceRepository] = Resource("AWS::CodeCommit::Repository", new JsonObject
        {
            ["RepositoryName"] = settings.CodeCommitRepositoryName,
            ["RepositoryDescription"] = "Mirror of the GitLab repository; a change of the pipeline's branch starts the pipeline.",
        }),
        [BuildLogGroup] = LogGroup(Sub("/codebuild/${ServiceName}"), settings.LogRetentionDays),
        [BuildRole] = Role(
            "codebuild.amazonaws.com",
            "Lets the image build read and write pipeline artifacts, push to the service's repository and write its own log group.",
            "build-and-push-image",
            Statement("WriteBuildLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], GetAtt(BuildLogGroup, "Arn")),
            Statement("ReadWriteArtifacts", ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], Sub("${ArtifactBucket.Arn}/*")),
            Statement("LocateArtifactBucket", ["s3:GetBucketAcl", "s3:GetBucketLocation"], GetAtt(ArtifactBucket, "Arn")),
            Statement("GetRegistryToken", ["ecr:GetAuthorizationToken"], "*"),
            Statement("PushToThisRepository",
                [
                    // PushEcr first checks the repository exists (DescribeRepositories), then pushes and waits for the scan.
                    // No pull: the build's base images do not come from this repository.
                    "ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:DescribeImageScanFindings", "ecr:DescribeImages",
                    "ecr:DescribeRepositories", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
                ],
                GetAtt(Repository, "Arn")),
            Statement("ReadThisStacksOutputs", ["cloudformation:DescribeStacks"], Ref("AWS::StackId"))),
        [BuildProject] = Resource("AWS::CodeBuild::Project", new JsonObject
        {
            ["Name"] = Sub("${ServiceName}-build"),
            ["Description"] = "Builds the service image, pushes it to the repository and emits imagedefinitions.json.",
            ["ServiceRole"] = GetAtt(BuildRole, "Arn"),
            ["Source"] = new JsonObject { ["Type"] = "CODEPIPELINE", ["BuildSpec"] = "buildspec.yml" },
            ["Artifacts"] = new JsonObject { ["Type"] = "CODEPIPELINE" },
            // Keeps buildspec.yml's cache/paths (the compiled build project, NuGet packages) on the build host, so a build
            // that follows another skips compiling the build project and restoring packages.
            ["Cache"] = new JsonObject { ["Type"] = "LOCAL", ["Modes"] = Items("LOCAL_CUSTOM_CACHE") },
            ["Environment"] = new JsonObject
            {
                ["Type"] = "LINUX_CONTAINER",
                ["ComputeType"] = settings.BuildComputeType,
                ["Image"] = settings.BuildImage,
                ["ImagePullCredentialsType"] = "CODEBUILD",
                ["PrivilegedMode"] = true,
                ["EnvironmentVariables"] = Items(
                    Variable("AWS_ACCOUNT_ID", Ref("AWS::AccountId")),
                    Variable("PLATFORM_STACK_NAME", Ref("AWS::StackName")),
                    Variable("REPOSITORY_URI", GetAtt(Repository, "RepositoryUri")),
                    Variable("SERVICE_NAME", Ref(ServiceNameParameter))),
            },
            ["LogsConfig"] = new JsonObject
            {
                ["CloudWatchLogs"] = new JsonObject { ["Status"] = "ENABLED", ["GroupName"] = Ref(BuildLogGroup) },
            },
            ["TimeoutInMinutes"] = 30,
        }),
        [PipelineRole] = Role(
            "codepipeline.amazonaws.com",
            "Lets the pipeline read its source repository, run its build project, use its artifact bucket and roll the ECS service.",
            "source-build-deploy",
            Statement("ReadSource",
                ["codecommit:CancelUploadArchive", "codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetUploadArchiveStatus", "codecommit:UploadArchive"],
                GetAtt(SourceRepository, "Arn")),
            Statement("RunBuild", ["codebuild:BatchGetBuilds", "codebuild:StartBuild"], GetAtt(BuildProject, "Arn")),
            Statement("ReadWriteArtifacts", ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], Sub("${ArtifactBucket.Arn}/*")),
            Statement("LocateArtifactBucket", ["s3:GetBucketLocation", "s3:GetBucketVersioning"], GetAtt(ArtifactBucket, "Arn")),
            Statement("RollTheService", ["ecs:DescribeServices", "ecs:UpdateService"], Sub(EcsArnPrefix + "service/${Cluster}/${ServiceName}")),
            Statement("WatchTheServicesTasks", ["ecs:DescribeTasks"], Sub(EcsArnPrefix + "task/${Cluster}/*")),
            Statement("ListTheServicesTasks", ["ecs:ListTasks"], Sub(EcsArnPrefix + "container-instance/${Cluster}/*")),
            // The family is the service name (DeployFargate registers it so): all its revisions. The Service Authorization
            // Reference lists task-definition* as RegisterTaskDefinition's resource type, whose ARN always carries the
            // revision (task-definition/family:revision), so a bare family ARN would match no request. ecs:TagResource is
            // needed alongside it since ECS's 2024 tagging change.
            Statement("RegisterTheServicesTaskDefinition", ["ecs:RegisterTaskDefinition", "ecs:TagResource"],
                Sub(EcsArnPrefix + "task-definition/${ServiceName}:*")),
            Statement("ReadTaskDefinitions", ["ecs:DescribeTaskDefinition"], "*"),
            Statement("PassTheTaskRolesToEcs", ["iam:PassRole"], Items(GetAtt(TaskExecutionRole, "Arn"), GetAtt(TaskRole, "Arn")),
                new JsonObject { ["StringEquals"] = new JsonObject { ["iam:PassedToService"] = "ecs-tasks.amazonaws.com" } })),
        [Pipeline] = Resource("AWS::CodePipeline::Pipeline", new JsonObject
        {
            ["Name"] = settings.PipelineName,
            ["PipelineType"] = "V2",
            ["RoleArn"] = GetAtt(PipelineRole, "Arn"),
            ["ArtifactStore"] = new JsonObject { ["Type"] = "S3", ["Location"] = Ref(ArtifactBucket) },
            ["RestartExecutionOnUpdate"] = false,
            ["Stages"] = Items(
                Stage("Source", Action("Source", "Source", "CodeCommit", new JsonObject
                {
                    ["RepositoryName"] = GetAtt(SourceRepository, "Name"),
                    ["BranchName"] = settings.Branch,
                    ["PollForSourceChanges"] = false,
                }, inputs: [], outputs: ["SourceOutput"], variablesNamespace: SourceVariables)),
                Stage("Build", Action("Build", "Build", "CodeBuild", new JsonObject
                {
                    ["ProjectName"] = Ref(BuildProject),
                    // The source artifact is a zip without .git and CodeBuild names no branch for it: hand the branch
                    // over, so BuildImage tags and labels the image with it as it does elsewhere.
                    ["EnvironmentVariables"] = $"[{{\"name\":\"{PipelineSourceBranchVariable}\",\"value\":\"#{{{SourceVariables}.BranchName}}\",\"type\":\"PLAINTEXT\"}}]",
                }, inputs: ["SourceOutput"], outputs: ["BuildOutput"])),
                Stage("Deploy", Action("Deploy", "Deploy", "ECS", new JsonObject
                {
                    ["ClusterName"] = Ref(Cluster),
                    ["ServiceName"] = Ref(ServiceNameParameter),
                    ["FileName"] = "imagedefinitions.json",
                }, inputs: ["BuildOutput"], outputs: []))),
        }),
        [PipelineTriggerRole] = Role(
            "events.amazonaws.com",
            "Lets EventBridge start the pipeline when its branch changes.",
            "start-pipeline",
            Statement("StartThisPipeline", ["codepipeline:StartPipelineExecution"], Sub(PipelineArn))),
        [PipelineTriggerRule] = Resource("AWS::Events::Rule", new JsonObject
        {
            ["Description"] = "Starts the pipeline when its branch is created or updated in CodeCommit.",
            ["State"] = "ENABLED",
            ["EventPattern"] = new JsonObject
            {
                ["source"] = Strings("aws.codecommit"),
                ["detail-type"] = Strings("CodeCommit Repository State Change"),
                ["resources"] = Items(GetAtt(SourceRepository, "Arn")),
                ["detail"] = new JsonObject
                {
                    ["event"] = Strings("referenceCreated", "referenceUpdated"),
                    ["referenceType"] = Strings("branch"),
                    ["referenceName"] = Strings(settings.Branch),
                },
            },
            ["Targets"] = Items(new JsonObject
            {
                ["Id"] = "start-pipeline",
                ["Arn"] = Sub(PipelineArn),
                ["RoleArn"] = GetAtt(PipelineTriggerRole, "Arn"),
            }),
        }),
    };

    private static JsonObject Outputs()
    {
        var values = new Dictionary<string, (string Description, JsonNode Value)>
        {
            [PlatformOutputNames.RepositoryUri] = ("Image repository URI (push and pull here)", GetAtt(Repository, "RepositoryUri")),
            [PlatformOutputNames.RepositoryName] = ("Image repository name", Ref(Repository)),
            [PlatformOutputNames.ClusterName] = ("ECS cluster of the service", Ref(Cluster)),
            [PlatformOutputNames.LogGroupName] = ("Log group of the service's containers (awslogs)", Ref(ServiceLogGroup)),
            [PlatformOutputNames.TaskExecutionRoleArn] = ("Task execution role (image pull, logs)", GetAtt(TaskExecutionRole, "Arn")),
            [PlatformOutputNames.TaskRoleArn] = ("Role of the service's containers", GetAtt(TaskRole, "Arn")),
            [PlatformOutputNames.ServiceSecurityGroupId] = ("Security group of the service's tasks", GetAtt(ServiceSecurityGroup, "GroupId")),
            [PlatformOutputNames.SubnetIds] = ("Subnets of the service's tasks, comma-separated", Join(",", Ref(SubnetIdsParameter))),
            [PlatformOutputNames.TargetGroupArn] = ("Target group the service registers its tasks in", Ref(TargetGroup)),
            [PlatformOutputNames.LoadBalancerUrl] = ("URL the service answers on", Sub("http://${LoadBalancer.DNSName}")),
            [PlatformOutputNames.PipelineName] = ("Pipeline started by changes of the branch", Ref(Pipeline)),
            [PlatformOutputNames.CodeCommitCloneUrlHttp] = ("HTTPS clone URL of the CodeCommit repository (Mirror pushes here)", GetAtt(SourceRepository, "CloneUrlHttp")),
            [PlatformOutputNames.ArtifactBucketName] = ("Pipeline artifact bucket", Ref(ArtifactBucket)),
            [PlatformOutputNames.ServiceName] = ("ECS service name, task definition family and container name", Ref(ServiceNameParameter)),
            [PlatformOutputNames.PipelineTriggerRuleName] = ("EventBridge rule that starts the pipeline on pushes to its branch (Release names it when nothing starts)", Ref(PipelineTriggerRule)),
            [PlatformOutputNames.NotificationTopicArn] = ("SNS topic of the pipeline's and the service's deploy notifications (subscribe to it)", Ref(NotificationTopic)),
        };

        var outputs = new JsonObject();
        foreach (var name in PlatformOutputNames.All)
        {
            var (description, value) = values[name];
            outputs[name] = new JsonObject
            {
                ["Description"] = description,
                ["Value"] = value,
                ["Export"] = new JsonObject { ["Name"] = Sub("${AWS::StackName}-" + name) },
            };
        }

        return outputs;
    }

    private static JsonObject Resource(string type, JsonObject properties) => new() { ["Type"] = type, ["Properties"] = properties };

    /// <summary>
    /// A named log group that goes with the stack: explicit Delete policies (cfn-lint I3011), because a retained group would
    /// keep its name taken and make the next create of the stack fail; its events expire after the retention anyway.
    /// </summary>
    private static JsonObject LogGroup(JsonNode name, int retentionInDays) => new()
    {
        ["Type"] = "AWS::Logs::LogGroup",
        ["DeletionPolicy"] = "Delete",
        ["UpdateReplacePolicy"] = "Delete",
        ["Properties"] = new JsonObject
        {
            ["LogGroupName"] = name,
            ["RetentionInDays"] = retentionInDays,
        },
    };

    private static JsonObject Encryption(RepositoryEncryption encryption)
    {
        var configuration = new JsonObject { ["EncryptionType"] = encryption.Type == RepositoryEncryptionType.Kms ? "KMS" : "AES256" };
        if (encryption.KmsKey is { } key)
        {
            configuration["KmsKey"] = key;
        }

        return configuration;
    }

    /// <summary>A role assumable by one AWS service of this account only, with one inline policy (none when no statements).</summary>
    private static JsonObject Role(string service, string description, string? policyName = null, params JsonObject[] statements)
    {
        var properties = new JsonObject
        {
            ["Description"] = description,
            ["AssumeRolePolicyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = Items(new JsonObject
                {
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["Service"] = service },
                    ["Action"] = "sts:AssumeRole",
                    ["Condition"] = new JsonObject
                    {
                        ["StringEquals"] = new JsonObject { ["aws:SourceAccount"] = Ref("AWS::AccountId") },
                    },
                }),
            },
        };
        if (policyName is not null && statements.Length > 0)
        {
            properties["Policies"] = Items(new JsonObject
            {
                ["PolicyName"] = policyName,
                ["PolicyDocument"] = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = Items(statements) },
            });
        }

        return Resource("AWS::IAM::Role", properties);
    }

    private static JsonObject Statement(string sid, string[] actions, JsonNode resource, JsonObject? condition = null)
    {
        var statement = new JsonObject
        {
            ["Sid"] = sid,
            ["Effect"] = "Allow",
            ["Action"] = Strings(actions),
            ["Resource"] = resource,
        };
        if (condition is not null)
        {
            statement["Condition"] = condition;
        }

        return statement;
    }

    private static JsonObject Variable(string name, JsonNode value) => new()
    {
        ["Name"] = name,
        ["Type"] = "PLAINTEXT",
        ["Value"] = value,
    };

    private static JsonObject Stage(string name, JsonObject action) => new() { ["Name"] = name, ["Actions"] = Items(action) };

    private static JsonObject Action(string name, string category, string provider, JsonObject configuration, string[] inputs, string[] outputs, string? variablesNamespace = null)
    {
        var action = new JsonObject
        {
            ["Name"] = name,
            ["ActionTypeId"] = new JsonObject
            {
                ["Category"] = category,
                ["Owner"] = "AWS",
                ["Provider"] = provider,
                ["Version"] = "1",
            },
            ["Configuration"] = configuration,
        };
        if (variablesNamespace is not null)
        {
            action["Namespace"] = variablesNamespace;
        }

        if (inputs.Length > 0)
        {
            action["InputArtifacts"] = Items(inputs.Select(i => (JsonNode)new JsonObject { ["Name"] = i }));
        }

        if (outputs.Length > 0)
        {
            action["OutputArtifacts"] = Items(outputs.Select(o => (JsonNode)new JsonObject { ["Name"] = o }));
        }

        action["RunOrder"] = 1;
        return action;
    }
}
