using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Quality;
using Deploy.Engine;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.Testing;
using Deploy.Testing.GitLab;

namespace Deploy.Build.Tests.Release;

/// <summary>
/// The repository's <c>release</c> job as GitLab runs it for a push to the default branch: gitlab-ci-local (shell
/// executor) runs <c>./build.sh Release --profile aws</c> in the clone, with GitLab's variables, the project's CI/CD
/// variable AWS_RELEASE_ROLE_ARN (what ProvisionInfra printed for it) and the <c>id_tokens</c> token minted by the local
/// cloud's GitLab issuer. The job has no key of its own: it mirrors and follows the pipeline as the Release role.
/// </summary>
public sealed partial class ReleaseEndToEndTests
{
    private const string JobId = "4713";

    /// <summary>Release role statements the successful job does not exercise, and why they stay.</summary>
    private static readonly Dictionary<string, string> NeededBeyondTheReleaseJob = new(StringComparer.Ordinal)
    {
        // A failed Deploy stage is explained from the stopped tasks and the failed revision's containers (EcsDeployWatch,
        // StoppedTasksReport); this job's deploy succeeds.
        ["GitLabReleaseRole/WatchTheServicesTasks"] = "ecs:DescribeTasks of a failed rollout",
        ["GitLabReleaseRole/ListTheServicesTasks"] = "ecs:ListTasks of a failed rollout",
        ["GitLabReleaseRole/ReadTaskDefinitions"] = "ecs:DescribeTaskDefinition of a failed rollout",
    };

    /// <summary>Actions and resources of the Release role's needed statements this job does not use, and why they stay.</summary>
    private static readonly Dictionary<string, string> ElementsNeededBeyondTheReleaseJob = new(StringComparer.Ordinal)
    {
        // The service's log group is read to show a failed rollout's container output; this job's deploy succeeds.
        ["GitLabReleaseRole/ReadTheBuildAndServiceLogs/" + ServiceLogGroupArn] = "logs:GetLogEvents of a failed rollout",
        // ExecutionWatch asks it only when an execution waits with nothing running (a disabled inbound transition).
        ["GitLabReleaseRole/FollowThePipeline/codepipeline:GetPipelineState"] = "a stalled execution's transitions",
    };

    private const string ServiceLogGroupArn = "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/sample-service:*";

