using Deploy.Delivery.Infra;
using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    [Parameter("The ECS service; also names the image repository, the cluster and the log groups")]
    readonly string ServiceName = "sample-service";

    [Parameter("Image tag mutability of the repository: Immutable or Mutable")]
    readonly ImageTagMutability TagMutability = ImageTagMutability.Immutable;

    [Parameter("How many tagged images the repository keeps")]
    readonly int KeepTaggedImages = 30;

    [Parameter("Days after which untagged images expire")]
    readonly int ExpireUntaggedAfterDays = 7;

    [Parameter("Days the service's and the build's log events are kept (a CloudWatch Logs retention value)")]
    readonly int LogRetentionDays = 30;

    [Parameter("CloudWatch Container Insights on the cluster")]
    readonly bool ContainerInsights = true;

    [Parameter("The port the service's container listens on")]
    readonly int ServicePort = 8080;

    [Parameter("IPv4 CIDR allowed to reach the load balancer")]
    readonly string IngressCidr = "0.0.0.0/0";

    [Parameter("VPC of the load balancer and tasks; default: the account's default VPC (give SubnetIds too)")]
    readonly string? VpcId;

    [Parameter("Subnets (two or more Availability Zones); default: the default VPC's")]
    readonly string[] SubnetIds = [];

    [Parameter("The branch whose changes start the pipeline")]
    readonly string PipelineBranch = "main";

    [Parameter("Slack workspace (team) id, e.g. T0123ABCD, of an AWS Chatbot channel for the platform's deploy notifications (with --slack-channel-id)")]
    readonly string? SlackWorkspaceId;

    [Parameter("Slack channel id (not its #name), e.g. C0123ABCD, that AWS Chatbot posts the platform's deploy notifications to (with --slack-workspace-id)")]
    readonly string? SlackChannelId;

    [Parameter("ProvisionInfra prints the change set's plan and changes nothing")]
    readonly bool PlanOnly;

    [Parameter("How long ProvisionInfra/DestroyInfra wait for an operation already running on the stack")]
    readonly TimeSpan InProgressTimeout = TimeSpan.FromMinutes(30);

    [Parameter("An unchanged ProvisionInfra skips drift detection while the stack's last one found it IN_SYNC within this time (AWS keeps that result on the stack); 0s detects on every run")]
    readonly TimeSpan DriftCheckInterval = TimeSpan.FromHours(1);

    [Parameter("DestroyInfra: delete the stack but keep what CloudFormation cannot delete (repository with images, bucket with objects) instead of stopping")]
    readonly bool RetainFailed;

    /// <summary>Set by ProvisionInfra when it ran in this build; read through <see cref="PlatformOutputsAsync"/>.</summary>
    PlatformOutputs? provisionedOutputs;

    bool NotInCodeBuild => Host.Kind != HostKind.CodeBuild;

    /// <summary>Mirror and Release in a GitLab job on AWS run as a role that may push and read, not change the platform.</summary>
    bool NotAGitLabJobOnAws => Host.Kind != HostKind.GitLab || Cloud != CloudKind.Aws;

    /// <summary>Named on the command line (a job that is meant to provision), not pulled in as a dependency.</summary>
    bool ProvisionInfraInvoked => InvokedTargets.Contains(nameof(ProvisionInfra));

    string InfraDirectory => Path.Combine(ArtifactsDirectory, "infra");

    PlatformSettings PlatformSettings => PlatformSettingsWith(GitLabFederation);

    /// <summary>The command-line flag of each setting the parameters feed, so that a bad value is named as the user typed it.</summary>
    static readonly Dictionary<string, string> PlatformSettingFlags = new(StringComparer.Ordinal)
    {
        [nameof(Deploy.Delivery.Infra.PlatformSettings.ServiceName)] = "--service-name",
        ["Lifecycle.KeepTaggedImages"] = "--keep-tagged-images",
        ["Lifecycle.ExpireUntaggedAfterDays"] = "--expire-untagged-after-days",
        [nameof(Deploy.Delivery.Infra.PlatformSettings.LogRetentionDays)] = "--log-retention-days",
        [nameof(Deploy.Delivery.Infra.PlatformSettings.ServicePort)] = "--service-port",
        [nameof(Deploy.Delivery.Infra.PlatformSettings.LoadBalancerIngressCidr)] = "--ingress-cidr",
        [nameof(Deploy.Delivery.Infra.PlatformSettings.VpcId)] = "--vpc-id",
        [nameof(Deploy.Delivery.Infra.PlatformSettings.SubnetIds)] = "--subnet-ids",
        [nameof(Deploy.Delivery.Infra.PlatformSettings.Branch)] = "--pipeline-branch",
        [nameof(Deploy.Delivery.Infra.PlatformSettings.SlackWorkspaceId)] = "--slack-workspace-id",
        [nameof(Deploy.Delivery.Infra.PlatformSettings.SlackChannelId)] = "--slack-channel-id",
    };

    /// <summary>
    /// Bad values stop the build before anything runs (exit 2), each named by its flag: the platform's settings when
    /// ProvisionInfra is planned, and the numbers every run uses.
    /// </summary>
    void CheckParameterValues()
    {
        var errors = new List<string>();
        if (AwsMaxAttempts < 1)
            errors.Add($"--aws-max-attempts is {AwsMaxAttempts}; use 1 or more (1 means no retries).");
        if (DesiredCount < 0)
            errors.Add($"--desired-count is {DesiredCount}; use 0 or more tasks.");
        if (Timeout <= TimeSpan.Zero)
            errors.Add($"--timeout is {Timeout}; give a positive duration such as 15m.");
        if (PlannedTargets.Contains(nameof(ProvisionInfra)))
        {
            // The local GitLab issuer's URL is known once the local cloud runs; the default URL stands in for it here.
            var gitLab = string.IsNullOrWhiteSpace(GitlabProjectPath)
                ? null
                : new GitLabFederation { ProjectPath = GitlabProjectPath.Trim(), Url = GitlabUrl ?? GitLabFederation.DefaultUrl, MirrorBranches = GitlabMirrorBranches };
            errors.AddRange(PlatformSettingsWith(gitLab).Validate());
        }

        if (errors.Count > 0)
        {
            throw new BuildConfigurationException(errors.Count == 1
                ? errors[0]
                : $"{errors.Count} parameter values are not valid:" + string.Concat(errors.Select(e => "\n  " + e)));
        }
    }

    PlatformSettings PlatformSettingsWith(GitLabFederation? gitLab) => new()
    {
        SettingNames = PlatformSettingFlags,
        ServiceName = ServiceName,
        TagMutability = TagMutability,
        Lifecycle = new ImageLifecycle(KeepTaggedImages, ExpireUntaggedAfterDays),
        LogRetentionDays = LogRetentionDays,
        ContainerInsights = ContainerInsights,
        ServicePort = ServicePort,
        LoadBalancerIngressCidr = IngressCidr,
        VpcId = VpcId,
        SubnetIds = SubnetIds,
        Branch = PipelineBranch,
        SlackWorkspaceId = SlackWorkspaceId,
        SlackChannelId = SlackChannelId,
        GitLab = gitLab,
    };

    // The graph: PushEcr, DeployFargate and Mirror (hence Release) depend on ProvisionInfra, so a fresh machine provisions
    // first and an unchanged platform costs DescribeStacks and GetTemplate (no change set). On CodeBuild the pipeline runs inside the platform it would
    // change, and its role may only read the stack; a GitLab job on AWS (Mirror, Release) runs as a role that may only push
    // and read. There ProvisionInfra is skipped statically (shown in --plan) and the later targets read the outputs with
    // DescribeStacks instead (PlatformOutputsAsync), as they do after --skip ProvisionInfra.
    Target ProvisionInfra => _ => _
        .Description("Renders the platform as a CloudFormation template, plans a change set, applies it, streams events")
        .DependsOn(LocalCloud)
        .OnlyWhenStatic(() => NotInCodeBuild)
        .OnlyWhenStatic(() => NotAGitLabJobOnAws || ProvisionInfraInvoked)
        .Executes(async ct =>
        {
            var session = await AwsSessionAsync();
            var deployer = new StackDeployer(await CloudFormationAsync(), new Ec2NetworkLookup(session, Log), Log);
            var result = await deployer.DeployAsync(
                new StackDeployOptions
                {
                    StackName = StackName,
                    Settings = PlatformSettings,
                    TemplatePath = Path.Combine(InfraDirectory, "template.json"),
                    OutputsPath = PlanOnly ? null : Path.Combine(InfraDirectory, "outputs.json"),
                    PlanOnly = PlanOnly,
                    InProgressTimeout = InProgressTimeout,
                    DriftCheckInterval = DriftCheckInterval,
                },
                ct);
            Note(result.Outcome switch
            {
                StackDeployOutcome.Unchanged => "unchanged",
                _ when result.Repaired.Count > 0 => $"recreated {string.Join(", ", result.Repaired.Select(r => r.LogicalId))} (deleted outside CloudFormation)",
                StackDeployOutcome.Planned => "plan only: " + ChangePlanTable.Summary(result.Changes),
                StackDeployOutcome.Created => $"created {result.Changes.Count} resources",
                _ => $"updated {result.Changes.Count} resources",
            });
            if (result.Outcome != StackDeployOutcome.Planned)
            {
                provisionedOutputs = Parse(result);
                ReportGitLabRoles(result.Outputs);
            }
        });

    Target DestroyInfra => _ => _
        .Description("Deletes the platform stack and DeployFargate's service, after checking nothing stops it half way (see README)")
        .Executes(async ct =>
        {
            var destroyer = StackDestroyer.For(await AwsSessionAsync(), Log);
            var deleted = await destroyer.DestroyAsync(new StackDestroyOptions { StackName = StackName, RetainFailed = RetainFailed, Timeout = InProgressTimeout }, ct);
            Note(deleted ? "deleted" : "no stack");
        });

    /// <summary>What PushEcr, DeployFargate and Mirror use: ProvisionInfra's outputs from this run, else the stack's.</summary>
    async Task<PlatformOutputs> PlatformOutputsAsync(CancellationToken cancellationToken) =>
        provisionedOutputs ??= await ReadPlatformOutputsAsync(cancellationToken);

    /// <summary>The outputs of the existing stack via DescribeStacks, changing nothing (CodeBuild, or ProvisionInfra skipped).</summary>
    async Task<PlatformOutputs> ReadPlatformOutputsAsync(CancellationToken cancellationToken)
    {
        var outputs = await PlatformStackOutputs.ReadOutputsAsync(await CloudFormationAsync(), StackName, cancellationToken);
        Log.Information($"Platform outputs read from stack {StackName} (ProvisionInfra did not run in this build)");
        return outputs;
    }

    PlatformOutputs Parse(StackDeployResult result)
    {
        try
        {
            return result.Platform;
        }
        catch (PlatformOutputsException e)
        {
            throw new BuildFailedException($"Stack {StackName}: {e.Message}", e);
        }
    }
}
