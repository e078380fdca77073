using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Deploy.Engine;

namespace Deploy.Delivery.Fargate;

/// <summary>Who holds a deploy lease (<c>user@host</c>, process, target, since when) and until when: the lease object's content.</summary>
public sealed record LeaseHolder(
    [property: JsonPropertyName("holder")] string Holder,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("started")] DateTimeOffset Started,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires)
{
    /// <summary>For messages: <c>alice@laptop (pid 4242, DeployFargate since 12:00:05 UTC)</c>.</summary>
    public override string ToString() => $"{Holder} (pid {Pid.ToString(CultureInfo.InvariantCulture)}, {Target} since {Time(Started)})";

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>What <see cref="DeployLease.AcquireAsync"/> takes: whose lease, who asks, how long to wait.</summary>
public sealed record DeployLeaseOptions
{
    /// <summary>How long a lease lasts unless its holder renews it (a third of it apart): a crashed deploy's lease expires after this.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(5);

    public required string Cluster { get; init; }

    public required string ServiceName { get; init; }

    /// <summary>The target asking (DeployFargate, Rollback), shown to whoever waits.</summary>
    public required string Target { get; init; }

    /// <summary>Fail at once when another deploy holds the lease (<c>--no-wait</c>).</summary>
    public bool NoWait { get; init; }

    /// <summary>How long to wait for another deploy's lease before failing.</summary>
    public TimeSpan MaxWait { get; init; } = DeployOptions.DefaultTimeout;

    public TimeSpan Duration { get; init; } = DefaultDuration;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>user@host</c>; default: this process's.</summary>
    public string Holder { get; init; } = $"{Environment.UserName}@{Environment.MachineName}";

    public int Pid { get; init; } = Environment.ProcessId;

    /// <summary>The lease object's key in the platform's artifact bucket.</summary>
    public string Key => $"deploy-leases/{Cluster}/{ServiceName}.json";

    internal string Subject => $"service {ServiceName} in cluster {Cluster}";
}

/// <summary>Another deploy of the service holds its lease and <c>--no-wait</c> was given, or waiting took too long.</summary>
public sealed class DeployLeaseHeldException : DeployException
{
    public DeployLeaseHeldException()
    {
    }

    public DeployLeaseHeldException(string message)
        : base(message)
    {
    }

    public DeployLeaseHeldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// One deploy of a service at a time, across processes and machines: a lease object in S3 written with conditional writes
/// (create only if absent, replace and delete only with the ETag last written), so AWS decides who holds it. The holder
/// renews it while it runs; a lease whose holder stopped renewing expires and the next deploy takes it over. Dispose
/// (after success, failure or Ctrl-C) to release it.
/// </summary>
public sealed class DeployLease : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly ILeaseObjects objects;
    private readonly DeployLeaseOptions options;
    private readonly IBuildLog log;
    private readonly TimeProvider clock;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private readonly DateTimeOffset started;
    private LeaseWrite current;
    private Task? renewing;
    private bool lost;

    private DeployLease(ILeaseObjects objects, DeployLeaseOptions options, IBuildLog log, TimeProvider clock, DateTimeOffset started, LeaseWrite current)
    {
        this.objects = objects;
        this.options = options;
        this.log = log;
        this.clock = clock;
        this.started = started;
        this.current = current;
    }

    /// <summary>The ETag of the lease as this process last wrote it.</summary>
    public string ETag => current.ETag;

    /// <summary>
    /// Takes the service's lease: creates it when nobody holds it, takes it over when its holder let it expire, else waits
    /// (one line naming the holder) or, with <see cref="DeployLeaseOptions.NoWait"/>, fails at once.
    /// </summary>
    /// <remarks>With <paramref name="renew"/> false nothing renews it in the background (tests call <see cref="RenewAsync"/>).</remarks>
    /// <exception cref="DeployLeaseHeldException">Held by another deploy and not waiting, or still held after the wait.</exception>
    public static async Task<DeployLease> AcquireAsync(
        ILeaseObjects objects,
        DeployLeaseOptions options,
        IBuildLog log,
        CancellationToken cancellationToken,
        TimeProvider? clock = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null,
        bool renew = true)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        clock ??= TimeProvider.System;
        delay ??= (d, ct) => Task.Delay(d, clock, ct);
        var startedWaiting = clock.GetUtcNow();
        LeaseHolder? announced = null;
        while (true)
        {
            var now = clock.GetUtcNow();
            var mine = Serialize(options, now, now);
            if (await objects.CreateAsync(options.Key, mine, cancellationToken) is { } created)
            {
                return Held(objects, options, log, clock, now, created, renew);
            }

            if (await objects.ReadAsync(options.Key, cancellationToken) is not { } existing)
            {
                continue; // released between the two calls: try again at once
            }

            var holder = Parse(existing.Content);
            if (holder is null || holder.Expires <= now)
            {
                if (await objects.ReplaceAsync(options.Key, mine, existing.ETag, cancellationToken) is { } taken)
                {
                    log.Information(holder is null
                        ? $"Took over the deploy lease of {options.Subject}: s3 object {options.Key} held no readable lease"
                        : $"Took over the deploy lease of {options.Subject} from {holder}: it expired at {LeaseHolder.Time(holder.Expires)} without being renewed");
                    await ForgetAsync(objects, options.Key, existing.VersionId, log);
                    return Held(objects, options, log, clock, now, taken, renew);
                }

                continue; // someone else took it over first: look again
            }

            var expires = LeaseHolder.Time(holder.Expires);
            if (options.NoWait)
            {
                throw new DeployLeaseHeldException(
                    $"{Capitalized(options.Subject)} is being deployed by {holder}; its lease expires at {expires} unless renewed. "
                    + "Run again when that deploy ends, or without --no-wait to wait for it.");
            }

            if (now - startedWaiting >= options.MaxWait)
            {
                throw new DeployLeaseHeldException(
                    $"Waited {Duration(options.MaxWait)} for the deploy lease of {options.Subject}; {holder} still holds it (renewed until {expires}). "
                    + "Run again when that deploy ends, or raise --timeout.");
            }

            if (announced is null || announced.Holder != holder.Holder || announced.Pid != holder.Pid || announced.Started != holder.Started)
            {
                log.Information($"Waiting for the deploy lease of {options.Subject}: held by {holder}, expires at {expires} unless renewed (--no-wait fails instead)");
                announced = holder;
            }

            await delay(options.PollInterval, cancellationToken);
        }
    }

    /// <summary>Extends the lease by its duration, only if this process still holds it; false when it was lost.</summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (lost)
            {
                return false;
            }

            var previous = current;
            var renewed = await objects.ReplaceAsync(options.Key, Serialize(options, started, clock.GetUtcNow()), previous.ETag, cancellationToken);
            if (renewed is null)
            {
                lost = true;
                log.Warning($"Lost the deploy lease of {options.Subject}: another deploy took it over (this one was too late to renew it); the two may now overlap.");
                return false;
            }

            current = renewed;
            await ForgetAsync(objects, options.Key, previous.VersionId, log);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops renewing and deletes the lease if this process still holds it (If-Match on its ETag).</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (renewing is not null)
        {
            await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Released on Ctrl-C too: the build's token is cancelled by then, so the delete gets its own short deadline.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            if (lost)
            {
                return;
            }

            var (deleted, marker) = await objects.DeleteAsync(options.Key, current.ETag, deadline.Token);
            if (!deleted)
            {
                log.Warning($"The deploy lease of {options.Subject} was no longer this deploy's; left it to its holder.");
                return;
            }

            await ForgetAsync(objects, options.Key, current.VersionId, log);
            await ForgetAsync(objects, options.Key, marker, log);
        }
        catch (Exception e) when (Unreachable(e))
        {
            log.Warning($"Could not release the deploy lease of {options.Subject} ({e.Message}); it expires by itself within {Duration(options.Duration)}.");
        }
        finally
        {
            gate.Release();
            stop.Dispose();
            gate.Dispose();
        }
    }

    private static DeployLease Held(ILeaseObjects objects, DeployLeaseOptions options, IBuildLog log, TimeProvider clock, DateTimeOffset started, LeaseWrite write, bool renew)
    {
        var lease = new DeployLease(objects, options, log, clock, started, write);
        log.Debug($"Holding the deploy lease of {options.Subject} (s3 object {options.Key}, {write.ETag})");
        if (renew)
        {
            lease.renewing = lease.RenewLoopAsync();
        }

        return lease;
    }

    private async Task RenewLoopAsync()
    {
        var every = options.Duration / 3;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(every, clock, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                if (!await RenewAsync(stop.Token))
                {
                    return;
                }
            }
            catch (Exception e) when (Unreachable(e))
            {
                // A missed renewal is retried; the lease only lapses after three in a row.
                log.Debug($"Renewing the deploy lease of {options.Subject} failed: {e.Message}");
            }
        }
    }

    /// <summary>Deletes a version this process replaced or deleted, so a versioned bucket does not keep every lease write.</summary>
    private static async Task ForgetAsync(ILeaseObjects objects, string key, string? versionId, IBuildLog log)
    {
        if (versionId is null or "null")
        {
            return;
        }

        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await objects.DeleteVersionAsync(key, versionId, deadline.Token);
        }
        catch (Exception e) when (Unreachable(e))
        {
            log.Debug($"Left version {versionId} of {key}: {e.Message}");
        }
    }

    /// <summary>S3 refused or did not answer in time: worth a line, not a failed deploy.</summary>
    private static bool Unreachable(Exception e) =>
        e is DeployException or OperationCanceledException or HttpRequestException or Amazon.Runtime.AmazonClientException or Amazon.Runtime.AmazonServiceException;

    private static string Serialize(DeployLeaseOptions options, DateTimeOffset started, DateTimeOffset now) =>
        JsonSerializer.Serialize(new LeaseHolder(options.Holder, options.Pid, options.Target, started.ToUniversalTime(), (now + options.Duration).ToUniversalTime()), Json);

    private static LeaseHolder? Parse(string content)
    {
        try
        {
            return JsonSerializer.Deserialize<LeaseHolder>(content, Json) is { Holder: not null } holder ? holder : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string Duration(TimeSpan span) => span.TotalMinutes >= 1
        ? $"{span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min"
        : $"{span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";
}
