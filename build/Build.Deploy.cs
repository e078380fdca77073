using Deploy.Aws;
using Deploy.Aws.Ecr;
using Deploy.Aws.Ecs;
using Deploy.Aws.Iam;
using Deploy.Aws.Logs;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Images;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Registry;
using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    [Parameter("How long DeployFargate and Rollback wait for the rollout (e.g. 15m, 1h)")]
    readonly TimeSpan Timeout = DeployOptions.DefaultTimeout;

    [Parameter("DeployFargate/Rollback print the task definition diff and the service changes, and change nothing")]
    readonly bool DryRun;

    [Parameter("The task definition template, relative to the repository root")]
    readonly string TaskDefinitionTemplate = "deploy/taskdef.json";

    [Parameter("Give the service's tasks a public IP (needed to pull from ECR in subnets without a NAT gateway, e.g. the default VPC's)")]
    readonly bool AssignPublicIp = true;

    [Parameter("Tasks of the service when DeployFargate creates it (an existing service keeps its count)")]
    readonly int DesiredCount = 1;

    [Parameter("The image DeployFargate deploys, <repository>:<tag> or <repository>@sha256:<digest>; default: what PushEcr pushed, else the repository's image tagged with the commit")]
    readonly string? DeployImage;

    [Parameter("DeployFargate/Rollback fail at once when another deploy of the service holds its lease, instead of waiting for it")]
    readonly bool NoWait;

    Target DeployFargate => _ => _
        .Description("Registers a task definition revision, rolls the Fargate service, waits and detects rollbacks")
        .DependsOn(PushEcr, ProvisionInfra)
        .Executes(ct => Notifying(nameof(DeployFargate), async run =>
        {
            var platform = run.Platform = await PlatformOutputsAsync(ct);
            var session = await AwsSessionAsync();
            await using var lease = await DeployLeaseAsync(platform, session, nameof(DeployFargate), ct);
            var commit = run.Commit = await DeployedCommitAsync(ct);
            var image = await ImageToDeployAsync(platform, commit, ct);
            var options = DeployOptions.ForPlatform(platform, image, session.Region, commit, Path.Combine(RootDirectory, TaskDefinitionTemplate)) with
            {
                AssignPublicIp = AssignPublicIp,
                DesiredCount = DesiredCount,
                Timeout = Timeout,
                DryRun = DryRun,
            };
            var deployer = new FargateDeployer(new EcsClient(session), new EcrClient(session), new LogsClient(session), Log);
            return await Deploying(() => deployer.DeployAsync(options, ct));
        }, ct));

    Target Rollback => _ => _
        .Description("Redeploys the service's previous task definition revision and waits for it like DeployFargate")
        .DependsOn(LocalCloud)
        .After(DeployFargate)
        .Executes(ct => Notifying(nameof(Rollback), async run =>
        {
            var platform = run.Platform = await PlatformOutputsAsync(ct);
            var session = await AwsSessionAsync();
            await using var lease = await DeployLeaseAsync(platform, session, nameof(Rollback), ct);
            var rollback = new FargateRollback(new EcsClient(session), new IamClient(session), new LogsClient(session), Log);
            var options = new RollbackOptions
            {
                Cluster = platform.ClusterName,
                ServiceName = platform.ServiceName,
                Timeout = Timeout,
                DryRun = DryRun,
                ServiceUrl = platform.LoadBalancerUrl,
            };
            return await Deploying(() => rollback.RollbackAsync(options, ct));
        }, ct));

    /// <summary>
    /// The service's deploy lease (in the platform's artifact bucket), so that two deploys of it never overlap; none for a
    /// dry run, which changes nothing.
    /// </summary>
    async Task<DeployLease?> DeployLeaseAsync(PlatformOutputs platform, AwsSession session, string target, CancellationToken cancellationToken)
    {
        if (DryRun)
        {
            return null;
        }

        var options = new DeployLeaseOptions
        {
            Cluster = platform.ClusterName,
            ServiceName = platform.ServiceName,
            Target = target,
            NoWait = NoWait,
            MaxWait = Timeout,
        };
        return await Deploying(() => DeployLease.AcquireAsync(new S3LeaseObjects(session, platform.ArtifactBucketName), options, Log, cancellationToken));
    }

    /// <summary>The commit BuildImage built (artifacts/image.json), else the host's.</summary>
    async Task<string> DeployedCommitAsync(CancellationToken cancellationToken) =>
        File.Exists(ImageFile)
            ? (await BuiltImage.ReadAsync(ImageFile, cancellationToken)).Commit
            : Host.CommitSha ?? throw new BuildFailedException($"No commit to deploy: {Path.GetRelativePath(RootDirectory, ImageFile)} is missing (run BuildImage) and git reports none.");

    /// <summary>
    /// --deploy-image, else PushEcr's artifacts/image-pushed.json (by digest), else the platform repository's image tagged with
    /// the commit; the deployer verifies it in ECR and pins a tag to its digest.
    /// </summary>
    async Task<ImageReference> ImageToDeployAsync(PlatformOutputs platform, string commit, CancellationToken cancellationToken)
    {
        var pushed = Path.Combine(ArtifactsDirectory, PushedImage.FileName);
        var reference = DeployImage
            ?? (File.Exists(pushed) ? (await PushedImage.ReadAsync(pushed, cancellationToken)).Uri : $"{platform.RepositoryUri}:{commit}");
        try
        {
            // --help documents <repository>:<tag>: a name without a registry host is the platform registry's.
            return DeployImage is null ? ImageReference.Parse(reference) : ImageReference.Parse(DeployImage, platform.RepositoryUri.Split('/')[0]);
        }
        catch (FormatException e)
        {
            throw new BuildFailedException($"{(DeployImage is null ? Path.GetRelativePath(RootDirectory, pushed) : "--deploy-image")}: {e.Message}", e);
        }
    }

    static async Task<T> Deploying<T>(Func<Task<T>> command)
    {
        try
        {
            return await command();
        }
        catch (DeployException e)
        {
            throw new BuildFailedException(e.Message, e);
        }
    }
}
