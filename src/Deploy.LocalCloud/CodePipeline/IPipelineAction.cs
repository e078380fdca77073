using System.Text.Json.Nodes;
using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>
/// What an action runs with: its resolved configuration, where its inputs are and where its outputs must go, and the
/// session of the role it acts as (the action's <c>roleArn</c>, else the pipeline's).
/// </summary>
internal sealed record ActionRun(
    string PipelineName,
    string PipelineExecutionId,
    string ActionExecutionId,
    string StageName,
    string ActionName,
    JsonObject Configuration,
    IReadOnlyList<ArtifactLocation> InputArtifacts,
    IReadOnlyList<ArtifactLocation> OutputArtifacts,
    string? PinnedRevision,
    string? SourceCommit,
    Action<string?, string?> ReportProgress)
{
    /// <summary>A configuration value, or null when it is absent or empty.</summary>
    public string? Setting(string name) => Configuration[name]?.GetValue<string>() is { Length: > 0 } value ? value : null;

    public string RequiredSetting(string name) =>
        Setting(name) ?? throw new PipelineActionException($"The action configuration has no {name}.");

    public ServiceRoleSession Role { get; init; } = ServiceRoleSession.Unrestricted;

    /// <summary>Fails the action with AWS's AccessDenied message (as its error details) when the role may not do this.</summary>
    public void Authorize(string action, string resource, params KeyValuePair<string, string>[] context)
    {
        try
        {
            Role.Require(action, resource, context);
        }
        catch (RoleSessionDeniedException denied)
        {
            throw new PipelineActionException(denied.Message);
        }
    }
}

/// <summary>A source revision an action read (CodeCommit: the commit).</summary>
internal sealed record ActionRevision(string RevisionId, string? Summary, DateTimeOffset Created);

/// <summary>How an action ended.</summary>
internal sealed record ActionOutcome(
    string? ExternalExecutionId,
    string? Summary,
    IReadOnlyDictionary<string, string> OutputVariables,
    ActionRevision? Revision = null);

/// <summary>An action failed for a reason the user can act on; the message becomes the action's error details.</summary>
internal sealed class PipelineActionException(string message, string? externalExecutionId = null) : Exception(message)
{
    public string? ExternalExecutionId { get; } = externalExecutionId;
}

/// <summary>One action provider (Source/AWS/CodeCommit, Build/AWS/CodeBuild, Deploy/AWS/ECS).</summary>
internal interface IPipelineAction
{
    string Category { get; }

    string Provider { get; }

    /// <summary>Runs the action to its end; throws <see cref="PipelineActionException"/> to fail with a reason.</summary>
    Task<ActionOutcome> RunAsync(ActionRun run, CancellationToken cancellationToken);
}
