using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>Every pipeline execution (<c>codepipeline-executions.json</c>), kept as AWS keeps history: executions are never removed.</summary>
internal sealed class PipelineExecutionStore(LocalCloudOptions options, TimeProvider clock)
{
    private readonly JsonStateFile<PipelineExecutionsState> file = new(options.StateDirectory, "codepipeline-executions.json");

    public DateTimeOffset Now => clock.GetUtcNow();

    public TResult Read<TResult>(Func<PipelineExecutionsState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<PipelineExecutionsState, TResult> change) => file.Update(change);
}

internal sealed class PipelineExecutionsState
{
    public Dictionary<string, PipelineExecutionRecord> Executions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One execution: the declaration it runs (the pipeline version at its start), where it is, what it produced.</summary>
internal sealed class PipelineExecutionRecord
{
    public required string Id { get; set; }

    public required string PipelineName { get; set; }

    public int PipelineVersion { get; set; }

    /// <summary>The pipeline declaration at the start (an execution keeps running the version it started with).</summary>
    public required JsonObject Pipeline { get; set; }

    /// <summary>InProgress, Stopping, Stopped, Succeeded, Superseded, Failed (AWS's PipelineExecutionStatus).</summary>
    public string Status { get; set; } = "InProgress";

    public string? StatusSummary { get; set; }

    public required string TriggerType { get; set; }

    public string? TriggerDetail { get; set; }

    public DateTimeOffset StartTime { get; set; }

    public DateTimeOffset LastUpdateTime { get; set; }

    public string? StopReason { get; set; }

    /// <summary>The stage the execution is in, or waits to enter while <see cref="Waiting"/>.</summary>
    public int StageIndex { get; set; }

    public bool Waiting { get; set; } = true;

    /// <summary>How many times the execution was retried (the events' <c>pipeline-execution-attempt</c> is this + 1).</summary>
    public int Attempt { get; set; }

    public List<StageRunRecord> Stages { get; set; } = [];

    public List<ActionRunRecord> Actions { get; set; } = [];

    /// <summary>Artifacts produced so far, by artifact name.</summary>
    public Dictionary<string, ArtifactLocation> Artifacts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Output variables of finished actions, by the action's namespace.</summary>
    public Dictionary<string, Dictionary<string, string>> Variables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Source revisions chosen when the execution started (the branch head then), by source action name.</summary>
    public Dictionary<string, string> PinnedRevisions { get; set; } = new(StringComparer.Ordinal);

    public List<SourceRevisionRecord> SourceRevisions { get; set; } = [];

    public bool IsActive => Status is "InProgress" or "Stopping";

    public JsonArray StageDeclarations => Pipeline["stages"]!.AsArray();

    public string StageName(int index) => StageDeclarations[index]!["name"]!.GetValue<string>();
}

internal sealed class StageRunRecord
{
    public required string Name { get; set; }

    /// <summary>InProgress, Succeeded, Failed, Stopping, Stopped, Cancelled (AWS's StageExecutionStatus).</summary>
    public required string Status { get; set; }

    public DateTimeOffset StartTime { get; set; }
}

internal sealed class ActionRunRecord
{
    public required string ActionExecutionId { get; set; }

    public required string StageName { get; set; }

    public required string ActionName { get; set; }

    public int RunOrder { get; set; } = 1;

    /// <summary>InProgress, Succeeded, Failed, Abandoned (AWS's ActionExecutionStatus).</summary>
    public string Status { get; set; } = "InProgress";

    /// <summary>True once a retry replaced this attempt (it stays listed, as in ListActionExecutions).</summary>
    public bool Replaced { get; set; }

    public DateTimeOffset StartTime { get; set; }

    public DateTimeOffset LastUpdateTime { get; set; }

    public required JsonObject ActionTypeId { get; set; }

    public required JsonObject Configuration { get; set; }

    public required JsonObject ResolvedConfiguration { get; set; }

    public string? RoleArn { get; set; }

    public string? Namespace { get; set; }

    public List<ArtifactLocation> InputArtifacts { get; set; } = [];

    public List<ArtifactLocation> OutputArtifacts { get; set; } = [];

    public Dictionary<string, string> OutputVariables { get; set; } = new(StringComparer.Ordinal);

    public string? ExternalExecutionId { get; set; }

    public string? Summary { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }
}

/// <summary>An artifact in the pipeline's artifact bucket.</summary>
internal sealed record ArtifactLocation(string Name, string Bucket, string Key)
{
    /// <summary>The object's ARN, what the pipeline's role is authorized for when it reads or writes the artifact.</summary>
    public string Arn => $"arn:aws:s3:::{Bucket}/{Key}";
}

internal sealed record SourceRevisionRecord(string ActionName, string ArtifactName, string RevisionId, string? RevisionSummary, DateTimeOffset Created);
