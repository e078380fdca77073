using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.Ecr;
using Deploy.Delivery.Images;
using Deploy.Delivery.Registry;
using Deploy.Delivery.Tests.Images;
using Deploy.LocalCloud.Hosting;
using Docker.DotNet;
using Xunit.Abstractions;

namespace Deploy.Delivery.Tests.Registry;

/// <summary>
/// A real local cloud (ECR and its registry on loopback) and the real Docker engine, with tiny images made offline
/// (busybox imported into an otherwise empty root file system). Images it made are removed, with every tag the pusher
/// gave them, when disposed.
/// </summary>
internal sealed class RegistryWorld : IAsyncDisposable
{
    private readonly List<string> imageIds = [];
    private readonly string root = Directory.CreateTempSubdirectory("registry-world-").FullName;

    private readonly ITestOutputHelper output;

    private RegistryWorld(LocalCloudInstance cloud, AwsSession session, ITestOutputHelper output)
    {
        this.output = output;
        Cloud = cloud;
        Session = session;
        Ecr = new EcrClient(session);
        Docker = Tools.CreateDockerClient();
    }

    public LocalCloudInstance Cloud { get; }

    public AwsSession Session { get; }

    public EcrClient Ecr { get; }

    public DockerClient Docker { get; }

    public LevelLog Log { get; } = new();

    /// <summary>Every value the pusher registered as a secret.</summary>
    public List<string> Secrets { get; } = [];

    public string StateDirectory => Cloud.Options.StateDirectory;

    public string ArtifactsDirectory => Directory.CreateDirectory(Path.Combine(root, "artifacts")).FullName;

    public static async Task<RegistryWorld> StartAsync(ITestOutputHelper output)
    {
        var cloud = await new LocalCloudBuilder().BuildAsync();
        var session = new AwsSession(new AwsSessionOptions
        {
            Region = cloud.Options.Region,
            Credentials = new BasicAWSCredentials(cloud.Options.AccessKeyId, cloud.SecretAccessKey),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = cloud.Endpoint.ToString().TrimEnd('/') },
        });
        return new RegistryWorld(cloud, session, output);
    }

    public EcrPusher Pusher() => new(Ecr, Docker, Log, Secrets.Add);

    /// <summary>Creates a repository and returns its URI (<c>127.0.0.1:&lt;port&gt;/&lt;name&gt;</c>).</summary>
    public async Task<string> CreateRepositoryAsync(string name, string mutability = "MUTABLE", bool scanOnPush = true)
    {
        var created = await Ecr.CreateRepositoryAsync(new CreateRepositoryRequest
        {
            RepositoryName = name,
            ImageTagMutability = mutability,
            ImageScanningConfiguration = new ImageScanningConfiguration(scanOnPush),
        });
        return created.Repository!.RepositoryUri!;
    }

    /// <summary>A tiny image whose content differs by <paramref name="marker"/>, as BuildImage would describe it.</summary>
    /// <remarks><paramref name="randomBytes"/> adds an incompressible file, for a push that takes a moment.</remarks>
    public async Task<BuiltImage> BuildAsync(string commit, string marker, string branch = "main", int randomBytes = 0)
    {
        var tarPath = Path.Combine(root, Guid.NewGuid().ToString("N") + ".tar");
        await using (var file = File.Create(tarPath))
        await using (var tar = new TarWriter(file))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)Convert.ToInt32("755", 8) });
            await tar.WriteEntryAsync("/bin/busybox", "bin/busybox");
            var markerEntry = new PaxTarEntry(TarEntryType.RegularFile, "marker.txt") { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(marker)) };
            await tar.WriteEntryAsync(markerEntry);
            if (randomBytes > 0)
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "random.bin") { DataStream = new MemoryStream(RandomNumberGenerator.GetBytes(randomBytes)) });
            }
        }

        var repository = "deploy-test/push-" + Guid.NewGuid().ToString("N")[..12];
        var id = await Tools.DockerAsync("import", "-c", "CMD [\"/bin/busybox\",\"cat\",\"/marker.txt\"]", tarPath, $"{repository}:{commit}");
        File.Delete(tarPath);
        imageIds.Add(id);
        await Tools.DockerAsync("tag", id, $"{repository}:{branch}");
        return new BuiltImage($"{repository}:{commit}", id, [$"{repository}:{commit}", $"{repository}:{branch}"], commit, "busybox (imported)");
    }

    /// <summary>A scan fixture for <paramref name="digest"/>: the local cloud reports these findings from now on.</summary>
    public async Task WriteFindingsAsync(string digest, string findingsJson)
    {
        var directory = Directory.CreateDirectory(Path.Combine(StateDirectory, "scan-findings"));
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, digest.Replace(':', '-') + ".json"), findingsJson);
    }

    public EcrPushOptions Options(BuiltImage image, string repositoryUri) => new()
    {
        Image = image,
        RepositoryUri = repositoryUri,
        ContainerName = "sample-service",
        ArtifactsDirectory = ArtifactsDirectory,
    };

    public async ValueTask DisposeAsync()
    {
        // The pusher's output, for reading a failure (the masking of the build is not applied here).
        foreach (var (level, text) in Log.Lines)
        {
            output.WriteLine($"{level}: {text}");
        }

        foreach (var id in imageIds)
        {
            try
            {
                await Tools.DockerAsync("rmi", "--force", id);
            }
            catch (InvalidOperationException e)
            {
                Debug.WriteLine(e.Message);
            }
        }

        Docker.Dispose();
        Session.Dispose();
        await Cloud.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }
}
