using System.Diagnostics;
using Deploy.Aws.CodeBuild;
using Deploy.Aws.CodeCommit;
using Deploy.Aws.CodePipeline;
using Deploy.Aws.Ecr;
using Deploy.Aws.Ecs;
using Deploy.Aws.Logs;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Notifications;
using Deploy.Delivery.Release;
using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    [Parameter("How long Release follows the pipeline execution of the mirrored commit, the start included (e.g. 30m, 1h)")]
    readonly TimeSpan ReleaseTimeout = ReleaseOptions.DefaultTimeout;

    [Parameter("How long Release waits for the pipeline to start an execution for the mirrored commit before naming the rule and branch to check")]
    readonly TimeSpan ReleaseStartTimeout = ReleaseOptions.DefaultStartTimeout;

    // Mirror pushes; the push starts the pipeline (EventBridge rule → CodePipeline: Source → Build → Deploy); Release follows
    // the execution of the commit the pipeline's branch is at, and the build fails unless Deploy succeeded.
    Target Release => _ => _
        .Description("Mirrors, then follows the pipeline execution the mirrored commit starts (stages, build log, ECS rollout); fails with the reason")
        .DependsOn(Mirror)
        .Executes(async ct =>
        {
            var platform = await PlatformOutputsAsync(ct);
            var session = await AwsSessionAsync();
            var follower = new PipelineFollower(
                new CodePipelineClient(session), new CodeBuildClient(session), new LogsClient(session), new EcsClient(session), new CodeCommitClient(session), Log);
            var options = new ReleaseOptions
            {
                PipelineName = platform.PipelineName,
                CheckoutCommit = Host.CommitSha,
                TriggerRuleName = platform.PipelineTriggerRuleName,
                StackName = StackName,
                ServiceUrl = platform.LoadBalancerUrl,
                Timeout = ReleaseTimeout,
                StartTimeout = ReleaseStartTimeout,
                // A new platform has no service: DeployFargate's deployer creates it with the image the pipeline pushed
                // (PushEcr tags every image with its commit), then the pipeline's Deploy stage is retried.
                CreateMissingService = async (commit, token) =>
                {
                    var image = ImageReference.Parse($"{platform.RepositoryUri}:{commit}");
                    var deploy = DeployOptions.ForPlatform(platform, image, session.Region, commit, Path.Combine(RootDirectory, TaskDefinitionTemplate)) with
                    {
                        AssignPublicIp = AssignPublicIp,
                        DesiredCount = DesiredCount,
                        Timeout = Timeout,
                    };
                    var deployer = new FargateDeployer(new EcsClient(session), new EcrClient(session), new LogsClient(session), Log);
                    return (await Deploying(() => deployer.DeployAsync(deploy, token))).TaskDefinition;
                },
            };
            var started = Stopwatch.GetTimestamp();
            var run = new DeployRun { Platform = platform };
            ReleaseResult result;
            try
            {
                result = await follower.FollowAsync(options, ct);
            }
            catch (ReleaseException e)
            {
                await NotifyOutcomeAsync(nameof(Release), NotificationOutcome.Failed, Stopwatch.GetElapsedTime(started), e.Message, run: run, cancellationToken: ct);
                throw new BuildFailedException(e.Message, e);
            }

            run.Commit = result.Commit;
            Note(result.Summary);
            await NotifyOutcomeAsync(nameof(Release), NotificationOutcome.Succeeded, result.Duration, taskDefinition: result.TaskDefinition, run: run, cancellationToken: ct);
        });
}
