using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Aws.Sts;
using Deploy.Delivery.LocalCloud;
using Deploy.Engine;

namespace Deploy.Build;

/// <summary>Where the AWS targets send their calls.</summary>
enum CloudKind
{
    /// <summary>The local cloud on loopback (the default profile).</summary>
    Local,

    /// <summary>A real AWS account through the standard credential and region chains (<c>--profile aws</c>).</summary>
    Aws,
}

/// <summary>
/// The AWS wiring every AWS target uses: one session per run, created on first use from the build's Environment (never
/// the process's), every HTTP attempt logged at verbose level, the resolved secret key and session token masked.
/// </summary>
internal sealed partial class Build
{
    [Parameter("Where the AWS targets go: Local (the local cloud) or Aws (a real account; --profile aws sets it)")]
    readonly CloudKind Cloud = CloudKind.Local;

    [Parameter("AWS region (Cloud=Aws); default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region")]
    readonly string? AwsRegion;

    [Parameter("Named AWS profile from ~/.aws/config (Cloud=Aws); default: the standard credential chain")]
    readonly string? AwsProfile;

    [Parameter("Attempts per AWS call, the first included (retries throttling and transient errors)")]
    readonly int AwsMaxAttempts = 3;

    [Parameter("GitLab's OIDC ID token (the job's id_tokens entry GITLAB_OIDC_TOKEN, aud sts.amazonaws.com): with AwsRoleArn and Cloud=Aws the build assumes that role itself, keeping the token in memory"), Secret]
    readonly string? GitlabOidcToken;

    [Parameter("The role GitLab's OIDC token is exchanged for (Cloud=Aws), usually the project's CI/CD variable AWS_ROLE_ARN")]
    readonly string? AwsRoleArn;

    [Parameter("The CloudFormation stack that holds the platform")]
    readonly string StackName = "deploy-platform";

    AwsSession? awsSession;

    /// <summary>The account session, created once: by the early check before any target runs, or on first use.</summary>
    AwsSession? accountSession;

    /// <summary>The targets that call AWS; with Cloud=Aws their credentials are checked before anything runs.</summary>
    static readonly string[] AwsTargets = [nameof(ProvisionInfra), nameof(DestroyInfra), nameof(PushEcr), nameof(DeployFargate), nameof(Rollback), nameof(Mirror), nameof(Release)];

    /// <summary>
    /// Cloud=Aws and a planned target calls AWS: a credential source must exist now, not after BuildImage ran. Only the
    /// source is checked (no call is made); web identity and SSO tokens are exchanged on first use.
    /// </summary>
    void CheckAwsCredentialsConfigured()
    {
        var mirrorOnItsOwn = !string.IsNullOrEmpty(GitPassword) && CodeCommitUrl is not null;
        if (Cloud != CloudKind.Aws || !PlannedTargets.Any(t => AwsTargets.Contains(t) && !(t == nameof(Mirror) && mirrorOnItsOwn)))
        {
            return;
        }

        accountSession ??= AccountSession();
    }

    /// <summary>The file the LocalCloud target writes: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION.</summary>
    string LocalCloudEnvFile => Path.Combine(TemporaryDirectory, "local-cloud", "env");

    /// <summary>The session of this run (created on first use; secrets registered before any call is made).</summary>
    async Task<AwsSession> AwsSessionAsync()
    {
        if (awsSession is not null)
        {
            return awsSession;
        }

        var session = Cloud == CloudKind.Local ? LocalCloudSession() : accountSession ??= AccountSession();
        ImmutableCredentials credentials;
        try
        {
            credentials = await session.GetCredentialsAsync();
        }
        catch (StsException e) when (e.Operation == "AssumeRoleWithWebIdentity")
        {
            throw new BuildFailedException(
                $"Could not assume role {AwsRoleArn} with GITLAB_OIDC_TOKEN: {e.Code}: {e.ErrorMessage} "
                + "(InvalidIdentityToken or AccessDenied: check the role's trust policy: the GitLab instance as OIDC provider, aud sts.amazonaws.com, this project's sub).", e);
        }

        // The session's CredentialsObserver masked them (and masks each refresh); the local cloud's session is built the same way.
        // Only when shown: resolving an endpoint reads the partition data and the profile, which Mirror never needs.
        if (Verbosity == Verbosity.Verbose)
        {
            Log.Debug($"AWS: {Cloud} cloud, region {session.Region}, CloudFormation at {session.EndpointFor(AwsService.CloudFormation)}, access key {credentials.AccessKey}");
        }
        return awsSession = session;
    }