    [Fact]
    public async Task The_release_job_run_by_gitlab_ci_local_releases_the_commit_as_the_release_role_and_leaves_no_token_or_secret()
    {
        var releaseRole = GitLabRoleLine().Match(world.FirstRelease.Output) is { Success: true } line ? line.Groups["release"].Value
            : throw new Xunit.Sdk.XunitException("ProvisionInfra printed no GitLab CI/CD variables:\n" + world.FirstRelease.Output);
        var commit = await world.CommitAsync("release-e2e.txt", _ => "released by the GitLab job\n", "Released by the GitLab release job");
        var local = world.LocalCloudEnvironment();
        var endpoint = local["AWS_ENDPOINT_URL"];
        var administrator = new BasicAWSCredentials(local["AWS_ACCESS_KEY_ID"], local["AWS_SECRET_ACCESS_KEY"]);
        var token = await LocalGitLabTokens.MintAsync(new Uri(endpoint + GitLabFederation.LocalIssuerPath), local["AWS_REGION"], administrator,
            new GitLabJobClaims(ReleaseWorld.GitLabProject, "main", commit, "push", long.Parse(JobId, System.Globalization.CultureInfo.InvariantCulture)));
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GITLAB_CI"] = "true",
            ["CI_PIPELINE_SOURCE"] = "push",
            ["CI_COMMIT_SHA"] = commit,
            ["CI_COMMIT_BRANCH"] = "main",
            ["CI_COMMIT_REF_NAME"] = "main",
            ["CI_DEFAULT_BRANCH"] = "main",
            ["CI_PROJECT_PATH"] = ReleaseWorld.GitLabProject,
            ["CI_PROJECT_PATH_SLUG"] = ReleaseWorld.GitLabProject.Replace('/', '-'),
            ["CI_JOB_ID"] = JobId,
            ["AWS_RELEASE_ROLE_ARN"] = releaseRole,
            ["AWS_ENDPOINT_URL"] = endpoint,
            ["AWS_REGION"] = local["AWS_REGION"],
            ["AWS_DEFAULT_REGION"] = local["AWS_REGION"],
        };
        var scratch = Directory.CreateTempSubdirectory("gitlab-release-job-").FullName;
        try
        {
            var runner = new GitLabJobRunner(await GitLabCiLocalAsync(), world.Repository, scratch);
            var started = DateTime.UtcNow.AddSeconds(-2);

            var selected = await runner.SelectedJobsAsync(variables);
            var job = await runner.RunAsync("release", variables, TimeSpan.FromMinutes(15), token);

            var log = job.Stdout + job.Stderr;
            output.WriteLine(log);
            Assert.True(selected.SequenceEqual(["lint", "release", "test"]), "jobs for a push to the default branch: " + string.Join(", ", selected));
            Assert.True(job.ExitCode == 0, log);
            Assert.Contains("PASS  release", log, StringComparison.Ordinal);
            var roleName = releaseRole[(releaseRole.LastIndexOf('/') + 1)..];
            var sessionName = $"gitlab-{ReleaseWorld.GitLabProject.Replace('/', '-')}-{JobId}";
            Assert.Contains($"assumed-role/{roleName}/{sessionName} with GITLAB_OIDC_TOKEN", log, StringComparison.Ordinal);
            Assert.Contains("Stage Deploy: Succeeded", log, StringComparison.Ordinal);
            Assert.Equal(commit, await world.ServedCommitAsync());

            // The Release role's session is the only credential the job had; neither it nor the token is left behind.
            var session = IssuedSession.Find(world.LocalCloudStateDirectory, sessionName);
            Assert.Equal(releaseRole, session.RoleArn);
            string[] secrets = [token, session.SecretAccessKey, session.SessionToken];
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, log, StringComparison.Ordinal));
            var written = SecretScan.Files(runner.Home, runner.Temp, Path.Combine(world.Repository, ".gitlab-ci-local"))
                .Concat(SecretScan.WrittenSince(started, Path.GetTempPath()))
                .Where(f => !f.StartsWith(world.LocalCloudStateDirectory, StringComparison.Ordinal))
                .ToList();
            Assert.Contains(runner.JobLog("release"), written);
            var holding = written.Where(file => SecretScan.HoldsAny(file, secrets)).ToList();
            Assert.True(holding.Count == 0, "files holding the token or the session's secrets: " + string.Join(", ", holding));

            // Least privilege of the Release role (only this job acts as it): each statement was needed by one of the
            // job's calls, or is named with the reason it stays.
            world.SnapshotIam(Path.Combine(scratch, "iam"));
            var verdicts = StatementNecessity.AnalyzeStateDirectory(Path.Combine(scratch, "iam")).Where(v => v.Statement.RoleArn == releaseRole).ToList();
            var table = Report(StatementNecessity.Table(verdicts), "release-role-necessity.md");
            AssertOnlyNamedStatementsUnneeded(verdicts, NeededBeyondTheReleaseJob, table);

            var needed = verdicts.Where(v => v.IsNeeded).Select(v => v.Statement).ToHashSet();
            var elements = StatementNecessity.AnalyzeStateDirectoryElements(Path.Combine(scratch, "iam")).Where(v => needed.Contains(v.Statement)).ToList();
            var elementTable = Report(StatementNecessity.ElementTable(elements), "release-role-elements.md");
            AssertOnlyNamedElementsUnneeded(elements, ElementsNeededBeyondTheReleaseJob, elementTable);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>gitlab-ci-local at the version Lint pins, installed where Lint installs it (once, under Lint's lock).</summary>
    private async Task<string> GitLabCiLocalAsync()
    {
        var log = new TestOutputLog(output);
        var tools = new LintTools(Path.Combine(BuildScript.Root, ".nuke", "temp", "tools"), new ToolRunner(log), log);
        await tools.EnsureAsync(CancellationToken.None);
        return tools.NpmBin("gitlab-ci-local");
    }

    [GeneratedRegex(@"AWS_MIRROR_ROLE_ARN=\S+ AWS_RELEASE_ROLE_ARN=(?<release>\S+)")]
    private static partial Regex GitLabRoleLine();

    /// <summary>Lint's install output, in the test's output.</summary>
    private sealed class TestOutputLog(Xunit.Abstractions.ITestOutputHelper output) : IBuildLog
    {
        public bool IsQuiet => false;

        public void Information(string message) => output.WriteLine(message);

        public void Warning(string message) => output.WriteLine("warning: " + message);

        public void Error(string message) => output.WriteLine("error: " + message);

        public void Debug(string message)
        {
        }

        public void Write(string text) => output.WriteLine(text);
    }
}
