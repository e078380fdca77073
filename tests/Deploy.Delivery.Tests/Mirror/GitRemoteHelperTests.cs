using Deploy.Delivery.Mirror;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Mirror;

/// <summary>The mirror's one <c>git remote-http</c> per run (GitRemoteHelper): rejected refs read from its status lines, and
/// cancellation stopping it while a server does not answer.</summary>
public sealed class GitRemoteHelperTests(GitHttpServers servers) : IClassFixture<GitHttpServers>, IDisposable
{
    private static readonly string[] StaticSecrets = [GitHttpServer.StaticPassword];

    private readonly GitSandbox sandbox = new();

    [Fact]
    public async Task A_push_the_server_declines_fails_naming_the_ref_and_the_reason_and_shows_the_servers_message()
    {
        sandbox.CreateHistory();
        var remote = servers.Static.CreateRepository("declined", sandbox.Environment);
        var hook = Path.Combine(servers.Static.RepositoryPath("declined"), "hooks", "pre-receive");
        File.WriteAllText(hook, "#!/bin/sh\necho 'pushes are frozen today' >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => sandbox.MirrorAsync(sandbox.Options(remote, StaticCredentials())));

        Assert.StartsWith($"The push to {remote} was rejected for ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("refs/heads/main (pre-receive hook declined)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("no match", failure.Message, StringComparison.Ordinal);
        Assert.Contains(sandbox.Log.Lines, l => l.Contains("pushes are frozen today", StringComparison.Ordinal));
        Assert.Empty(sandbox.Refs(servers.Static.RepositoryPath("declined")));
        sandbox.AssertNoSecretLeaked(StaticSecrets, servers.Static.RepositoryPath("declined"));
    }

    [Fact]
    public async Task Cancelling_while_the_server_does_not_answer_stops_git_at_once()
    {
        sandbox.CreateHistory();
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (the kernel's backlog) and never answers
        var remote = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/v1/repos/silent");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var started = System.Diagnostics.Stopwatch.StartNew();

        // Bounded: a mirror that ignored the cancellation would fail here with a TimeoutException instead of hanging.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            sandbox.MirrorAsync(sandbox.Options(remote, StaticCredentials()), cancellation.Token).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"the mirror stopped {started.Elapsed.TotalSeconds:0.0} s after it started");
        for (var waited = 0; HelperAlive(remote) && waited < 40; waited++)
            await Task.Delay(50); // the kill is a signal: give the kernel a moment
        Assert.False(HelperAlive(remote), "git remote-http still runs after the cancellation");
        sandbox.AssertNoSecretLeaked(StaticSecrets);
    }

    private static bool HelperAlive(Uri remote) =>
        System.Diagnostics.Process.GetProcessesByName("git-remote-http").Any(p =>
        {
            try
            {
                return File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(remote.AbsoluteUri, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false; // gone meanwhile
            }
        });

    public void Dispose() => sandbox.Dispose();

    private static StaticGitCredentialSource StaticCredentials() => new(GitHttpServer.StaticUsername, GitHttpServer.StaticPassword);
}