    async Task<CloudFormationClient> CloudFormationAsync() => new(await AwsSessionAsync());

    AwsSession AccountSession()
    {
        var environment = Environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        // Keys in the build's environment win unless a profile is named; otherwise the SDK's chain (profile, SSO, web
        // identity, CodeBuild's container credentials, instance metadata) decides.
        AWSCredentials? keys = AwsProfile is null
            && Environment.TryGetValue("AWS_ACCESS_KEY_ID", out var id) && !string.IsNullOrEmpty(id)
            && Environment.TryGetValue("AWS_SECRET_ACCESS_KEY", out var secret) && !string.IsNullOrEmpty(secret)
                ? Environment.TryGetValue("AWS_SESSION_TOKEN", out var token) && !string.IsNullOrEmpty(token)
                    ? new SessionAWSCredentials(id, secret, token)
                    : new BasicAWSCredentials(id, secret)
                : null;
        try
        {
            var options = Options(environment) with { Credentials = keys, Region = AwsRegion, Profile = AwsProfile };
            return HasGitLabIdentity ? GitLabRoleSession(options) : AwsSession.Create(options);
        }
        catch (InvalidOperationException e)
        {
            var advice = e.Message.StartsWith("No AWS credentials", StringComparison.Ordinal)
                ? " Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (or --aws-profile) after aws configure or aws sso login; "
                  + "in GitLab CI set AWS_ROLE_ARN and give the job an id_tokens entry GITLAB_OIDC_TOKEN (aud: sts.amazonaws.com)."
                : "";
            throw new BuildConfigurationException($"AWS is not configured (--profile aws): {e.Message}{advice}", e);
        }
    }

    /// <summary>
    /// The local cloud's endpoint and credentials, read from the env file its target writes. The lead may swap this
    /// method's body for the LocalCloud target's output; nothing else depends on the file.
    /// </summary>
    AwsSession LocalCloudSession()
    {
        if (!File.Exists(LocalCloudEnvFile))
        {
            throw new BuildFailedException(
                $"The local cloud is not running: {Path.GetRelativePath(RootDirectory, LocalCloudEnvFile)} does not exist. "
                + "Start it with ./build.sh LocalCloud, or target AWS with --profile aws.");
        }

        string Required(string name) => LocalCloudValue(name);

        // Only the local cloud's values: a developer's real AWS settings must not leak into local runs.
        var endpoint = Required("AWS_ENDPOINT_URL");
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["AWS_ENDPOINT_URL"] = endpoint };
        return new AwsSession(Options(environment) with
        {
            UnreachableHint = "the local cloud is not answering; restart it with ./build.sh LocalCloud (./build.sh LocalCloudDown first if it hangs)",
            Region = Required("AWS_REGION"),
            Credentials = new BasicAWSCredentials(Required("AWS_ACCESS_KEY_ID"), Required("AWS_SECRET_ACCESS_KEY")),
        });
    }

    /// <summary>A value of the local cloud's env file (AWS_ENDPOINT_URL, AWS_REGION, ...); a missing one stops the build.</summary>
    string LocalCloudValue(string name)
    {
        var values = File.ReadAllLines(LocalCloudEnvFile)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.StartsWith("export ", StringComparison.Ordinal) ? l["export ".Length..] : l)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"', '\''), StringComparer.Ordinal);
        return values.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new BuildFailedException($"The local cloud is not running properly: {Path.GetRelativePath(RootDirectory, LocalCloudEnvFile)} has no {name}.");
    }

    AwsSessionOptions Options(IReadOnlyDictionary<string, string?> environment) => new()
    {
        Environment = environment,
        MaxAttempts = AwsMaxAttempts,
        Observer = call => Log.Debug(call.ToLogLine()),
        // Every set, refreshes included (SSO, web identity, container credentials renew themselves in a long build).
        CredentialsObserver = MaskCredentials,
    };

    void MaskCredentials(ImmutableCredentials credentials)
    {
        if (!string.IsNullOrEmpty(credentials.SecretKey))
        {
            RegisterSecret(credentials.SecretKey);
        }

        if (!string.IsNullOrEmpty(credentials.Token))
        {
            RegisterSecret(credentials.Token);
        }
    }
}
