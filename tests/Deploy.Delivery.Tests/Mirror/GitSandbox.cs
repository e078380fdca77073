using System.Collections;
using System.Diagnostics;
using System.Text;
using Deploy.Delivery.Mirror;
using Deploy.Delivery.Tests.Quality;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Mirror;

/// <summary>
/// A throw-away folder with a source work tree, a private HOME and TMPDIR for every git process, and a mirror runner that
/// records every log line unmasked and every secret handed to the masker, so tests can prove no secret leaked anywhere.
/// </summary>
internal sealed class GitSandbox : IDisposable
{
    private int commitCounter;

    public GitSandbox()
    {
        Root = Directory.CreateTempSubdirectory("deploy-mirror-").FullName;
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
        Temp = Directory.CreateDirectory(Path.Combine(Root, "tmp")).FullName;
        Source = Path.Combine(Root, "source");
        Environment = ChildEnvironment(Home, Temp);
        Git(Root, "init", "-q", "-b", "main", Source);
    }

    public string Root { get; }

    public string Home { get; }

    /// <summary>TMPDIR of every git process.</summary>
    public string Temp { get; }

    /// <summary>The work tree the tests mirror from.</summary>
    public string Source { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Every line the mirror logged, unmasked.</summary>
    public RecordingLog Log { get; } = new();

    /// <summary>Every value the mirror registered as a secret.</summary>
    public List<string> RegisteredSecrets { get; } = [];

    /// <summary>Runs the mirror; a failure's message is logged too, so scans see it.</summary>
    public async Task<MirrorResult> MirrorAsync(GitMirrorOptions options, CancellationToken cancellationToken = default)
    {
        var tools = new ToolRunner(Log, masker: null, environment: Environment);
        try
        {
            return await new GitMirror(tools, Log, s => { lock (RegisteredSecrets) RegisteredSecrets.Add(s); }).RunAsync(options, cancellationToken);
        }
        catch (BuildFailedException e)
        {
            Log.Error(e.Message);
            throw;
        }
    }

    /// <summary>A bare repository in the sandbox, for file:// mirrors.</summary>
    public string CreateBare(string name)
    {
        var path = Path.Combine(Root, name);
        Git(Root, "init", "-q", "--bare", path);
        return path;
    }

    /// <summary>Commits a change to the source's current branch and returns its sha.</summary>
    public string Commit(string? directory = null, string? message = null)
    {
        directory ??= Source;
        var counter = Interlocked.Increment(ref commitCounter);
        File.WriteAllText(Path.Combine(directory, "file.txt"), $"change {counter}\n");
        Git(directory, "add", "file.txt");
        Git(directory, "commit", "-q", "-m", message ?? $"change {counter}");
        return Git(directory, "rev-parse", "HEAD");
    }

    public string Git(string directory, params string[] arguments) => Run(directory, Environment, "git", arguments);

    /// <summary>main (3 commits), feature/login, release/1.0; tags v0.9 (lightweight), v1.0 and v1.1 (annotated).</summary>
    public Dictionary<string, string> CreateHistory()
    {
        Commit();
        Git(Source, "tag", "v0.9");
        Commit();
        Git(Source, "tag", "-a", "v1.0", "-m", "release 1.0");
        Git(Source, "branch", "release/1.0");
        Commit();
        Git(Source, "checkout", "-q", "-b", "feature/login");
        Commit();
        Git(Source, "tag", "-a", "v1.1", "-m", "release 1.1");
        Git(Source, "checkout", "-q", "main");
        return Refs(Source);
    }

    /// <summary>Mirror options for this sandbox's source repository.</summary>
    public GitMirrorOptions Options(Uri remote, IGitCredentialSource credentials) =>
        new() { SourceDirectory = Source, RemoteUrl = remote, Credentials = credentials };

    /// <summary>The refs of a repository as "sha ref" pairs, peeled entries excluded.</summary>
    public Dictionary<string, string> Refs(string gitDirectory) =>
        Git(gitDirectory, "for-each-ref", "--format=%(refname) %(objectname)")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => p[1]);

    /// <summary>Asserts no secret appears in the log, the failure messages, the source's .git (config included), the given
    /// extra folders or the private TMPDIR.</summary>
    public void AssertNoSecretLeaked(IEnumerable<string> secrets, params string[] extraDirectories)
    {
        var all = secrets.Concat(RegisteredSecrets).Where(s => s.Length >= 8).Distinct().ToList();
        Assert.NotEmpty(all);
        Assert.True(File.Exists(Path.Combine(Source, ".git", "config")));
        foreach (var line in Log.Lines)
        {
            foreach (var secret in all)
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
        }

        foreach (var directory in extraDirectories.Append(Root))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                var text = Encoding.Latin1.GetString(File.ReadAllBytes(file));
                foreach (var secret in all)
                    Assert.False(text.Contains(secret, StringComparison.Ordinal), $"A secret was written to {file}");
            }
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(Temp));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A git child still closing a file; the folder is in the temp directory anyway.
        }
    }

    public static string Run(string directory, IReadOnlyDictionary<string, string> environment, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}{output}");
        return output.Trim();
    }

    /// <summary>The process environment with a private HOME/TMPDIR, no system git config, a fixed identity.</summary>
    public static Dictionary<string, string> ChildEnvironment(string home, string temp)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        foreach (var name in environment.Keys.Where(k => k.StartsWith("GIT_", StringComparison.Ordinal) || k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
            environment.Remove(name);
        environment["HOME"] = home;
        environment["TMPDIR"] = temp;
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        environment["GIT_AUTHOR_NAME"] = environment["GIT_COMMITTER_NAME"] = "Mirror Test";
        environment["GIT_AUTHOR_EMAIL"] = environment["GIT_COMMITTER_EMAIL"] = "mirror@example.test";
        return environment;
    }
}
