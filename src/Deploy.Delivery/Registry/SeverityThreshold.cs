namespace Deploy.Delivery.Registry;

/// <summary>The lowest scan finding severity that fails a push; <see cref="None"/> never fails.</summary>
public enum SeverityThreshold
{
    Informational,
    Low,
    Medium,
    High,
    Critical,

    /// <summary>Never fail on findings (they are still counted when the scan is ready).</summary>
    None,
}

/// <summary>ECR's finding severities (<c>INFORMATIONAL</c> … <c>CRITICAL</c>) ordered and compared with a threshold.</summary>
public static class ScanSeverity
{
    /// <summary>
    /// 0 (INFORMATIONAL) to 4 (CRITICAL), case-insensitive. UNDEFINED, UNTRIAGED and unknown values rank as
    /// INFORMATIONAL: a finding without a rating is reported, but fails only the strictest threshold.
    /// </summary>
    public static int Rank(string? severity) => severity?.Trim().ToUpperInvariant() switch
    {
        "CRITICAL" => 4,
        "HIGH" => 3,
        "MEDIUM" => 2,
        "LOW" => 1,
        _ => 0,
    };

    /// <summary>Whether a finding of <paramref name="severity"/> is at or above <paramref name="threshold"/>.</summary>
    public static bool Fails(string? severity, SeverityThreshold threshold) =>
        threshold != SeverityThreshold.None && Rank(severity) >= (int)threshold;

    /// <summary>The threshold as ECR spells severities (<c>CRITICAL</c>), or <c>NONE</c>.</summary>
    public static string Name(SeverityThreshold threshold) => threshold.ToString().ToUpperInvariant();
}
