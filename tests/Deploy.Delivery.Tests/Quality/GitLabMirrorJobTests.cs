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
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.Testing;
using Deploy.Testing.GitLab;

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

    private GitLabJobRunner? runner;

    private GitLabJobRunner Runner => runner ??= new GitLabJobRunner(tools.Installed.NpmBin("gitlab-ci-local"), Checkout, root);

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

        var selected = await Runner.SelectedJobsAsync(variables);
        var job = await Runner.RunAsync("mirror", variables, TimeSpan.FromMinutes(5), token);
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
        var session = IssuedSession.Find(Path.Combine(root, "state"), $"gitlab-group-app-{JobId}");
        Assert.Equal(mirrorRole, session.RoleArn);
        string[] secrets = [token, session.SecretAccessKey, session.SessionToken];
        foreach (var secret in secrets.Append(session.AccessKeyId))
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        var jobLog = Runner.JobLog("mirror");
        Assert.Contains("gitlab-group-app-" + JobId, await File.ReadAllTextAsync(jobLog), StringComparison.Ordinal);
        var scanned = SecretScan.Files(Checkout, Runner.Temp, Runner.Home).Concat(SecretScan.WrittenSince(started, Path.GetTempPath()))
            .Where(f => !f.StartsWith(Path.Combine(root, "state") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Distinct()
            .ToList();
        Assert.Contains(jobLog, scanned);
        var holding = scanned.Where(file => SecretScan.HoldsAny(file, secrets)).ToList();
        Assert.True(holding.Count == 0, "files holding the token or the session's secrets: " + string.Join(", ", holding));
        // Least privilege of the Mirror role (only this job acts as it): removing any one of its statements, or any one
        // action or resource of them, denies one of the job's calls.
        var state = Path.Combine(root, "state");
        var statements = StatementNecessity.AnalyzeStateDirectory(state).Where(v => v.Statement.RoleArn == mirrorRole).ToList();
        var elements = StatementNecessity.AnalyzeStateDirectoryElements(state).Where(v => v.Statement.RoleArn == mirrorRole).ToList();
        var tables = StatementNecessity.Table(statements) + "\n" + StatementNecessity.ElementTable(elements);
        await File.WriteAllTextAsync(Path.Combine(Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "artifacts", "iam")).FullName, "mirror-role-necessity.md"), tables);
        Assert.True(statements.Count >= 2 && statements.All(v => v.IsNeeded), tables);
        // Each statement now holds one action on one resource (the mirror lists the refs through the push: GitPush only),
        // so there is no element to leave out; the check stays for a statement that gains a second one.
        Assert.True(elements.All(v => v.IsNeeded), tables);
        Console.WriteLine($"mirror job: platform provisioned in {provisioned.TotalSeconds:0.0} s, job listed and run in {ran.TotalSeconds:0.0} s");
    }

    /// <summary>A clone of this repository on a branch named develop at HEAD, as GitLab checks a push to develop out.</summary>
    private async Task<string> CheckoutAsync()
    {
        var sha = await WorkingTreeClone.CreateAsync(RepositoryRoot.Path, Checkout, Branch);

        // Like a runner's cache: the build project compiled from these same sources is reused (build.sh keys it by the
        // hash of its inputs, so a checkout of other sources compiles its own).
        await Must(Path.Combine(RepositoryRoot.Path, "build.sh"), ["--help"], RepositoryRoot.Path, TimeSpan.FromMinutes(5));
        await Runner.ReuseCompiledBuildAsync(RepositoryRoot.Path);
        return sha;
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
    private Task<string> MintAsync(string sha) =>
        LocalGitLabTokens.MintAsync(new Uri(cloud.GitLabIssuer), cloud.Options.Region, new BasicAWSCredentials(cloud.Options.AccessKeyId, cloud.SecretAccessKey),
            new GitLabJobClaims(Project, Branch, sha, "push", long.Parse(JobId, System.Globalization.CultureInfo.InvariantCulture)));

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
                ["HOME"] = Runner.Home,
            });
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Split('\t')[0].Trim();
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
