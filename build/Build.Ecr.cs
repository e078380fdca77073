using Deploy.Aws.Ecr;
using Deploy.Delivery.Images;
using Deploy.Delivery.LocalCloud;
using Deploy.Delivery.Machine;
using Deploy.Delivery.Registry;
using Deploy.Engine;
using Docker.DotNet;

namespace Deploy.Build;

internal sealed partial class Build
{
    [Parameter("PushEcr fails on image scan findings at or above this severity (None: never)")]
    readonly SeverityThreshold FailOnSeverity = SeverityThreshold.Critical;

    [Parameter("How long PushEcr waits for the scan-on-push findings (e.g. 90s, 5m)")]
    readonly TimeSpan ScanTimeout = EcrPushOptions.DefaultScanTimeout;

    Target PushEcr => _ => _
        .Description("Pushes the image to ECR, verifies the digest and awaits the scan findings")
        .DependsOn(BuildImage, ProvisionInfra)
        .Executes(async ct =>
        {
            if (!File.Exists(ImageFile))
            {
                throw new BuildFailedException($"{Path.GetRelativePath(RootDirectory, ImageFile)} is missing; run BuildImage.");
            }

            var platform = await PlatformOutputsAsync(ct);
            var session = await AwsSessionAsync();
            using var configuration = new DockerClientConfiguration(DockerEngine.Endpoint(Environment));
            using var docker = configuration.CreateClient();
            var pusher = new EcrPusher(new EcrClient(session), docker, Log, RegisterSecret);
            var result = await pusher.PushAsync(
                new EcrPushOptions
                {
                    Image = await BuiltImage.ReadAsync(ImageFile, ct),
                    RepositoryUri = platform.RepositoryUri,
                    ContainerName = platform.ServiceName,
                    ArtifactsDirectory = ArtifactsDirectory,
                    FailOnSeverity = FailOnSeverity,
                    ScanTimeout = ScanTimeout,
                    SummaryOnly = IsServerBuild,
                    RegistryWatch = Cloud == CloudKind.Local ? EndpointWatch.ForLocalCloud(new Uri(LocalCloudValue("AWS_ENDPOINT_URL"))) : null,
                },
                ct);
            Note(result.Summary);
        });
}
