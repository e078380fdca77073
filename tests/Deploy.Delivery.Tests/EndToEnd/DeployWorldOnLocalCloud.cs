using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Aws.Ecr;
using Deploy.Aws.Ecs;
using Deploy.Aws.Iam;
using Deploy.Aws.Logs;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Images;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Registry;
using Deploy.Delivery.Tests.Images;
using Deploy.Delivery.Tests.Quality;
using Deploy.LocalCloud.Hosting;
using LocalCloudContainers = Deploy.Delivery.LocalCloud.LocalCloudContainers;
using LocalCloudInstance = Deploy.LocalCloud.Hosting.LocalCloudInstance;

namespace Deploy.Delivery.Tests.EndToEnd;

/// <summary>
/// One real local cloud (free port, its own state directory) with the platform provisioned by <see cref="StackDeployer"/>
/// as ProvisionInfra does, the real Docker engine, and tiny images made offline from busybox-static and pushed with
/// <see cref="EcrPusher"/>: a web image (httpd on 8080 serving <c>/health</c> and <c>/</c> = "&lt;version&gt; &lt;commit&gt;" from
/// the task definition's environment) and a crash-looping one (<c>echo boom; exit 3</c>). Deploys go through
/// <see cref="FargateDeployer"/> with a task definition template in the world's temp directory. On dispose: the local
/// cloud stops, then its containers (by the owner label of its state directory, never another cloud's) and the images
/// made or pulled here are removed.
/// </summary>
public sealed class DeployWorldOnLocalCloud : IAsyncLifetime, IDisposable
{
    public const string CrashLine = "boom";

    private readonly string root = Directory.CreateTempSubdirectory("deploy-e2e-").FullName;
    private readonly List<string> imageIds = [];

    private LocalCloudInstance? cloud;
    private AwsSession? session;
    private PlatformOutputs? platform;
    private BuiltImage? web;

    internal RecordingLog Log { get; private set; } = new();

    public LocalCloudInstance Cloud => cloud ?? throw new InvalidOperationException("not started");

    public AwsSession Session => session ?? throw new InvalidOperationException("not started");

    public PlatformOutputs Platform => platform ?? throw new InvalidOperationException("not provisioned");

    public EcsClient Ecs => new(Session);

    /// <summary>Everything the world writes (state, templates, artifacts), for scans of what must not leak.</summary>
    public string Root => root;

    public string StateDirectory => Path.Combine(root, "state");

    public string TemplatePath => Path.Combine(root, "taskdef.json");

    /// <summary>The web image, pushed; its URI by tag.</summary>
    public ImageReference WebImage { get; private set; } = null!;

    /// <summary>The crash-looping image, pushed.</summary>
    public ImageReference CrashImage { get; private set; } = null!;

