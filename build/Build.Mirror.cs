using Deploy.Delivery.Mirror;
using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    [Parameter("The CodeCommit repository to mirror to (https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>); default: ProvisionInfra's output")]
    readonly string? CodeCommitUrl;

    [Parameter("Static HTTPS Git username for the mirror (instead of a SigV4-derived password from the AWS credentials)"), Secret]
    readonly string? GitUsername;

    [Parameter("Static HTTPS Git password for the mirror"), Secret]
    readonly string? GitPassword;

    [Parameter("Refs to mirror as src:dst patterns (default: refs/heads/*:refs/heads/* and refs/tags/*:refs/tags/*)")]
    readonly string[] MirrorRefspecs = [];

    [Parameter("Branches to mirror, as globs like main or release/* (default: all)")]
    readonly string[] MirrorBranches = [];

    [Parameter("Delete refs at the mirror that no longer exist here (default: true)")]
    readonly bool MirrorPrune = true;

    [Parameter("Let Mirror rewrite refs at the target (non-fast-forward branches, moved tags)")]
    readonly bool ForceMirror;

    [Parameter("Mirror sends the git credentials with the first request (saves one 401 round trip per git command); false waits for git's challenge")]
    readonly bool MirrorPreemptiveAuth = true;

    Target Mirror => _ => _
        .Description("Pushes branches and tags to CodeCommit with a SigV4-derived git password (no stored secret)")
        .DependsOn(ProvisionInfra)
        .Executes(async ct =>
        {
            IGitCredentialSource credentials = StaticGitCredentials() is { } fixedCredentials
                ? fixedCredentials
                : new CodeCommitCredentialSource(await AwsSessionAsync());
            var options = new GitMirrorOptions
            {
                SourceDirectory = RootDirectory,
                RemoteUrl = await MirrorRemoteAsync(ct),
                Credentials = credentials,
                Refspecs = MirrorRefspecs.Length > 0 ? MirrorRefspecs : GitMirrorOptions.DefaultRefspecs,
                Branches = MirrorBranches.Length > 0 ? MirrorBranches : ["*"],
                Prune = MirrorPrune,
                Force = ForceMirror,
                PreemptiveAuth = MirrorPreemptiveAuth,
                GitLab = Host.Kind == HostKind.GitLab ? GitLabJob.Require(Environment) : null,
            };
            if (Environment.TryGetValue("CI_JOB_TOKEN", out var jobToken) && jobToken.Length > 0)
                RegisterSecret(jobToken); // in origin's URL, which a failed git fetch --unshallow may print
            var result = await new GitMirror(Tools, Log, RegisterSecret).RunAsync(options, ct);
            Note(result.Summary);
        });

    /// <summary>GitUsername/GitPassword when given; null means a SigV4-derived password from the AWS session.</summary>
    StaticGitCredentialSource? StaticGitCredentials()
    {
        if (string.IsNullOrEmpty(GitUsername) != string.IsNullOrEmpty(GitPassword))
            throw new BuildFailedException("Set both --git-username and --git-password for static git credentials, or neither to use the AWS credentials.");
        return string.IsNullOrEmpty(GitUsername) ? null : new StaticGitCredentialSource(GitUsername, GitPassword!);
    }

    /// <summary>--code-commit-url, else ProvisionInfra's CodeCommitCloneUrlHttp output (from this run or the stack).</summary>
    async Task<Uri> MirrorRemoteAsync(CancellationToken cancellationToken)
    {
        if (CodeCommitUrl is null)
            return (await PlatformOutputsAsync(cancellationToken)).CodeCommitCloneUrlHttp;
        return Uri.TryCreate(CodeCommitUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new BuildFailedException($"--code-commit-url must be an http(s) URL, got '{CodeCommitUrl}'.");
    }

    /// <summary>Targets whose action arrives with a later issue fail with one clear line.</summary>
    static void NotYet(string target, int issue) =>
        throw new BuildFailedException($"{target} is declared but not implemented yet: it arrives with issue #{issue}.");
}
