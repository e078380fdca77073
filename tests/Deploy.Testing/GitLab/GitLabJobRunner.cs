using System.Text.Json;

namespace Deploy.Testing.GitLab;

/// <summary>
/// Runs jobs of a checkout's <c>.gitlab-ci.yml</c> as a GitLab runner would: gitlab-ci-local with the shell executor in
/// the checkout itself, GitLab's predefined variables given explicitly (none guessed from the machine), a private HOME
/// and TMPDIR, no AWS configuration or keys of this machine, and the job's <c>id_tokens</c> token as an environment
/// variable (how GitLab hands it over: no file, no argument).
/// </summary>
public sealed class GitLabJobRunner
{
    private readonly string gitlabCiLocal;

    /// <param name="gitlabCiLocal">The gitlab-ci-local executable (the version Lint installs).</param>
    /// <param name="checkout">The repository the jobs run in (their CI_PROJECT_DIR).</param>
    /// <param name="scratch">A directory of the test's own for the runner's HOME and TMPDIR.</param>
    public GitLabJobRunner(string gitlabCiLocal, string checkout, string scratch)
    {
        this.gitlabCiLocal = gitlabCiLocal;
        Checkout = checkout;
        Home = Directory.CreateDirectory(Path.Combine(scratch, "home")).FullName;
        Temp = Directory.CreateDirectory(Path.Combine(scratch, "tmp")).FullName;
    }

    public string Checkout { get; }

    public string Home { get; }

    public string Temp { get; }

    /// <summary>Where gitlab-ci-local keeps a job's log.</summary>
    public string JobLog(string job) => Path.Combine(Checkout, ".gitlab-ci-local", "output", job + ".log");

    /// <summary>The jobs the workflow and job rules select for these variables (a named job runs whatever its rules say).</summary>
    public async Task<IReadOnlyList<string>> SelectedJobsAsync(IReadOnlyDictionary<string, string> variables)
    {
        var result = await ProcessRunner.RunAsync(gitlabCiLocal, ["--list-json", "--home", Home, .. Arguments(variables)],
            Environment(token: null, tokenVariable: null), workingDirectory: Checkout, inheritEnvironment: false).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("gitlab-ci-local --list-json: " + result);
        }

        using var document = JsonDocument.Parse(string.Join('\n', result.Stdout.Split('\n').SkipWhile(l => !l.StartsWith('['))));
        return [.. document.RootElement.EnumerateArray()
            .Where(j => j.GetProperty("when").GetString() != "never")
            .Select(j => j.GetProperty("name").GetString()!)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Runs one job to its end; <paramref name="token"/>, when given, is the job's id_tokens variable.</summary>
    public Task<ProcessResult> RunAsync(string job, IReadOnlyDictionary<string, string> variables, TimeSpan timeout,
        string? token = null, string tokenVariable = "GITLAB_OIDC_TOKEN") =>
        ProcessRunner.RunAsync(gitlabCiLocal, [job, "--force-shell-executor", "--home", Home, .. Arguments(variables)],
            Environment(token, tokenVariable), timeout: timeout, workingDirectory: Checkout, inheritEnvironment: false);

    /// <summary>
    /// Lets the checkout reuse the build project <paramref name="compiledFrom"/> compiled, as a runner's cache would
    /// (hard links; build.sh keys the compiled build by the hash of its inputs, so other sources still compile their own).
    /// </summary>
    public async Task ReuseCompiledBuildAsync(string compiledFrom)
    {
        var temp = Path.Combine(compiledFrom, ".nuke", "temp");
        var target = Directory.CreateDirectory(Path.Combine(Checkout, ".nuke", "temp")).FullName;
        var result = await ProcessRunner.RunAsync("cp", ["-al", Path.Combine(temp, "build-bin"), Path.Combine(temp, "dotnet-path"), target]).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("cp -al of the compiled build: " + result);
        }
    }

    private static string[] Arguments(IReadOnlyDictionary<string, string> variables) =>
    [
        "--ignore-predefined-vars", string.Join(',', variables.Keys),
        .. variables.SelectMany(v => new[] { "--variable", $"{v.Key}={v.Value}" }),
    ];

    /// <summary>A runner's environment: no AWS keys or profiles of this machine, a private TMPDIR and HOME.</summary>
    private Dictionary<string, string> Environment(string? token, string? tokenVariable)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = Home,
            ["TMPDIR"] = Temp,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["AWS_CONFIG_FILE"] = Path.Combine(Home, "no-aws-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Home, "no-aws-credentials"),
        };
        if (token is not null && tokenVariable is not null)
        {
            environment[tokenVariable] = token;
        }

        return environment;
    }
}
