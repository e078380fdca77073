using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Delivery.Infra;
using Deploy.LocalCloud.Hosting;
using Deploy.Testing;

namespace Deploy.Delivery.Tests.Quality;

/// <summary>
/// The repository's <c>mirror</c> job as GitLab runs it for a push to develop: gitlab-ci-local (shell executor) runs the
/// job's script (<c>./build.sh Mirror --profile aws</c>) in a clone of this repository, with GitLab's variables, the
/// project's CI/CD variable AWS_MIRROR_ROLE_ARN (the stack's output) and the <c>id_tokens</c> token minted by the local
/// cloud's GitLab issuer, against a local cloud whose platform was provisioned from the template with the GitLab project
/// configured. The job has no AWS key of its own: only the role's temporary credentials can push. The pushed ref is read
/// back with the aws CLI's own credential helper; neither the token nor the session's secret or token is left in the
/// job's log or in any file.
/// </summary>
[Collection(LintToolsGroup.Name)]
public sealed class GitLabMirrorJobTests(LintToolsFixture tools) : IAsyncLifetime
{
    private const string Project = "group/app";
    private const string Branch = "develop";
    private const string JobId = "4711";

    private readonly string root = Directory.CreateTempSubdirectory("gitlab-mirror-job-").FullName;
    private LocalCloudInstance cloud = null!;

    private string Checkout => Path.Combine(root, "checkout");

    private string JobTemp => Path.Combine(root, "tmp");

    private string JobHome => Path.Combine(root, "home");

    public async Task InitializeAsync() =>
        cloud = await new LocalCloudBuilder().WithStateDirectory(Path.Combine(root, "state")).WithPort(0).BuildAsync();

