using Deploy.Delivery.Registry;

namespace Deploy.Delivery.Tests.Registry;

public sealed class SeverityThresholdTests
{
    [Theory]
    [InlineData("CRITICAL", SeverityThreshold.Critical, true)]
    [InlineData("HIGH", SeverityThreshold.Critical, false)]
    [InlineData("HIGH", SeverityThreshold.High, true)]
    [InlineData("CRITICAL", SeverityThreshold.High, true)]
    [InlineData("MEDIUM", SeverityThreshold.High, false)]
    [InlineData("MEDIUM", SeverityThreshold.Medium, true)]
    [InlineData("LOW", SeverityThreshold.Medium, false)]
    [InlineData("LOW", SeverityThreshold.Low, true)]
    [InlineData("INFORMATIONAL", SeverityThreshold.Low, false)]
    [InlineData("INFORMATIONAL", SeverityThreshold.Informational, true)]
    [InlineData("critical", SeverityThreshold.Critical, true)]
    [InlineData("CRITICAL", SeverityThreshold.None, false)]
    [InlineData("INFORMATIONAL", SeverityThreshold.None, false)]
    public void A_finding_fails_when_its_severity_is_at_or_above_the_threshold(string severity, SeverityThreshold threshold, bool fails) =>
        Assert.Equal(fails, ScanSeverity.Fails(severity, threshold));

    [Theory]
    [InlineData("UNDEFINED")]
    [InlineData("UNTRIAGED")]
    [InlineData("")]
    [InlineData(null)]
    public void An_unrated_finding_fails_only_the_informational_threshold(string? severity)
    {
        Assert.True(ScanSeverity.Fails(severity, SeverityThreshold.Informational));
        Assert.False(ScanSeverity.Fails(severity, SeverityThreshold.Low));
    }

    [Fact]
    public void The_default_threshold_is_critical_and_the_scan_timeout_five_minutes()
    {
        var options = new EcrPushOptions { Image = new Deploy.Delivery.Images.BuiltImage("a:b", "sha256:1", ["a:b"], "b", "base"), RepositoryUri = "r/x", ContainerName = "x" };

        Assert.Equal(SeverityThreshold.Critical, options.FailOnSeverity);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ScanTimeout);
    }

    [Fact]
    public void A_report_counts_blocking_findings_from_the_counts_even_when_the_list_is_shorter()
    {
        var report = new ScanReport(
            "COMPLETE",
            new Dictionary<string, int> { ["LOW"] = 3, ["CRITICAL"] = 2, ["HIGH"] = 0 },
            [new ScanFinding("CVE-1", "CRITICAL", "openssl 1.0", null), new ScanFinding("CVE-2", "LOW", null, null)]);

        Assert.Equal("2 CRITICAL, 3 LOW", report.Summary);
        Assert.Equal(2, report.BlockingCount(SeverityThreshold.Critical));
        Assert.Equal("CRITICAL CVE-1 openssl 1.0", Assert.Single(report.Blocking(SeverityThreshold.High)).ToString());
        Assert.Equal(5, report.BlockingCount(SeverityThreshold.Low));
        Assert.Equal(0, report.BlockingCount(SeverityThreshold.None));
        Assert.Equal("no findings", new ScanReport("COMPLETE", new Dictionary<string, int>(), []).Summary);
    }
}
