using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deploy.Testing;

namespace Deploy.Build.Tests.Release;

/// <summary>
/// The seed flow as a new user meets it: a fresh clone of this repository (the working tree as it is on disk, committed in
/// the clone on <c>main</c>), whose own <c>./build.sh Release</c> starts a local cloud on a free port, provisions the
/// platform, mirrors to its CodeCommit and follows the pipeline (Source → CodeBuild running buildspec.yml in a container →
/// ECS) to a served service. That first release happens once, here; the tests then commit on the clone's main and run the
/// build as a user would. On dispose: LocalCloudDown (the local cloud and its containers, builds included), the images of
/// the clone's commits, the directory.
/// </summary>
public sealed partial class ReleaseWorld : IAsyncLifetime
{
    /// <summary>The GitLab project the platform federates with (its Mirror and Release roles trust this project's jobs).</summary>
    public const string GitLabProject = "group/app";

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(20);

    /// <summary>The local cloud's roles and its decision trail.</summary>
    private static readonly string[] IamFiles = ["iam.json", "iam-decisions.jsonl"];

    private readonly string directory = Directory.CreateTempSubdirectory("deploy-release-e2e-").FullName;
    private readonly List<string> commits = [];

    /// <summary>The clone: a repository of its own, with the local cloud's state under its .nuke/temp.</summary>
    public string Repository => Path.Combine(directory, "repo");

    /// <summary>The clone's local cloud port.</summary>
    public int Port { get; } = FreePort.Next();

    /// <summary>The commit the first release deployed (the working tree under test).</summary>
    public string FirstCommit { get; private set; } = "";

    /// <summary><c>./build.sh Release</c> in the fresh clone.</summary>
    public BuildScript.Result FirstRelease { get; private set; } = null!;

    public TimeSpan FirstReleaseDuration { get; private set; }

    /// <summary>What the service answered right after the first release.</summary>
    public string? FirstServedCommit { get; private set; }

    /// <summary>The load balancer's URL, as Release printed it.</summary>
    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>
    /// The local cloud's roles and its IAM decision trail as they were right after the first release (later tests add
    /// to the trail in whatever order they run): what the least-privilege analysis reads.
    /// </summary>
    public string FirstReleaseIam => Path.Combine(directory, "first-release-iam");

    public async Task InitializeAsync()
    {
        await CloneWorkingTreeAsync();
        var clock = Stopwatch.StartNew();
        FirstRelease = await BuildAsync("Release");
        FirstReleaseDuration = clock.Elapsed;
        SnapshotIam(FirstReleaseIam);

        if (ServiceUrlLine().Match(FirstRelease.Output) is { Success: true } url)
        {
            ServiceUrl = new Uri(url.Groups["url"].Value);
            FirstServedCommit = await ServedCommitAsync();
        }
    }

    /// <summary>Copies the local cloud's roles and IAM decision trail, as they are now, into <paramref name="target"/>.</summary>
    public void SnapshotIam(string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in IamFiles.Where(f => File.Exists(Path.Combine(LocalCloudStateDirectory, f))))
        {
            File.Copy(Path.Combine(LocalCloudStateDirectory, file), Path.Combine(target, file), overwrite: true);
        }
    }

    /// <summary>Runs <c>./build.sh</c> in the clone against its local cloud.</summary>
    public Task<BuildScript.Result> BuildAsync(params string[] arguments) => BuildAsync(new Dictionary<string, string>(), arguments);

    /// <summary>Runs <c>./build.sh</c> in the clone against its local cloud, with these environment variables.</summary>
    /// <remarks>Every run configures the GitLab project (as a user's parameters file would), so ProvisionInfra keeps the
    /// federation the GitLab job tests use.</remarks>
    public Task<BuildScript.Result> BuildAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        BuildScript.RunProcessAsync(Path.Combine(Repository, "build.sh"), [.. arguments, "--local-cloud-port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string>(environment) { ["GITLAB_PROJECT_PATH"] = GitLabProject }, Repository, RunTimeout);

    /// <summary>The local cloud's state directory in the clone.</summary>
    public string LocalCloudStateDirectory => Path.Combine(Repository, ".nuke", "temp", "local-cloud", "state");

    /// <summary>The variables of the clone's local cloud env file (endpoint, region, administrator key), as the README tells users to load them.</summary>
    public Dictionary<string, string> LocalCloudEnvironment() =>
        File.ReadAllLines(Path.Combine(Repository, ".nuke", "temp", "local-cloud", "env"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (l.StartsWith("export ", StringComparison.Ordinal) ? l[7..] : l).Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim('"', '\''));


    /// <summary>Edits a file of the clone and commits it on main; returns the commit.</summary>
    public async Task<string> CommitAsync(string path, Func<string, string> edit, string message)
    {
        var file = Path.Combine(Repository, path);
        await File.WriteAllTextAsync(file, edit(File.Exists(file) ? await File.ReadAllTextAsync(file) : ""));
        await GitAsync("add", "-A");
        await GitAsync("commit", "-q", "-m", message);
        var commit = (await GitAsync("rev-parse", "HEAD")).Trim();
        commits.Add(commit);
        return commit;
    }

    /// <summary>Undoes the last commit with a new one (kept local: the next test's push carries it).</summary>
    public async Task RevertLastAsync()
    {
        await GitAsync("revert", "--no-edit", "HEAD");
        commits.Add((await GitAsync("rev-parse", "HEAD")).Trim());
    }

    /// <summary>The commit the service answers with through the load balancer.</summary>
    public async Task<string?> ServedCommitAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var body = await http.GetStringAsync(ServiceUrl);
        return JsonNode.Parse(body)?["commit"]?.GetValue<string>();
    }

    /// <summary>The aws CLI pointed at the clone's local cloud by its env file, as the README tells users.</summary>
    public async Task<JsonNode> AwsAsync(params string[] arguments)
    {
        var result = await BuildScript.RunProcessAsync("aws", [.. arguments, "--output", "json"], LocalCloudEnvironment(), Repository);
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)}: {result.Error}");
        return JsonNode.Parse(result.Output) ?? throw new JsonException("aws printed nothing");
    }

    /// <summary>The pipeline's executions, newest first.</summary>
    public async Task<IReadOnlyList<JsonNode>> ExecutionsAsync() =>
        [.. (await AwsAsync("codepipeline", "list-pipeline-executions", "--pipeline-name", "sample-service-pipeline"))["pipelineExecutionSummaries"]!.AsArray()!];

    public async Task DisposeAsync()
    {
        await BuildAsync("LocalCloudDown");
        foreach (var commit in commits.Append(FirstCommit).Where(c => c.Length > 0))
        {
            // The images BuildImage made for the clone's commits (the host's images of other checkouts stay).
            await BuildScript.RunProcessAsync("docker", ["image", "rm", "-f", $"deploy/sample-service:{commit}", $"127.0.0.1:{Port}/sample-service:{commit}"]);
        }

        Directory.Delete(directory, recursive: true);
    }

    private async Task CloneWorkingTreeAsync() =>
        FirstCommit = await WorkingTreeClone.CreateAsync(BuildScript.Root, Repository, "main", "Release Test");

    private Task<string> GitAsync(params string[] arguments) => Git(Repository, arguments);

    private static async Task<string> Git(string workingDirectory, params string[] arguments)
    {
        var result = await BuildScript.RunProcessAsync("git", arguments, workingDirectory: workingDirectory);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)}: {result.Error}");
        return result.Output;
    }

    [GeneratedRegex(@"^Service URL: (?<url>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ServiceUrlLine();
}
