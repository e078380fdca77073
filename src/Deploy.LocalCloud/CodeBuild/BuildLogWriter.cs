using System.Globalization;
using Deploy.LocalCloud.Logs;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// A build's CloudWatch Logs stream, written while the build runs. Lines are buffered and appended once a second
/// (<c>logs.json</c> is rewritten whole on each append, so a chatty build must not append per line). Null group: logs
/// are disabled for the project and lines are dropped.
/// </summary>
internal sealed class BuildLogWriter : IAsyncDisposable
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly LogsStore logs;
    private readonly string? group;
    private readonly string stream;
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task pump;
    private List<(long Timestamp, string Message)> pending = [];

    public BuildLogWriter(LogsStore logs, string? group, string stream)
    {
        this.logs = logs;
        this.group = group;
        this.stream = stream;
        pump = group is null ? Task.CompletedTask : PumpAsync();
    }

    /// <summary>A line of the local cloud's own, shaped like CodeBuild's agent lines.</summary>
    public void Container(string message)
    {
        var now = DateTimeOffset.UtcNow;
        Add([(now.ToUnixTimeMilliseconds(), $"[Container] {now.ToString("yyyy/MM/dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)} {message}")]);
    }

    public void Add(IReadOnlyList<(long Timestamp, string Message)> lines)
    {
        if (group is null)
        {
            return;
        }

        lock (gate)
        {
            // A CloudWatch Logs event has at least one character: blank output lines are not events.
            pending.AddRange(lines.Where(line => line.Message.Length > 0));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await pump;
        Flush();
        stop.Dispose();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(FlushInterval, stop.Token);
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
            // disposing: the last lines are flushed there
        }
    }

    private void Flush()
    {
        List<(long, string)> batch;
        lock (gate)
        {
            if (pending.Count == 0)
            {
                return;
            }

            batch = pending;
            pending = [];
        }

        logs.AppendContainerOutput(group!, stream, batch);
    }
}