    /// <summary>How long setting the world up took (provisioning, building and pushing), for the test output.</summary>
    public TimeSpan SetUpDuration { get; private set; }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        cloud = await new LocalCloudBuilder().WithStateDirectory(StateDirectory).WithPort(0).BuildAsync();
        session = new AwsSession(new AwsSessionOptions
        {
            Region = cloud.Options.Region,
            Credentials = new BasicAWSCredentials(cloud.Options.AccessKeyId, cloud.SecretAccessKey),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = cloud.Endpoint.ToString().TrimEnd('/') },
        });

        platform = (await ProvisionAsync()).Platform;
        await File.WriteAllTextAsync(TemplatePath, TaskDefinitionTemplateJson);

        web = await ImportAsync("web", "echo starting; mkdir -p /www; echo ok > /www/health; "
            + "echo \"$SERVICE_VERSION $SERVICE_COMMIT\" > /www/index.html; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait");
        var crash = await ImportAsync("crash", $"echo starting; echo {CrashLine}; exit 3");
        WebImage = ImageReference.Parse((await PushAsync(web)).RepositoryUri + ":" + web.Commit);
        CrashImage = ImageReference.Parse((await PushAsync(crash)).RepositoryUri + ":" + crash.Commit);
        SetUpDuration = clock.Elapsed;
    }

    /// <summary>ProvisionInfra's work: the platform stack through a change set (created, updated or unchanged).</summary>
    public async Task<StackDeployResult> ProvisionAsync()
    {
        var deployer = new StackDeployer(new CloudFormationClient(Session), new Ec2NetworkLookup(Session, Log), Log);
        return await deployer.DeployAsync(new StackDeployOptions
        {
            StackName = "deploy-platform",
            Settings = new PlatformSettings(),
            TemplatePath = Path.Combine(root, "infra", "template.json"),
            OutputsPath = Path.Combine(root, "infra", "outputs.json"),
            PollInterval = TimeSpan.FromSeconds(1),
        });
    }

    /// <summary>ProvisionInfra again (after DestroyInfra: a new stack, new roles): the world then uses the new outputs.</summary>
    public async Task<StackDeployResult> ReprovisionAsync()
    {
        var result = await ProvisionAsync();
        platform = result.Platform;
        return result;
    }

    /// <summary>Pushes the web image again (into the repository of the current platform), as PushEcr would.</summary>
    public async Task<ImageReference> PushWebAgainAsync()
    {
        var image = web ?? throw new InvalidOperationException("not started");
        return ImageReference.Parse((await PushAsync(image)).RepositoryUri + ":" + image.Commit);
    }

    /// <summary>The options DeployFargate uses for this platform, with a bounded timeout.</summary>
    public DeployOptions Options(ImageReference image, string commit) =>
        DeployOptions.ForPlatform(Platform, image, Session.Region, commit, TemplatePath) with { Timeout = TimeSpan.FromMinutes(4) };

    public FargateDeployer Deployer() => new(Ecs, new EcrClient(Session), new LogsClient(Session), Log);

    public FargateRollback Rollback() => new(Ecs, new IamClient(Session), new LogsClient(Session), Log);

    public Task<DeployResult> DeployAsync(ImageReference image, string commit) => Deployer().DeployAsync(Options(image, commit));

    /// <summary>Every task definition ARN of the service's family, any status.</summary>
    public async Task<List<string>> RevisionsAsync()
    {
        var arns = new List<string>();
        foreach (var status in new[] { "ACTIVE", "INACTIVE" })
        {
            await foreach (var arn in Ecs.ListAllTaskDefinitionsAsync(new ListTaskDefinitionsRequest { FamilyPrefix = Platform.ServiceName, Status = status }))
            {
                arns.Add(arn);
            }
        }

        return arns;
    }

    /// <summary>The service's task definition as <c>family:revision</c>.</summary>
    public async Task<string> ServiceTaskDefinitionAsync()
    {
        var service = await Ecs.DescribeServiceAsync(Platform.ClusterName, Platform.ServiceName);
        return RolloutDecision.Revision(service?.TaskDefinition);
    }

    /// <summary>The body of <c>GET /</c> through the load balancer.</summary>
    public async Task<string> GetThroughLoadBalancerAsync(HttpClient http)
    {
        using var response = await http.GetAsync(Platform.LoadBalancerUrl);
        var body = (await response.Content.ReadAsStringAsync()).Trim();
        return response.IsSuccessStatusCode ? body : throw new HttpRequestException($"{(int)response.StatusCode} {body}");
    }

    /// <summary>The recorded lines, then a fresh log (so each step's output can be asserted alone).</summary>
    public IReadOnlyList<string> TakeLog()
    {
        var lines = Log.Lines;
        Log = new RecordingLog();
        return lines;
    }

    /// <summary>xunit calls it after <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => session?.Dispose();

    public async Task DisposeAsync()
    {
        if (cloud is not null)
        {
            // Stop the local cloud first: its scheduler would replace the containers removed below.
            await cloud.DisposeAsync();
        }

        var owner = OwnerLabelValue(StateDirectory);
        foreach (var id in (await Tools.DockerAsync("ps", "-aq", "--filter", $"label={LocalCloudContainers.Label}={owner}"))
                     .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await Quietly("rm", "-f", id);
        }

        foreach (var id in imageIds)
        {
            // By id: the local tags, the pushed tags and what the tasks pulled by digest all go.
            await Quietly("rmi", "--force", id);
        }

        Directory.Delete(root, recursive: true);
    }

    /// <summary>The local cloud's owner label for a state directory (Deploy.LocalCloud's ContainerLabels.OwnerValue).</summary>
    public static string OwnerLabelValue(string stateDirectory) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDirectory).TrimEnd('/'))))[..16];

    private static async Task Quietly(params string[] arguments)
    {
        try
        {
            await Tools.DockerAsync(arguments);
        }
        catch (InvalidOperationException e)
        {
            Debug.WriteLine(e.Message);
        }
    }

    private async Task<EcrPushResult> PushAsync(BuiltImage image)
    {
        using var docker = Tools.CreateDockerClient();
        var pusher = new EcrPusher(new EcrClient(Session), docker, Log, _ => { });
        return await pusher.PushAsync(new EcrPushOptions
        {
            Image = image,
            RepositoryUri = Platform.RepositoryUri,
            ContainerName = Platform.ServiceName,
            ArtifactsDirectory = Path.Combine(root, "artifacts"),
            ScanTimeout = TimeSpan.FromSeconds(30),
        });
    }

    /// <summary>A busybox image whose command is <c>sh -c <paramref name="script"/></c>, as BuildImage would describe it.</summary>
    private async Task<BuiltImage> ImportAsync(string name, string script)
    {
        var tarPath = Path.Combine(root, name + ".tar");
        await using (var file = File.Create(tarPath))
        await using (var tar = new TarWriter(file))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)Convert.ToInt32("755", 8) });
            await tar.WriteEntryAsync("/bin/busybox", "bin/busybox");
            foreach (var applet in new[] { "sh", "echo", "mkdir", "httpd", "wget", "cat", "sleep" })
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" });
            }

            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = (UnixFileMode)Convert.ToInt32("1777", 8) });
            var marker = new PaxTarEntry(TarEntryType.RegularFile, "image.txt") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(name + " " + root)) };
            await tar.WriteEntryAsync(marker);
        }

        var commit = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var repository = "deploy-test/e2e-" + name + "-" + commit[..12];
        var command = new JsonArray("/bin/sh", "-c", script).ToJsonString();
        var id = await Tools.DockerAsync("import", "-c", $"CMD {command}", "-c", "ENV PATH=/bin", tarPath, $"{repository}:{commit}");
        File.Delete(tarPath);
        imageIds.Add(id);
        return new BuiltImage($"{repository}:{commit}", id, [$"{repository}:{commit}"], commit, "busybox (imported)");
    }

    // deploy/taskdef.json with a health check the busybox image can run.
    private const string TaskDefinitionTemplateJson = """
        {
          "family": "${SERVICE_NAME}",
          "taskRoleArn": "${TASK_ROLE_ARN}",
          "executionRoleArn": "${EXECUTION_ROLE_ARN}",
          "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"],
          "cpu": "256",
          "memory": "512",
          "containerDefinitions": [
            {
              "name": "${SERVICE_NAME}",
              "image": "${IMAGE}",
              "essential": true,
              "stopTimeout": 2,
              "portMappings": [
                { "containerPort": 8080, "protocol": "tcp", "appProtocol": "http" }
              ],
              "environment": [
                { "name": "SERVICE_VERSION", "value": "${VERSION}" },
                { "name": "SERVICE_COMMIT", "value": "${COMMIT}" }
              ],
              "healthCheck": {
                "command": ["CMD", "/bin/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"],
                "interval": 5,
                "timeout": 2,
                "retries": 2,
                "startPeriod": 0
              },
              "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                  "awslogs-group": "${LOG_GROUP}",
                  "awslogs-region": "${REGION}",
                  "awslogs-stream-prefix": "ecs"
                }
              }
            }
          ]
        }
        """;
}
