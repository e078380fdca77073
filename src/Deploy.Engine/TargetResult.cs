namespace Deploy.Engine;

/// <summary>How a target ended.</summary>
public enum TargetStatus
{
    /// <summary>Its actions completed.</summary>
    Succeeded,

    /// <summary>An action threw.</summary>
    Failed,

    /// <summary>Skipped by a rule; the note says which.</summary>
    Skipped,

    /// <summary>Not run because of an earlier failure, cancellation or a failed dependency.</summary>
    NotRun,

    /// <summary>Cancelled while running.</summary>
    Aborted,

    /// <summary>No actions; it only groups its dependencies.</summary>
    Collective,
}

/// <summary>The outcome of one planned target.</summary>
internal sealed class TargetResult(string name)
{
    public string Name => name;
    public TargetStatus Status { get; set; } = TargetStatus.NotRun;
    public TimeSpan Duration { get; set; }
    public string? Note { get; set; }

    public bool IsUnsuccessful => Status is TargetStatus.Failed or TargetStatus.NotRun or TargetStatus.Aborted;
}
