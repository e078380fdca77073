using Deploy.Aws.Ecr;

namespace Deploy.Delivery.Registry;

/// <summary>One scan finding as the build lists it.</summary>
/// <param name="Name">The vulnerability (CVE id) or the enhanced finding's title.</param>
/// <param name="Severity">ECR's severity (<c>CRITICAL</c> …).</param>
/// <param name="Package">The affected package and version, when the scanner names it.</param>
/// <param name="Uri">Where the vulnerability is described.</param>
public sealed record ScanFinding(string Name, string Severity, string? Package, string? Uri)
{
    public override string ToString() =>
        string.Join(" ", new[] { Severity, Name, Package, Uri }.Where(p => !string.IsNullOrEmpty(p)));

    internal static ScanFinding From(ImageScanFinding finding)
    {
        string? Attribute(string key) => finding.Attributes?.FirstOrDefault(a => a.Key == key)?.Value;
        var package = Attribute("package_name") is { Length: > 0 } name
            ? Attribute("package_version") is { Length: > 0 } version ? $"{name} {version}" : name
            : null;
        return new ScanFinding(finding.Name ?? "(unnamed)", finding.Severity ?? "UNDEFINED", package, finding.Uri);
    }

    internal static ScanFinding From(EnhancedImageScanFinding finding) =>
        new(finding.Title ?? finding.FindingArn ?? "(unnamed)", finding.Severity ?? "UNDEFINED", null, finding.FindingArn);
}

/// <summary>A finished scan: severity counts and the findings.</summary>
/// <param name="Status">ECR's scan status (<c>COMPLETE</c>, <c>ACTIVE</c>).</param>
/// <param name="Counts">Findings per severity, as ECR counts them.</param>
/// <param name="Findings">The findings, most severe first.</param>
public sealed record ScanReport(string Status, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<ScanFinding> Findings)
{
    /// <summary><c>no findings</c>, or the non-zero counts most severe first: <c>1 CRITICAL, 3 LOW</c>.</summary>
    public string Summary
    {
        get
        {
            var parts = Counts
                .Where(c => c.Value > 0)
                .OrderByDescending(c => ScanSeverity.Rank(c.Key)).ThenBy(c => c.Key, StringComparer.OrdinalIgnoreCase)
                .Select(c => $"{c.Value} {c.Key.ToUpperInvariant()}")
                .ToList();
            return parts.Count == 0 ? "no findings" : string.Join(", ", parts);
        }
    }

    /// <summary>The findings at or above <paramref name="threshold"/>.</summary>
    public IReadOnlyList<ScanFinding> Blocking(SeverityThreshold threshold) =>
        [.. Findings.Where(f => ScanSeverity.Fails(f.Severity, threshold))];

    /// <summary>How many findings the counts put at or above <paramref name="threshold"/> (the list may be incomplete).</summary>
    public int BlockingCount(SeverityThreshold threshold) =>
        Math.Max(Counts.Where(c => ScanSeverity.Fails(c.Key, threshold)).Sum(c => c.Value), Blocking(threshold).Count);
}
