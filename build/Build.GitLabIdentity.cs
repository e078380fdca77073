using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.Sts;
using Deploy.Delivery.Infra;
using Deploy.Engine;

namespace Deploy.Build;

/// <summary>
/// GitLab's OIDC token (an <c>id_tokens</c> variable) exchanged for a role's temporary credentials by the build itself,
/// with STS AssumeRoleWithWebIdentity: the token stays in memory (no token file for the SDK to read), the token and the
/// credentials are masked in all output, and the credentials are renewed before they expire.
/// </summary>
internal sealed partial class Build
{
    [Parameter("ProvisionInfra: the GitLab project (group/project) whose CI jobs may assume the platform's Mirror and Release roles with their OIDC token; unset: no GitLab federation")]
    readonly string? GitlabProjectPath;

    [Parameter("ProvisionInfra: the GitLab instance that issues the jobs' OIDC tokens; default https://gitlab.com, on the local cloud its own GitLab issuer")]
    readonly string? GitlabUrl;

    [Parameter("ProvisionInfra: the branches whose jobs may assume the Mirror role (.gitlab-ci.yml's mirror job runs on develop); the Release role trusts PipelineBranch")]
    readonly string[] GitlabMirrorBranches = ["develop"];

    /// <summary>GitLab OIDC federation of the platform when a project is configured; the issuer is the local cloud's on the local profile.</summary>
    GitLabFederation? GitLabFederation => string.IsNullOrWhiteSpace(GitlabProjectPath)
        ? null
        : new GitLabFederation
        {
            ProjectPath = GitlabProjectPath.Trim(),
            Url = GitlabUrl ?? (Cloud == CloudKind.Local ? LocalCloudValue("AWS_ENDPOINT_URL").TrimEnd('/') + GitLabFederation.LocalIssuerPath : GitLabFederation.DefaultUrl),
            MirrorBranches = GitlabMirrorBranches,
        };

    /// <summary>After ProvisionInfra: which stack output goes into which of the GitLab project's CI/CD variables.</summary>
    void ReportGitLabRoles(IReadOnlyDictionary<string, string> outputs)
    {
        if (outputs.TryGetValue(PlatformTemplate.GitLabMirrorRoleArnOutput, out var mirror) && outputs.TryGetValue(PlatformTemplate.GitLabReleaseRoleArnOutput, out var release))
        {
            Log.Information($"GitLab CI/CD variables of {GitlabProjectPath}: AWS_MIRROR_ROLE_ARN={mirror} AWS_RELEASE_ROLE_ARN={release}");
        }
    }

    bool HasGitLabIdentity => !string.IsNullOrEmpty(GitlabOidcToken) && !string.IsNullOrEmpty(AwsRoleArn);

    /// <summary>
    /// Before anything runs: bad parameter values; then, with Cloud=Aws, half a web identity (say which half is missing) and
    /// no credential source at all.
    /// </summary>
    protected override void OnBuildInitialized()
    {
        CheckParameterValues();
        if (Cloud != CloudKind.Aws)
        {
            return;
        }

        if (!string.IsNullOrEmpty(GitlabOidcToken) && string.IsNullOrEmpty(AwsRoleArn))
        {
            throw new BuildConfigurationException(
                "GITLAB_OIDC_TOKEN is set but AWS_ROLE_ARN is not: set AWS_ROLE_ARN (or --aws-role-arn) to the role the token may assume.");
        }

        if (string.IsNullOrEmpty(GitlabOidcToken) && !string.IsNullOrEmpty(AwsRoleArn) && !Environment.ContainsKey("AWS_WEB_IDENTITY_TOKEN_FILE"))
        {
            throw new BuildConfigurationException(
                "AWS_ROLE_ARN is set but GITLAB_OIDC_TOKEN is not: give the job an id_tokens entry GITLAB_OIDC_TOKEN (aud: sts.amazonaws.com).");
        }

        CheckAwsCredentialsConfigured();
    }

    /// <summary>A session on the role's credentials; the first AWS call assumes the role.</summary>
    AwsSession GitLabRoleSession(AwsSessionOptions options)
    {
        // AssumeRoleWithWebIdentity is unsigned: the session that calls STS needs no credentials of its own.
        var sts = AwsSession.Create(options with { Credentials = new AnonymousAWSCredentials() });
        var request = new AssumeRoleWithWebIdentityRequest
        {
            RoleArn = AwsRoleArn!,
            RoleSessionName = GitLabSessionName(),
            WebIdentityToken = GitlabOidcToken!,
        };
        var credentials = new WebIdentityCredentials(new StsClient(sts), request, response =>
        {
            // Masked before the SDK hands them to anything that could print them.
            RegisterSecret(response.Credentials!.SecretAccessKey);
            RegisterSecret(response.Credentials.SessionToken);
            Log.Information($"AWS: assumed {response.AssumedRoleUser?.Arn ?? AwsRoleArn} with GITLAB_OIDC_TOKEN, valid until {response.Credentials.Expiration:u}");
        });
        return AwsSession.Create(options with { Credentials = credentials, Region = sts.Region });
    }

    /// <summary><c>gitlab-&lt;project&gt;-&lt;job id&gt;</c>: CloudTrail names the job that made each call.</summary>
    string GitLabSessionName()
    {
        string? Get(string name) => Environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        var project = Get("CI_PROJECT_PATH_SLUG") ?? Get("CI_PROJECT_NAME") ?? "build";
        var job = Get("CI_JOB_ID") ?? "local";
        var room = Math.Max(1, WebIdentityCredentials.MaxSessionNameLength - "gitlab--".Length - job.Length);
        return WebIdentityCredentials.SessionName($"gitlab-{project[..Math.Min(project.Length, room)]}-{job}");
    }
}
