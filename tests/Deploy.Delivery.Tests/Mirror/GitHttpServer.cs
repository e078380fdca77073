using System.Diagnostics;
using Deploy.Delivery.Tests.Images;

namespace Deploy.Delivery.Tests.Mirror;

/// <summary>Fixed AWS credentials the tests sign with (never real).</summary>
internal static class TestAws
{
    public const string AccessKey = "AKIAMIRRORTEST0001";
    public const string SecretKey = "mirrorTestSecretKey/Abc123+XyzDoNotLeak0001";
    public const string SessionToken = "IQoJb3JpZ2luX2VjMirrorSessionTokenDoNotLeak//+0001==";
    public const string Region = "us-east-1";

    public static string[] Secrets => [SecretKey, SessionToken];

    public static string Script => Path.Combine(Tools.RepositoryRoot(), "tests", "Deploy.Delivery.Tests", "Mirror", "git_http_server.py");

    public static Dictionary<string, string> Environment(bool withToken = true)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        };
        if (withToken)
            environment["AWS_SESSION_TOKEN"] = SessionToken;
        return environment;
    }

    /// <summary>The independent Python implementation: (username, password) for <paramref name="url"/> at <paramref name="timestamp"/>.</summary>
    public static (string Username, string Password) PythonSign(string url, string region, string timestamp, bool withToken = true)
    {
        var environment = GitSandbox.ChildEnvironment(Path.GetTempPath(), Path.GetTempPath());
        foreach (var (name, value) in Environment(withToken))
            environment[name] = value;
        var output = GitSandbox.Run(Path.GetTempPath(), environment, "python3", Script, "sign", "--url", url, "--region", region, "--ts", timestamp);
        var values = output.Split('\n').Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return (values["username"], values["password"]);
    }
}

/// <summary>
/// The test-only git smart-HTTP server (git_http_server.py: git-http-backend behind Basic auth on loopback), in SigV4 mode
/// (the Python implementation checks CodeCommit passwords for <see cref="TestAws"/>) or static mode.
/// </summary>
internal sealed class GitHttpServer : IDisposable
{
    public const string StaticUsername = "mirror-user";
    public const string StaticPassword = "static-Git-Password-DoNotLeak-0001";

    private readonly Process process;

    public GitHttpServer(string auth)
    {
        Root = Directory.CreateTempSubdirectory("deploy-mirror-server-").FullName;
        LogFile = Path.Combine(Root, "requests.log");
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { TestAws.Script, "serve", "--root", Root, "--auth", auth, "--region", TestAws.Region, "--log", LogFile })
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in TestAws.Environment())
            start.Environment[name] = value;
        start.Environment["EXPECTED_USERNAME"] = StaticUsername;
        start.Environment["EXPECTED_PASSWORD"] = StaticPassword;
        process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("git_http_server.py did not start.");
        Port = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Root { get; }

    public int Port { get; }

    public string LogFile { get; }

    /// <summary>Creates an empty bare repository served at <c>/v1/repos/&lt;name&gt;</c> and returns its URL.</summary>
    public Uri CreateRepository(string name, IReadOnlyDictionary<string, string> environment)
    {
        var path = RepositoryPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        GitSandbox.Run(Root, environment, "git", "init", "-q", "--bare", path);
        return Url(name);
    }

    public Uri Url(string name) => new($"http://127.0.0.1:{Port}/v1/repos/{name}");

    public string RepositoryPath(string name) => Path.Combine(Root, "v1", "repos", name);

    /// <summary>The requests made so far for one repository, as "METHOD path status".</summary>
    public IReadOnlyList<string> Requests(string name) =>
        File.Exists(LogFile)
            ? [.. File.ReadAllLines(LogFile).Where(l => l.Contains($"/v1/repos/{name}/", StringComparison.Ordinal))]
            : [];

    public void Dispose()
    {
        try
        {
            process.Kill();
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>One SigV4 server and one static-credential server for a whole test class.</summary>
public sealed class GitHttpServers : IDisposable
{
    internal GitHttpServer SigV4 { get; } = new("sigv4");

    internal GitHttpServer Static { get; } = new("static");

    public void Dispose()
    {
        SigV4.Dispose();
        Static.Dispose();
    }
}
