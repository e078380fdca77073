using System.Collections;
using System.Globalization;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;

namespace Deploy.LocalCloud.Tests.CodeCommit;

/// <summary>
/// Real git in a private HOME whose only credential helper is the aws CLI's own
/// <c>aws codecommit credential-helper --ignore-host-check</c> (per-path credentials), with the local cloud's AWS variables,
/// so every request git makes carries a password computed by botocore, not by us.
/// </summary>
public sealed class GitClient : IDisposable
{
    private readonly TempDirectory root = new();
    private int counter;

    public GitClient(LocalCloudInstance cloud, string? secretKey = null, string? sessionToken = null, string? accessKeyId = null)
    {
        Home = Directory.CreateDirectory(System.IO.Path.Combine(root.Path, "home")).FullName;
        File.WriteAllText(System.IO.Path.Combine(Home, ".gitconfig"), """
            [credential]
                helper = !aws codecommit credential-helper --ignore-host-check $@
                UseHttpPath = true
            [init]
                defaultBranch = main
            """);
        Environment = BaseEnvironment(Home);
        foreach (var (name, value) in cloud.AwsEnvironment())
        {
            Environment[name] = value;
        }

        if (accessKeyId is not null)
        {
            Environment["AWS_ACCESS_KEY_ID"] = accessKeyId;
        }

        if (secretKey is not null)
        {
            Environment["AWS_SECRET_ACCESS_KEY"] = secretKey;
        }

        if (sessionToken is not null)
        {
            Environment["AWS_SESSION_TOKEN"] = sessionToken;
        }
    }

    public string Home { get; }

    public Dictionary<string, string> Environment { get; }

    public string Path(string name) => System.IO.Path.Combine(root.Path, name);

    /// <summary>Runs git; the result is returned whatever the exit code.</summary>
    public Task<ProcessResult> RunAsync(string directory, params string[] arguments) => ProcessRunner.RunAsync("git", ["-C", directory, .. arguments], Environment, inheritEnvironment: false);

    /// <summary>Runs git, which must succeed, and returns its trimmed standard output.</summary>
    public async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var result = await RunAsync(directory, arguments);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)} failed: {result}");
        return result.Stdout.Trim();
    }

    /// <summary>Writes a file, commits it and returns the commit id.</summary>
    public async Task<string> CommitAsync(string directory, string message)
    {
        var number = Interlocked.Increment(ref counter);
        await File.WriteAllTextAsync(System.IO.Path.Combine(directory, "file.txt"), $"change {number.ToString(CultureInfo.InvariantCulture)} {Guid.NewGuid():N}\n");
        await GitAsync(directory, "add", "file.txt");
        await GitAsync(directory, "commit", "-q", "-m", message);
        return await GitAsync(directory, "rev-parse", "HEAD");
    }

    public void Dispose() => root.Dispose();

    /// <summary>The test process's environment without git or AWS settings, plus a private HOME and a fixed identity.</summary>
    public static Dictionary<string, string> BaseEnvironment(string home)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        foreach (var name in environment.Keys.Where(k => k.StartsWith("GIT_", StringComparison.Ordinal) || k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(name);
        }

        environment["HOME"] = home;
        environment["XDG_CONFIG_HOME"] = System.IO.Path.Combine(home, ".config");
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        environment["GIT_TERMINAL_PROMPT"] = "0";
        environment["GIT_AUTHOR_NAME"] = environment["GIT_COMMITTER_NAME"] = "Local Cloud Test";
        environment["GIT_AUTHOR_EMAIL"] = environment["GIT_COMMITTER_EMAIL"] = "codecommit@example.test";
        environment["AWS_CONFIG_FILE"] = "/nonexistent/aws-config";
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials";
        environment["LC_ALL"] = "C";
        return environment;
    }
}
