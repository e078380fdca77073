using System.Globalization;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Oidc;

/// <summary>
/// What a GitLab CI job's ID token says, as the local issuer's minting call takes it (JSON, camelCase). Defaults are a
/// push pipeline on a protected branch with the audience STS expects; the claims derived from these follow GitLab's
/// ID token claim set (<see cref="Claims"/>).
/// </summary>
internal sealed partial record GitLabTokenRequest
{
    /// <summary><c>group/project</c> (subgroups allowed).</summary>
    public string? ProjectPath { get; init; }

    /// <summary>The branch or tag name (no <c>refs/heads/</c>).</summary>
    public string? Ref { get; init; }

    /// <summary><c>branch</c> or <c>tag</c>.</summary>
    public string RefType { get; init; } = "branch";

    public bool RefProtected { get; init; } = true;

    /// <summary>GitLab's <c>CI_PIPELINE_SOURCE</c>: push, merge_request_event, schedule, web, ...</summary>
    public string PipelineSource { get; init; } = "push";

    /// <summary>The job's commit; 40 zeros when not given.</summary>
    public string? Sha { get; init; }

    /// <summary>The <c>aud</c> the job's <c>id_tokens</c> entry asks for.</summary>
    public string Audience { get; init; } = "sts.amazonaws.com";

    /// <summary>Lifetime; GitLab's tokens live as long as the job's timeout (one hour by default).</summary>
    public int ExpiresInSeconds { get; init; } = 3600;

    /// <summary>When the token was issued, epoch seconds (default: now). Tests mint tokens in the past to see them expire.</summary>
    public long? IssuedAt { get; init; }

    public string? Environment { get; init; }

    public long ProjectId { get; init; } = 1;

    public long NamespaceId { get; init; } = 1;

    public long PipelineId { get; init; } = 1;

    public long JobId { get; init; } = 1;

    public string UserLogin { get; init; } = "local";

    /// <summary>Bad input in one line, naming the field (the caller answers 400 with it).</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ProjectPath) || !ProjectPathPattern().IsMatch(ProjectPath))
        {
            throw new AwsServiceException("ValidationException", $"projectPath '{ProjectPath}' must be group/project (subgroups allowed).");
        }

        if (string.IsNullOrWhiteSpace(Ref) || Ref.StartsWith("refs/", StringComparison.Ordinal))
        {
            throw new AwsServiceException("ValidationException", $"ref '{Ref}' must be a branch or tag name without refs/heads/ or refs/tags/.");
        }

        if (RefType is not ("branch" or "tag"))
        {
            throw new AwsServiceException("ValidationException", $"refType '{RefType}' must be branch or tag.");
        }

        if (ExpiresInSeconds is < 1 or > 86400)
        {
            throw new AwsServiceException("ValidationException", $"expiresInSeconds {ExpiresInSeconds} must be 1 to 86400.");
        }
    }

    /// <summary>
    /// GitLab's ID token claims for this job besides <c>iss</c>, <c>aud</c> and the times: <c>sub</c> is
    /// <c>project_path:&lt;path&gt;:ref_type:&lt;type&gt;:ref:&lt;ref&gt;</c>, ids are strings as GitLab sends them,
    /// <c>ref_protected</c> is "true"/"false".
    /// </summary>
    public Dictionary<string, object> Claims(string issuerHostAndPath)
    {
        var projectPath = ProjectPath!;
        var sha = Sha ?? new string('0', 40);
        var refPath = (RefType == "tag" ? "refs/tags/" : "refs/heads/") + Ref;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = $"project_path:{projectPath}:ref_type:{RefType}:ref:{Ref}",
            ["jti"] = Guid.NewGuid().ToString(),
            ["namespace_id"] = NamespaceId.ToString(CultureInfo.InvariantCulture),
            ["namespace_path"] = projectPath[..projectPath.LastIndexOf('/')],
            ["project_id"] = ProjectId.ToString(CultureInfo.InvariantCulture),
            ["project_path"] = projectPath,
            ["user_id"] = "1",
            ["user_login"] = UserLogin,
            ["user_email"] = $"{UserLogin}@localhost",
            ["user_access_level"] = "maintainer",
            ["pipeline_id"] = PipelineId.ToString(CultureInfo.InvariantCulture),
            ["pipeline_source"] = PipelineSource,
            ["job_id"] = JobId.ToString(CultureInfo.InvariantCulture),
            ["ref"] = Ref!,
            ["ref_type"] = RefType,
            ["ref_path"] = refPath,
            ["ref_protected"] = RefProtected ? "true" : "false",
            ["runner_id"] = 1,
            ["runner_environment"] = "self-hosted",
            ["sha"] = sha,
            ["project_visibility"] = "private",
            ["ci_config_ref_uri"] = $"{issuerHostAndPath}/{projectPath}//.gitlab-ci.yml@{refPath}",
            ["ci_config_sha"] = sha,
        };
        if (Environment is not null)
        {
            claims["environment"] = Environment;
            claims["environment_protected"] = "false";
            claims["deployment_tier"] = "other";
        }

        return claims;
    }

    [GeneratedRegex(@"^[\w.-]+(/[\w.-]+)+$")]
    private static partial Regex ProjectPathPattern();
}
