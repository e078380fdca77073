using Deploy.Aws.Ecr;
using Deploy.Delivery.Registry;
using Deploy.Delivery.Tests.Fargate;
using Deploy.Delivery.Tests.Images;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Registry;

/// <summary>The scan wait against ECR faked at the HTTP boundary, with a clock that moves only when the waiter sleeps.</summary>
public sealed class ScanFindingsWaiterTests
{
    private const string Digest = "sha256:9dc1eea61e370018a631dbfa93dda82f3853dc4587447b3cc5751f3b041511ab";

    private static readonly string InProgress = FakeAws.Json(new { imageScanStatus = new { status = "IN_PROGRESS" } });

    private static string Complete(object findings, string? nextToken = null) =>
        FakeAws.Json(new { imageScanStatus = new { status = "COMPLETE" }, imageScanFindings = findings, nextToken });

    [Fact]
    public async Task A_scan_not_found_then_in_progress_is_awaited_with_backoff_until_complete()
    {
        var (waiter, aws, clock, log) = Waiter();
        var calls = 0;
        aws.Handlers["DescribeImageScanFindings"] = _ => ++calls switch
        {
            1 => throw new FakeAwsError("ScanNotFoundException", "Image scan does not exist for the image"),
            <= 4 => InProgress,
            _ => Complete(new { findingSeverityCounts = new Dictionary<string, int> { ["HIGH"] = 1 }, findings = new[] { new { name = "CVE-1", severity = "HIGH" } } }),
        };

        var report = await waiter.AwaitAsync("app", null, Digest, scanOnPush: true, awaitScan: true, TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.Equal("1 HIGH", report?.Summary);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)], clock.Delays);
        Assert.Equal(["Waiting for the image scan (not started)…", "Waiting for the image scan (IN_PROGRESS)…"], log.Texts);
        Assert.All(aws.Calls, c => Assert.Equal(Digest, c.Body["imageId"]!["imageDigest"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_scan_still_running_at_the_timeout_fails_and_says_how_to_go_on()
    {
        var (waiter, aws, clock, _) = Waiter();
        aws.Sequence("DescribeImageScanFindings", InProgress);

        var error = await Assert.ThrowsAsync<BuildFailedException>(
            () => waiter.AwaitAsync("app", null, Digest, scanOnPush: true, awaitScan: true, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Equal(
            "The image scan of sha256:9dc1eea61e37… in 'app' is still IN_PROGRESS after 30 s; the severity gate cannot be checked. "
            + "Raise --scan-timeout, or pass --fail-on-severity None to push without the gate.",
            error.Message);
        Assert.Equal(TimeSpan.FromSeconds(30), clock.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b));
        Assert.All(clock.Delays, d => Assert.True(d <= TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("FAILED", "The image scan of sha256:9dc1eea61e37… ended FAILED (boom); findings not checked.")]
    [InlineData("UNSUPPORTED_IMAGE", "The image scan of sha256:9dc1eea61e37… ended UNSUPPORTED_IMAGE (boom); findings not checked.")]
    public async Task A_failed_or_unsupported_scan_is_a_warning_not_a_failure(string status, string warning)
    {
        var (waiter, aws, clock, log) = Waiter();
        aws.Sequence("DescribeImageScanFindings", FakeAws.Json(new { imageScanStatus = new { status, description = "boom" } }));

        var report = await waiter.AwaitAsync("app", null, Digest, scanOnPush: true, awaitScan: true, TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.Null(report);
        Assert.Equal([("warning", warning)], log.Lines);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task Without_a_gate_the_scan_is_looked_at_once_and_not_awaited()
    {
        var (waiter, aws, clock, log) = Waiter();
        aws.Sequence("DescribeImageScanFindings", InProgress);

        var report = await waiter.AwaitAsync("app", null, Digest, scanOnPush: true, awaitScan: false, TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.Null(report);
        Assert.Single(aws.Calls);
        Assert.Empty(clock.Delays);
        Assert.Equal(["Image scan IN_PROGRESS; not awaited (no severity fails the push)."], log.Texts);
    }

    [Fact]
    public async Task Every_page_of_findings_is_read_and_ordered_most_severe_first()
    {
        var (waiter, aws, _, _) = Waiter();
        aws.Handlers["DescribeImageScanFindings"] = call => call.Body["nextToken"] is null
            ? Complete(new { findingSeverityCounts = new Dictionary<string, int> { ["LOW"] = 1, ["CRITICAL"] = 1 }, findings = new[] { new { name = "CVE-LOW", severity = "LOW" } } }, "page-2")
            : Complete(new { findings = new[] { new { name = "CVE-CRIT", severity = "CRITICAL" } } });

        var report = await waiter.AwaitAsync("app", "123456789012", Digest, scanOnPush: true, awaitScan: true, TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.Equal(["CVE-CRIT", "CVE-LOW"], report!.Findings.Select(f => f.Name));
        Assert.Equal(2, aws.Calls.Count);
        Assert.All(aws.Calls, c => Assert.Equal("123456789012", c.Body["registryId"]!.GetValue<string>()));
    }

    private static (ScanFindingsWaiter Waiter, FakeAws Aws, FakeClock Clock, LevelLog Log) Waiter()
    {
        var aws = new FakeAws();
        var clock = new FakeClock();
        var log = new LevelLog();
        return (new ScanFindingsWaiter(new EcrClient(aws.Session()), log, clock, clock.Delay), aws, clock, log);
    }
}
