using System.Text.RegularExpressions;

namespace Deploy.Delivery.Infra;

/// <summary>
/// GitLab's OIDC federation with the platform's account: GitLab (<see cref="Url"/>) as OIDC provider, and a role per job
/// kind that the project's CI jobs assume with their ID token (audience <see cref="Audience"/>) on the named branches only.
/// </summary>
public sealed partial record GitLabFederation
{
    public const string DefaultUrl = "https://gitlab.com";

    /// <summary>The <c>aud</c> of the jobs' <c>id_tokens</c> entry (<c>GITLAB_OIDC_TOKEN</c>) and the provider's client id.</summary>
    public const string Audience = "sts.amazonaws.com";

    /// <summary>Where the local cloud serves its GitLab issuer, relative to its endpoint (its <c>LocalGitLabIssuer.PathPrefix</c>).</summary>
    public const string LocalIssuerPath = "/_gitlab";

    /// <summary>The GitLab instance: its URL is the token's issuer (<c>https://gitlab.com</c>, or a self-managed one).</summary>
    public string Url { get; init; } = DefaultUrl;

    /// <summary><c>group/project</c> (subgroups allowed): the only project whose tokens the roles trust.</summary>
    public required string ProjectPath { get; init; }

    /// <summary>The branches whose jobs may assume the Mirror role (the <c>mirror</c> job runs on <c>develop</c>).</summary>
    public IReadOnlyList<string> MirrorBranches { get; init; } = ["develop"];

    /// <summary>The URL without scheme: IAM's name for the provider, and the prefix of its condition keys (<c>gitlab.com:sub</c>).</summary>
    public string HostAndPath => Url[(Url.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');

    /// <summary>GitLab's <c>sub</c> for a job on <paramref name="branch"/>: <c>project_path:&lt;path&gt;:ref_type:branch:ref:&lt;branch&gt;</c>.</summary>
    public string Subject(string branch) => $"project_path:{ProjectPath}:ref_type:branch:ref:{branch}";

    internal void Validate(List<string> errors, Func<string, bool> isBranchName)
    {
        // IAM takes https only; the local cloud also serves its issuer on http://127.0.0.1.
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            errors.Add($"GitLab URL '{Url}' must be an https:// URL without query, such as https://gitlab.com (--gitlab-url).");
        }

        if (!ProjectPathPattern().IsMatch(ProjectPath))
        {
            errors.Add($"GitLab project path '{ProjectPath}' must be group/project, subgroups allowed (--gitlab-project-path).");
        }

        if (MirrorBranches.Count == 0)
        {
            errors.Add("GitLab mirror branches are empty: name the branch(es) the mirror job runs on (--gitlab-mirror-branches).");
        }

        foreach (var branch in MirrorBranches.Where(b => !isBranchName(b)))
        {
            errors.Add($"GitLab mirror branch '{branch}' is not a valid git branch name (--gitlab-mirror-branches).");
        }
    }

    [GeneratedRegex(@"^[\w.-]+(/[\w.-]+)+$")]
    private static partial Regex ProjectPathPattern();
}

public sealed partial record PlatformSettings
{
    /// <summary>GitLab OIDC federation (provider and roles); null when no GitLab project is configured.</summary>
    public GitLabFederation? GitLab { get; init; }

    private void ValidateGitLab(List<string> errors) => GitLab?.Validate(errors, branch => branch.Length is >= 1 and <= 256 && BranchPattern().IsMatch(branch));
}
