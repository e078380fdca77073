using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.Sts;
using Deploy.Engine;

namespace Deploy.Build;

/// <summary>
/// GitLab's OIDC token (an <c>id_tokens</c> variable) exchanged for a role's temporary credentials by the build itself,
/// with STS AssumeRoleWithWebIdentity: the token stays in memory (no token file for the SDK to read), the token and the
/// credentials are masked in all output, and the credentials are renewed before they expire.
/// </summary>
internal sealed partial class Build
{
    bool HasGitLabIdentity => !string.IsNullOrEmpty(GitlabOidcToken) && !string.IsNullOrEmpty(AwsRoleArn);

    /// <summary>Half a web identity is a misconfigured job: say which half is missing before anything runs.</summary>
    protected override void OnBuildInitialized()
    {
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
