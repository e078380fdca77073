using Deploy.Aws;
using Deploy.Aws.CodeCommit;

namespace Deploy.Delivery.Mirror;

/// <summary>Where the git password for the mirror's remote comes from. Asked once per git command that talks to the remote.</summary>
public interface IGitCredentialSource
{
    /// <summary>What the log says about the credentials (never the secret), e.g. <c>SigV4 from the AWS credentials</c>.</summary>
    string Description { get; }

    /// <summary>What to check when the remote rejects the credentials.</summary>
    string RejectedHint { get; }

    /// <summary>The username and password for <paramref name="remoteUrl"/>.</summary>
    Task<GitCredentials> GetAsync(Uri remoteUrl, CancellationToken cancellationToken);
}

/// <summary>Static HTTPS Git credentials (e.g. an IAM user's CodeCommit git credentials, or any HTTPS git server).</summary>
public sealed class StaticGitCredentialSource : IGitCredentialSource
{
    private readonly GitCredentials credentials;

    public StaticGitCredentialSource(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        credentials = new GitCredentials(username, password);
    }

    public string Description => "static HTTPS git credentials";

    public string RejectedHint => "Check --git-username and --git-password (GIT_USERNAME, GIT_PASSWORD; for CodeCommit: the IAM user's HTTPS Git credentials).";

    public Task<GitCredentials> GetAsync(Uri remoteUrl, CancellationToken cancellationToken) => Task.FromResult(credentials);
}

/// <summary>
/// CodeCommit's SigV4-derived git password, computed from the session's current AWS credentials (session tokens
/// included: username <c>AKID%token</c>) for the remote's path, fresh for every git command (valid about 15 minutes).
/// </summary>
public sealed class CodeCommitCredentialSource(AwsSession session, Func<DateTimeOffset>? clock = null) : IGitCredentialSource
{
    public string Description => "a SigV4-derived git password from the current AWS credentials";

    public string RejectedHint => "Check the AWS credentials and region, and that they allow codecommit:GitPush on this repository (the mirror lists and pushes through git-receive-pack).";

    public async Task<GitCredentials> GetAsync(Uri remoteUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remoteUrl);
        cancellationToken.ThrowIfCancellationRequested();
        return await CodeCommitGit.ForRepositoryAsync(session, remoteUrl, clock?.Invoke()).ConfigureAwait(false);
    }
}
