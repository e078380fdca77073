using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Tests.Quality;
using Deploy.LocalCloud.Hosting;

namespace Deploy.Delivery.Tests.Fargate;

/// <summary>
/// The deploy lease against a real local cloud's S3 (conditional writes), two "processes" told apart by their pid: who
/// waits, who fails fast, who takes over a stale lease, and that only the holder releases it.
/// </summary>
public sealed class DeployLeaseTests(DeployLeaseTests.LeaseBucket bucket) : IClassFixture<DeployLeaseTests.LeaseBucket>
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_second_deploy_with_no_wait_fails_at_once_with_one_line_naming_the_holder_and_its_expiry()
    {
        var options = Options("no-wait", pid: 101);
        await using var first = await DeployLease.AcquireAsync(bucket.Objects, options, new RecordingLog(), default, Clock(Noon), renew: false);
        var delays = 0;

        var refused = await Assert.ThrowsAsync<DeployLeaseHeldException>(() => DeployLease.AcquireAsync(
            bucket.Objects, options with { Pid = 202, NoWait = true }, new RecordingLog(), default, Clock(Noon.AddMinutes(1)), (_, _) => Task.FromResult(delays++), renew: false));

        Assert.Equal(
            "Service no-wait in cluster main is being deployed by alice@laptop (pid 101, DeployFargate since 12:00:00 UTC); its lease expires at 12:05:00 UTC unless renewed. "
            + "Run again when that deploy ends, or without --no-wait to wait for it.",
            refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Equal(0, delays);
        Assert.Contains("\"pid\":101", (await bucket.Objects.ReadAsync(options.Key, default))!.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_deploy_waits_with_one_line_naming_the_holder_and_gets_the_lease_once_it_is_released()
    {
        var options = Options("wait", pid: 101);
        var first = await DeployLease.AcquireAsync(bucket.Objects, options, new RecordingLog(), default, Clock(Noon), renew: false);
        var log = new RecordingLog();
        var polls = 0;

        // The holder finishes during the second poll.
        await using var second = await DeployLease.AcquireAsync(bucket.Objects, options with { Pid = 202 }, log, default, Clock(Noon.AddMinutes(1)), async (_, _) =>
        {
            if (++polls == 2)
            {
                await first.DisposeAsync();
            }
        }, renew: false);

        Assert.Equal(2, polls);
        Assert.Equal(
            ["Waiting for the deploy lease of service wait in cluster main: held by alice@laptop (pid 101, DeployFargate since 12:00:00 UTC), expires at 12:05:00 UTC unless renewed (--no-wait fails instead)"],
            log.Lines.Where(l => l.StartsWith("Waiting", StringComparison.Ordinal)));
        Assert.Contains("\"pid\":202", (await bucket.Objects.ReadAsync(options.Key, default))!.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stale_lease_is_taken_over_and_its_late_holder_can_neither_renew_nor_delete_it()
    {
        var options = Options("stale", pid: 101);
        var late = await DeployLease.AcquireAsync(bucket.Objects, options, new RecordingLog(), default, Clock(Noon), renew: false);
        var log = new RecordingLog();

        // Six minutes later the five-minute lease was never renewed: its holder is gone (or asleep).
        await using var taker = await DeployLease.AcquireAsync(bucket.Objects, options with { Pid = 202 }, log, default, Clock(Noon.AddMinutes(6)), renew: false);
        var renewed = await late.RenewAsync(default);
        await late.DisposeAsync();

        Assert.Contains("Took over the deploy lease of service stale in cluster main from alice@laptop (pid 101, DeployFargate since 12:00:00 UTC): it expired at 12:05:00 UTC without being renewed", log.Lines);
        Assert.False(renewed);
        var stored = await bucket.Objects.ReadAsync(options.Key, default);
        Assert.Equal(taker.ETag, stored!.ETag);
        Assert.Contains("\"pid\":202", stored.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Release_deletes_only_the_holders_own_lease_and_renewal_moves_the_expiry()
    {
        var options = Options("release", pid: 101);
        var clock = Clock(Noon);
        var lease = await DeployLease.AcquireAsync(bucket.Objects, options, new RecordingLog(), default, clock, renew: false);
        var before = lease.ETag;
        clock.Now = Noon.AddMinutes(2);

        Assert.True(await lease.RenewAsync(default));
        Assert.NotEqual(before, lease.ETag);
        Assert.Contains("\"expires\":\"2026-01-01T12:07:00+00:00\"", (await bucket.Objects.ReadAsync(options.Key, default))!.Content, StringComparison.Ordinal);
        // An ETag that is not the current one deletes nothing.
        Assert.False((await bucket.Objects.DeleteAsync(options.Key, before, default)).Deleted);
        Assert.NotNull(await bucket.Objects.ReadAsync(options.Key, default));

        await lease.DisposeAsync();

        Assert.Null(await bucket.Objects.ReadAsync(options.Key, default));
    }

    [Fact]
    public async Task Waiting_ends_with_a_clear_failure_when_the_holder_keeps_the_lease_past_the_wait()
    {
        var options = Options("busy", pid: 101);
        await using var holder = await DeployLease.AcquireAsync(bucket.Objects, options, new RecordingLog(), default, Clock(Noon), renew: false);
        var clock = Clock(Noon.AddMinutes(1));

        var gaveUp = await Assert.ThrowsAsync<DeployLeaseHeldException>(() => DeployLease.AcquireAsync(
            bucket.Objects, options with { Pid = 202, MaxWait = TimeSpan.FromMinutes(2) }, new RecordingLog(), default, clock, (d, _) =>
            {
                clock.Now += d;
                return Task.CompletedTask;
            }, renew: false));

        Assert.StartsWith("Waited 2 min for the deploy lease of service busy in cluster main; alice@laptop (pid 101, DeployFargate since 12:00:00 UTC) still holds it", gaveUp.Message, StringComparison.Ordinal);
    }

    private static DeployLeaseOptions Options(string service, int pid) => new()
    {
        Cluster = "main",
        ServiceName = service,
        Target = "DeployFargate",
        Holder = "alice@laptop",
        Pid = pid,
    };

    private static FakeClock Clock(DateTimeOffset now) => new() { Now = now };

    /// <summary>A local cloud with one bucket, shared by the tests above (each uses its own service, so its own key).</summary>
    public sealed class LeaseBucket : IAsyncLifetime
    {
        private string root = "";
        private LocalCloudInstance? cloud;
        private AwsSession? Session { get; set; }

        public ILeaseObjects Objects { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            root = Directory.CreateTempSubdirectory("deploy-lease-").FullName;
            cloud = await new LocalCloudBuilder().WithStateDirectory(root).WithPort(0).BuildAsync();
            var session = Session = new AwsSession(new AwsSessionOptions
            {
                Region = cloud.Options.Region,
                Credentials = new BasicAWSCredentials(cloud.Options.AccessKeyId, cloud.Options.SecretAccessKey),
                Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = cloud.Endpoint.ToString().TrimEnd('/') },
            });
            using var s3 = new Amazon.S3.AmazonS3Client(session.Credentials, new Amazon.S3.AmazonS3Config
            {
                ServiceURL = cloud.Endpoint.ToString(),
                ForcePathStyle = true,
                AuthenticationRegion = cloud.Options.Region,
            });
            await s3.PutBucketAsync("platform-artifacts");
            await s3.PutBucketVersioningAsync(new Amazon.S3.Model.PutBucketVersioningRequest
            {
                BucketName = "platform-artifacts",
                VersioningConfig = new Amazon.S3.Model.S3BucketVersioningConfig { Status = Amazon.S3.VersionStatus.Enabled },
            });
            Objects = new S3LeaseObjects(session, "platform-artifacts");
        }

        public async Task DisposeAsync()
        {
            Session?.Dispose();
            if (cloud is not null)
            {
                await cloud.DisposeAsync();
            }

            Directory.Delete(root, recursive: true);
        }
    }
}
