namespace Deploy.Engine;

/// <summary>Where the build runs.</summary>
public enum HostKind
{
    /// <summary>A developer terminal, or a CI system without specific support.</summary>
    Terminal,

    /// <summary>GitLab CI (<c>GITLAB_CI</c>).</summary>
    GitLab,

    /// <summary>AWS CodeBuild (<c>CODEBUILD_BUILD_ID</c>).</summary>
    CodeBuild,
}

/// <summary>The detected build host.</summary>
public interface IBuildHost
{
    /// <summary>The kind of host.</summary>
    HostKind Kind { get; }

    /// <summary>Whether this is a CI server (never prompt).</summary>
    bool IsCi { get; }

    /// <summary>A terminal outside CI.</summary>
    bool IsInteractive { get; }

    /// <summary>The commit being built, if known.</summary>
    string? CommitSha { get; }

    /// <summary>The branch being built, if known.</summary>
    string? Branch { get; }

    /// <summary>A link to the CI job, if any.</summary>
    string? BuildUrl { get; }
}

/// <summary>Host facts; commit and branch may be computed lazily (git on terminals).</summary>
internal sealed class BuildHost(HostKind kind, bool isCi, bool isInteractive, Func<string?> commitSha, Func<string?> branch, string? buildUrl)
    : IBuildHost
{
    private readonly Lazy<string?> commit = new(commitSha);
    private readonly Lazy<string?> branchName = new(branch);

    public HostKind Kind => kind;
    public bool IsCi => isCi;
    public bool IsInteractive => isInteractive;
    public string? CommitSha => commit.Value;
    public string? Branch => branchName.Value;
    public string? BuildUrl => buildUrl;
}
