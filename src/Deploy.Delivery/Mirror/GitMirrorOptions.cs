namespace Deploy.Delivery.Mirror;

/// <summary>What <see cref="GitMirror"/> pushes where. Defaults behave like GitLab's push mirror.</summary>
public sealed record GitMirrorOptions
{
    /// <summary>All branches and all tags, each to the same name at the target.</summary>
    public static IReadOnlyList<string> DefaultRefspecs { get; } = ["refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*"];

    /// <summary>The local repository (work tree or bare) to mirror from.</summary>
    public required string SourceDirectory { get; init; }

    /// <summary>The target repository, e.g. <c>https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app</c>; must not hold credentials.</summary>
    public required Uri RemoteUrl { get; init; }

    /// <summary>Where the git password comes from.</summary>
    public required IGitCredentialSource Credentials { get; init; }

    /// <summary>
    /// <c>src:dst</c> ref patterns with at most one <c>*</c> each side (<c>refs/heads/*</c> alone means the same name at the
    /// target). The destination patterns are the mirrored namespaces: only refs in them are created, updated or pruned.
    /// </summary>
    public IReadOnlyList<string> Refspecs { get; init; } = DefaultRefspecs;

    /// <summary>Branch-name globs (<c>main</c>, <c>release/*</c>); <c>*</c> matches any characters, <c>/</c> included.
    /// Branches outside the filter are neither pushed nor pruned. Tags are not filtered.</summary>
    public IReadOnlyList<string> Branches { get; init; } = ["*"];

    /// <summary>Delete refs at the target, inside the mirrored namespaces, that no longer exist at the source.</summary>
    public bool Prune { get; init; } = true;

    /// <summary>Allow rewriting refs at the target (non-fast-forward branch updates, moved tags).</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Also send the credentials with the first request (an <c>http.&lt;remote&gt;.extraHeader</c> given to the git process
    /// through <c>GIT_CONFIG_COUNT</c>/<c>GIT_CONFIG_KEY_0</c>/<c>GIT_CONFIG_VALUE_0</c>, like the helper's variables: never in
    /// the URL, a file or the log), which saves git's unauthenticated 401 probe (one per git that talks to the remote). The credential
    /// helper stays configured as the fallback. On by default: the credentials reach git the same way either way (the
    /// child's environment), and without it an incremental mirror costs about 1.5x a plain push instead of 1x.
    /// </summary>
    public bool PreemptiveAuth { get; init; } = true;

    /// <summary>The GitLab CI job, when running in one: a detached HEAD pushes the job's commit to its branch.</summary>
    public GitLabJob? GitLab { get; init; }
}

/// <summary>The GitLab CI variables the mirror needs.</summary>
/// <param name="CommitSha"><c>CI_COMMIT_SHA</c>.</param>
/// <param name="RefName"><c>CI_COMMIT_REF_NAME</c>: the branch, or the tag in a tag pipeline.</param>
/// <param name="IsTag">Whether <c>CI_COMMIT_TAG</c> is set (a tag pipeline: no branch to push).</param>
public sealed record GitLabJob(string CommitSha, string RefName, bool IsTag)
{
    private static readonly string[] JobVariables = ["CI_COMMIT_SHA", "CI_COMMIT_REF_NAME"];

    /// <summary>The job from <c>CI_COMMIT_SHA</c>, <c>CI_COMMIT_REF_NAME</c> and <c>CI_COMMIT_TAG</c>; null when they are missing.</summary>
    public static GitLabJob? FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.TryGetValue("CI_COMMIT_SHA", out var sha) && !string.IsNullOrWhiteSpace(sha)
            && environment.TryGetValue("CI_COMMIT_REF_NAME", out var refName) && !string.IsNullOrWhiteSpace(refName)
            ? new GitLabJob(sha.Trim(), refName.Trim(), environment.TryGetValue("CI_COMMIT_TAG", out var tag) && !string.IsNullOrWhiteSpace(tag))
            : null;
    }

    /// <summary>The job from GitLab's predefined variables, which a GitLab job always has.</summary>
    /// <exception cref="Deploy.Engine.BuildFailedException">A variable is missing: the mirror must not guess (before this check
    /// a job without them fell back to mirroring and pruning every local branch).</exception>
    public static GitLabJob Require(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (FromEnvironment(environment) is { } job)
            return job;
        var missing = JobVariables.Where(name => !environment.TryGetValue(name, out var value) || string.IsNullOrWhiteSpace(value)).ToList();
        throw new Deploy.Engine.BuildFailedException(
            $"GITLAB_CI is set but {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not: Mirror in a GitLab job pushes the job's commit "
            + "to its branch and needs GitLab's predefined variables; run it in a GitLab job, or unset GITLAB_CI outside GitLab. Nothing was pushed.");
    }
}
