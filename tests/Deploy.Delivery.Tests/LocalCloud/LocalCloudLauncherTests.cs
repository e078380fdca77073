using System.Net;
using Deploy.Delivery.LocalCloud;
using Deploy.Delivery.Tests.Quality;
using Deploy.Engine;
using Deploy.Testing;

namespace Deploy.Delivery.Tests.LocalCloud;

public sealed class LocalCloudLauncherTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("deploy-local-cloud-").FullName;
    private readonly RecordingLog log = new();
    private readonly LocalCloudLauncher launcher;

    public LocalCloudLauncherTests()
    {
        var settings = new LocalCloudSettings { RootDirectory = RepositoryRoot.Path, WorkDirectory = work, Port = FreePort.Next() };
        launcher = new LocalCloudLauncher(settings, new ToolRunner(log), log);
    }

    [Fact]
    public async Task The_local_cloud_is_started_once_then_reused_and_stopped_on_request()
    {
        var endpoint = await launcher.EnsureRunningAsync(DotnetHost, CancellationToken.None);
        var first = LocalCloudInstance.Read(Path.Combine(work, "instance.json"));

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(endpoint, "/health"))).StatusCode);
        var env = await File.ReadAllLinesAsync(Path.Combine(work, "env"));
        Assert.Contains($"AWS_ENDPOINT_URL={endpoint.ToString().TrimEnd('/')}", env);
        Assert.Contains("AWS_REGION=us-east-1", env);
        // The secret is the state directory's own, random one, and the env file that carries it is the owner's only.
        var secret = (await File.ReadAllTextAsync(Path.Combine(work, "state", "secret-access-key"))).Trim();
        Assert.Contains($"AWS_SECRET_ACCESS_KEY={secret}", env);
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY=localsecret", env);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(work, "env")));
        }

        await launcher.EnsureRunningAsync(DotnetHost, CancellationToken.None);
        var second = LocalCloudInstance.Read(Path.Combine(work, "instance.json"));
        Assert.NotNull(first);
        Assert.Equal(first.ProcessId, second?.ProcessId);
        Assert.Contains(log.Lines, l => l.StartsWith("Local cloud already running", StringComparison.Ordinal));

        Assert.True(await launcher.StopAsync(CancellationToken.None));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri(endpoint, "/health")));
        Assert.False(File.Exists(Path.Combine(work, "env")));
    }

    [Fact]
    public async Task A_foreign_server_on_the_port_is_reported_instead_of_reused()
    {
        using var listener = new HttpListener();
        var port = FreePort.Next();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            context.Response.StatusCode = 200;
            context.Response.Close();
        });
        var foreign = new LocalCloudLauncher(new LocalCloudSettings { RootDirectory = RepositoryRoot.Path, WorkDirectory = work, Port = port }, new ToolRunner(log), log);

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => foreign.EnsureRunningAsync(DotnetHost, CancellationToken.None));

        Assert.Contains($"Port {port} already answers /health but not as our local cloud", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_checkouts_local_cloud_on_the_port_is_named_with_its_state_directory()
    {
        await launcher.EnsureRunningAsync(DotnetHost, CancellationToken.None);
        var otherWork = Directory.CreateTempSubdirectory("deploy-local-cloud-other-").FullName;
        try
        {
            var port = new Uri(File.ReadAllLines(Path.Combine(work, "env")).Single(l => l.StartsWith("AWS_ENDPOINT_URL=", StringComparison.Ordinal))["AWS_ENDPOINT_URL=".Length..]).Port;
            var other = new LocalCloudLauncher(new LocalCloudSettings { RootDirectory = RepositoryRoot.Path, WorkDirectory = otherWork, Port = port }, new ToolRunner(log), log);

            var error = await Assert.ThrowsAsync<BuildFailedException>(() => other.EnsureRunningAsync(DotnetHost, CancellationToken.None));

            Assert.Equal(
                $"Port {port} is taken by the local cloud of another checkout (state: {Path.Combine(work, "state")}): run './build.sh LocalCloudDown' in that checkout, or pass --local-cloud-port <free port> here.",
                error.Message);
        }
        finally
        {
            Directory.Delete(otherWork, recursive: true);
        }
    }

    [Fact]
    public void Containers_are_matched_by_the_same_owner_label_the_local_cloud_writes()
    {
        // The local cloud labels its containers with the first 16 hex digits of SHA-256 over its full state directory.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("/srv/state"u8))[..16];

        Assert.Equal(expected, LocalCloudContainers.OwnerValue("/srv/state/"));
        Assert.NotEqual(LocalCloudContainers.OwnerValue("/srv/other"), LocalCloudContainers.OwnerValue("/srv/state"));
    }

    [Fact]
    public async Task Stopping_in_a_fresh_checkout_without_a_work_directory_reports_nothing_running()
    {
        var fresh = new LocalCloudSettings { RootDirectory = RepositoryRoot.Path, WorkDirectory = Path.Combine(work, "never-made"), Port = FreePort.Next() };

        Assert.False(await new LocalCloudLauncher(fresh, new ToolRunner(log), log).StopAsync(CancellationToken.None));
    }

    private static string DotnetHost => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public void Dispose()
    {
        launcher.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        Directory.Delete(work, recursive: true);
    }
}
