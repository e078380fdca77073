using System.Diagnostics;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Docker;
using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>
/// What the ECS/ELB tests share: tiny web images made offline from busybox-static (an <c>httpd</c> serving
/// <c>/health</c> and an index naming the version), pushing them to the local registry with the Docker CLI,
/// and removing every container the local cloud started for a state directory.
/// </summary>
public sealed class EcsTestKit : IAsyncDisposable
{
    private readonly TestCloud cloud;
    private readonly List<string> pushed = [];
    private bool loggedIn;

    public EcsTestKit(TestCloud cloud) => this.cloud = cloud;

    public DockerCli Docker { get; } = new();

    /// <summary>A web image: prints "starting &lt;version&gt;", serves <c>/</c> ("hello &lt;version&gt;") and <c>/health</c> on 8080, exits 0 on SIGTERM.</summary>
    public Task<string> PushWebImageAsync(string repository, string tag, string version, bool serveHealth = true) =>
        PushAsync(repository, tag, version, $"echo starting {version}; trap 'exit 0' TERM; httpd -f -v -p 8080 -h /www & wait", serveHealth);

    /// <summary>An image whose only process prints a line and exits 3 at once (a crash loop under a service).</summary>
    public Task<string> PushCrashingImageAsync(string repository, string tag) =>
        PushAsync(repository, tag, "crash", "echo crashing on purpose; exit 3");

    private async Task<string> PushAsync(string repository, string tag, string version, string script, bool serveHealth = true)
    {
        Assert.True(File.Exists("/bin/busybox"), "busybox-static is needed: apt-get install -y busybox-static");
        if (!loggedIn)
        {
            var password = await cloud.Cli.RunAsync("ecr", "get-login-password");
            Assert.True(password.ExitCode == 0, password.ToString());
            await Docker.MustRunAsync(["login", "--username", "AWS", "--password-stdin", cloud.Instance.RegistryHost], stdin: password.Stdout);
            loggedIn = true;
        }

        using var root = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(root.Path, "bin"));
        Directory.CreateDirectory(Path.Combine(root.Path, "www"));
        File.Copy("/bin/busybox", Path.Combine(root.Path, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "httpd", "wget", "echo", "cat", "sleep" })
        {
            File.CreateSymbolicLink(Path.Combine(root.Path, "bin", applet), "busybox");
        }

        if (serveHealth)
        {
            await File.WriteAllTextAsync(Path.Combine(root.Path, "www", "health"), "ok\n");
        }

        await File.WriteAllTextAsync(Path.Combine(root.Path, "www", "index.html"), $"hello {version}\n");
        var tar = root.Path + ".tar";
        var packed = await ProcessRunner.RunAsync("tar", ["-C", root.Path, "-cf", tar, "."]);
        Assert.True(packed.ExitCode == 0, packed.ToString());
        var uri = $"{cloud.Instance.RegistryHost}/{repository}:{tag}";
        try
        {
            var command = new JsonArray("/bin/sh", "-c", script).ToJsonString();
            await Docker.MustRunAsync(["import", "-c", $"CMD {command}", tar, uri]);
        }
        finally
        {
            File.Delete(tar);
        }

        await Docker.MustRunAsync(["push", uri]);
        pushed.Add(uri);
        return uri;
    }

    /// <summary>Containers of this local cloud (by the owner label of its state directory).</summary>
    public async Task<IReadOnlyList<string>> ContainerIdsAsync()
    {
        var result = await Docker.RunAsync(["ps", "-aq", "--filter", $"label={ContainerLabels.Owner}={ContainerLabels.OwnerValue(cloud.Instance.Options.StateDirectory)}"]);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Polls until the condition holds (or fails the test with the last state after the timeout).</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = await read();
        while (!done(last))
        {
            Assert.True(clock.Elapsed < timeout, $"timed out after {timeout.TotalSeconds:0} s waiting for {what}; last: {last}");
            await Task.Delay(500);
            last = await read();
        }

        return last;
    }

    public async ValueTask DisposeAsync()
    {
        // Stop the local cloud first: its scheduler would replace the containers removed below.
        await cloud.Instance.DisposeAsync();
        foreach (var id in await ContainerIdsAsync())
        {
            await Docker.RunAsync(["rm", "-f", id]);
        }

        foreach (var uri in pushed)
        {
            await Docker.RunAsync(["rmi", "--force", uri]);
        }

        await Docker.DisposeAsync();
    }
}