    [Fact]
    public async Task The_mirror_job_pushes_its_commit_with_the_roles_temporary_credentials_only_and_leaves_no_token_or_secret()
    {
        var clock = Stopwatch.StartNew();
        var started = DateTime.UtcNow.AddSeconds(-2);
        var sha = await CheckoutAsync();
        var (mirrorRole, cloneUrl) = await ProvisionAsync();
        var provisioned = clock.Elapsed;
        var token = await MintAsync(sha);
        var variables = GitLabVariables(sha, mirrorRole);

        var selected = await JobsAsync(variables);
        var job = await RunMirrorJobAsync(variables, token);
        var ran = clock.Elapsed - provisioned;

        var log = job.Stdout + job.Stderr;
        Assert.True(selected.SequenceEqual(["lint", "mirror", "test"]), "jobs for a push to develop: " + string.Join(", ", selected));
        Assert.True(job.ExitCode == 0, log);
        Assert.Contains("PASS  mirror", log, StringComparison.Ordinal);
        var roleName = mirrorRole[(mirrorRole.LastIndexOf('/') + 1)..];
        Assert.Contains($"AWS: assumed arn:aws:sts::000000000000:assumed-role/{roleName}/gitlab-group-app-{JobId} with GITLAB_OIDC_TOKEN", log, StringComparison.Ordinal);

        // The commit landed, read back by the aws CLI's own credential helper (a client nobody here wrote).
        Assert.Equal(sha, await RemoteRefAsync(cloneUrl, "refs/heads/" + Branch));

        // The only credentials the local cloud issued for the job are the Mirror role's session; none of it is left behind.
        var session = IssuedSession($"gitlab-group-app-{JobId}");
        Assert.Equal(mirrorRole, session.RoleArn);
        string[] secrets = [token, session.SecretAccessKey, session.SessionToken];
        foreach (var secret in secrets.Append(session.AccessKeyId))
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        var jobLog = Path.Combine(Checkout, ".gitlab-ci-local", "output", "mirror.log");
        Assert.Contains("gitlab-group-app-" + JobId, await File.ReadAllTextAsync(jobLog), StringComparison.Ordinal);
        var scanned = SecretScan.Files(Checkout, JobTemp, JobHome).Concat(SecretScan.WrittenSince(started, Path.GetTempPath()))
            .Where(f => !f.StartsWith(Path.Combine(root, "state") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Distinct()
            .ToList();
        Assert.Contains(jobLog, scanned);
        var holding = scanned.Where(file => SecretScan.HoldsAny(file, secrets)).ToList();
        Assert.True(holding.Count == 0, "files holding the token or the session's secrets: " + string.Join(", ", holding));
        Console.WriteLine($"mirror job: platform provisioned in {provisioned.TotalSeconds:0.0} s, job listed and run in {ran.TotalSeconds:0.0} s");
    }

    /// <summary>A clone of this repository on a branch named develop at HEAD, as GitLab checks a push to develop out.</summary>
    private async Task<string> CheckoutAsync()
    {
        await Must("git", ["clone", "-q", "--no-hardlinks", RepositoryRoot.Path, Checkout], root);
        await Must("git", ["checkout", "-q", "-B", Branch], Checkout);
        Directory.CreateDirectory(JobTemp);
        Directory.CreateDirectory(JobHome);

        // Like a runner's cache: the build project compiled from these same sources is reused (build.sh keys it by the
        // hash of its inputs, so a checkout of other sources compiles its own).
        await Must(Path.Combine(RepositoryRoot.Path, "build.sh"), ["--help"], RepositoryRoot.Path, TimeSpan.FromMinutes(5));
        var compiled = Path.Combine(RepositoryRoot.Path, ".nuke", "temp");
        var target = Directory.CreateDirectory(Path.Combine(Checkout, ".nuke", "temp")).FullName;
        await Must("cp", ["-al", Path.Combine(compiled, "build-bin"), Path.Combine(compiled, "dotnet-path"), target], root);
        return (await Must("git", ["rev-parse", "HEAD"], Checkout)).Trim();
    }

    /// <summary>ProvisionInfra's work with the GitLab project configured, the local cloud's issuer as GitLab; the Mirror role and clone URL.</summary>
    private async Task<(string MirrorRole, Uri CloneUrl)> ProvisionAsync()
    {
        using var session = new AwsSession(new AwsSessionOptions
        {
            Region = cloud.Options.Region,
            Credentials = new BasicAWSCredentials(cloud.Options.AccessKeyId, cloud.SecretAccessKey),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = cloud.Endpoint.ToString().TrimEnd('/') },
        });
        var log = new RecordingLog();
        var deployer = new StackDeployer(new CloudFormationClient(session), new Ec2NetworkLookup(session, log), log);
        var result = await deployer.DeployAsync(new StackDeployOptions
        {
            StackName = "deploy-platform",
            Settings = new PlatformSettings { GitLab = new GitLabFederation { Url = cloud.GitLabIssuer, ProjectPath = Project, MirrorBranches = [Branch] } },
            TemplatePath = Path.Combine(root, "infra", "template.json"),
            OutputsPath = Path.Combine(root, "infra", "outputs.json"),
            PollInterval = TimeSpan.FromMilliseconds(200),
        }, CancellationToken.None);
        return (result.Outputs[PlatformTemplate.GitLabMirrorRoleArnOutput], result.Platform.CodeCommitCloneUrlHttp);
    }

    /// <summary>The job's ID token, minted by the local issuer through its SigV4-signed call (the local cloud's own key).</summary>
    private async Task<string> MintAsync(string sha)
    {
        var uri = new Uri(cloud.Endpoint, LocalCloudInstance.GitLabIssuerPath + "/-/id_tokens");
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["projectPath"] = Project,
            ["ref"] = Branch,
            ["sha"] = sha,
            ["pipelineSource"] = "push",
            ["jobId"] = long.Parse(JobId, System.Globalization.CultureInfo.InvariantCulture),
        }.ToJsonString());
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = uri, Content = body };
        signing.Headers["Content-Type"] = "application/json";
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = new BasicAWSCredentials(cloud.Options.AccessKeyId, cloud.SecretAccessKey),
            Region = RegionEndpoint.GetBySystemName(cloud.Options.Region),
            Service = "sts",
            SignedAt = DateTime.UtcNow,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        foreach (var (name, value) in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!["token"]!.GetValue<string>();
    }

    /// <summary>What GitLab sets for a push to develop, the project's CI/CD variables, and where AWS is (the local cloud).</summary>
    private Dictionary<string, string> GitLabVariables(string sha, string mirrorRole) => new(StringComparer.Ordinal)
    {
        ["GITLAB_CI"] = "true",
        ["CI_PIPELINE_SOURCE"] = "push",
        ["CI_COMMIT_SHA"] = sha,
        ["CI_COMMIT_BRANCH"] = Branch,
        ["CI_COMMIT_REF_NAME"] = Branch,
        ["CI_DEFAULT_BRANCH"] = "main",
        ["CI_PROJECT_PATH"] = Project,
        ["CI_PROJECT_PATH_SLUG"] = "group-app",
        ["CI_JOB_ID"] = JobId,
        ["AWS_MIRROR_ROLE_ARN"] = mirrorRole,
        ["AWS_ENDPOINT_URL"] = cloud.Endpoint.ToString().TrimEnd('/'),
        ["AWS_REGION"] = cloud.Options.Region,
        ["AWS_DEFAULT_REGION"] = cloud.Options.Region,
    };

    private static string[] Arguments(Dictionary<string, string> variables) =>
    [
        "--ignore-predefined-vars", string.Join(',', variables.Keys),
        .. variables.SelectMany(v => new[] { "--variable", $"{v.Key}={v.Value}" }),
    ];

    /// <summary>The jobs the rules select for these variables (gitlab-ci-local runs a named job whatever its rules say).</summary>
    private async Task<List<string>> JobsAsync(Dictionary<string, string> variables)
    {
        var result = await ProcessRunner.RunAsync(tools.Installed.NpmBin("gitlab-ci-local"), ["--list-json", "--home", JobHome, .. Arguments(variables)],
            JobEnvironment(token: null), workingDirectory: Checkout, inheritEnvironment: false);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(string.Join('\n', result.Stdout.Split('\n').SkipWhile(l => !l.StartsWith('['))));
        return [.. document.RootElement.EnumerateArray().Where(j => j.GetProperty("when").GetString() != "never").Select(j => j.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>Runs the job; the token reaches it as GitLab hands id_tokens over, an environment variable (no file, no argument).</summary>
    private Task<ProcessResult> RunMirrorJobAsync(Dictionary<string, string> variables, string token) =>
        ProcessRunner.RunAsync(tools.Installed.NpmBin("gitlab-ci-local"), ["mirror", "--force-shell-executor", "--home", JobHome, .. Arguments(variables)],
            JobEnvironment(token), timeout: TimeSpan.FromMinutes(5), workingDirectory: Checkout, inheritEnvironment: false);

    /// <summary>A runner's environment: no AWS keys or profiles of this machine, a private TMPDIR and HOME.</summary>
    private Dictionary<string, string> JobEnvironment(string? token)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = JobHome,
            ["TMPDIR"] = JobTemp,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["AWS_CONFIG_FILE"] = Path.Combine(JobHome, "no-aws-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(JobHome, "no-aws-credentials"),
        };
        if (token is not null)
        {
            environment["GITLAB_OIDC_TOKEN"] = token;
        }

        return environment;
    }

    /// <summary><c>git ls-remote</c> with <c>aws codecommit credential-helper</c> signing for the local cloud's own key.</summary>
    private async Task<string> RemoteRefAsync(Uri cloneUrl, string reference)
    {
        var result = await ProcessRunner.RunAsync("git",
            ["-c", "credential.helper=", "-c", "credential.helper=!aws codecommit credential-helper --ignore-host-check $@", "-c", "credential.useHttpPath=true",
             "ls-remote", cloneUrl.ToString(), reference],
            new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = cloud.Options.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = cloud.SecretAccessKey,
                ["AWS_DEFAULT_REGION"] = cloud.Options.Region,
                ["AWS_CONFIG_FILE"] = "/nonexistent/aws-config",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials",
                ["GIT_TERMINAL_PROMPT"] = "0",
                ["HOME"] = JobHome,
            });
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Split('\t')[0].Trim();
    }

    /// <summary>The session the local cloud issued under that name, from its state (the only place that holds it).</summary>
    private (string RoleArn, string AccessKeyId, string SecretAccessKey, string SessionToken) IssuedSession(string sessionName)
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "state", "sessions.json")));
        var session = Assert.Single(state.RootElement.GetProperty("sessions").EnumerateArray(), s => s.GetProperty("sessionName").GetString() == sessionName);
        return (session.GetProperty("roleArn").GetString()!, session.GetProperty("accessKeyId").GetString()!,
            session.GetProperty("secretAccessKey").GetString()!, session.GetProperty("sessionToken").GetString()!);
    }

    private static async Task<string> Must(string file, string[] arguments, string directory, TimeSpan? timeout = null)
    {
        var result = await ProcessRunner.RunAsync(file, arguments, workingDirectory: directory, timeout: timeout);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {result}");
        return result.Stdout;
    }

    public async Task DisposeAsync()
    {
        await cloud.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }
}
