using Deploy.LocalCloud.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deploy.LocalCloud.Registry;

/// <summary>
/// Expires abandoned blob uploads, as the distribution registry's upload purging does: at start-up and then periodically,
/// every file under <c>registry/uploads/</c> untouched for <see cref="LocalCloudOptions.UploadMaxAge"/> is deleted. A
/// push killed mid-layer otherwise leaves its partial layer there for good; an upload still receiving data is newer.
/// </summary>
internal sealed partial class UploadPurger(BlobStore blobs, LocalCloudOptions options, TimeProvider time, ILogger<UploadPurger> logger) : BackgroundService
{
    /// <summary>How often the check runs: a quarter of the age, within 1 s and 15 min.</summary>
    internal TimeSpan Interval => TimeSpan.FromTicks(Math.Clamp(options.UploadMaxAge.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.FromMinutes(15).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            Purge();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the expired uploads; returns how many files and bytes went.</summary>
    internal (int Files, long Bytes) Purge()
    {
        var cutoff = time.GetUtcNow() - options.UploadMaxAge;
        var files = 0;
        var bytes = 0L;
        foreach (var upload in blobs.Uploads())
        {
            try
            {
                if (upload.LastWriteTimeUtc < cutoff.UtcDateTime)
                {
                    var length = upload.Length;
                    upload.Delete();
                    files++;
                    bytes += length;
                }
            }
            catch (IOException)
            {
                // Completed or cancelled by its client meanwhile: nothing left to purge.
            }
        }

        if (files > 0)
        {
            LogPurged(files, bytes, options.UploadMaxAge);
        }

        return (files, bytes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry: purged {Files} abandoned upload(s), {Bytes} bytes, older than {MaxAge}")]
    private partial void LogPurged(int files, long bytes, TimeSpan maxAge);
}
