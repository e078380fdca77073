namespace Deploy.LocalCloud.CodeBuild;

/// <summary>How a running build is ended from outside: StopBuild, its timeout, or the local cloud shutting down.</summary>
internal sealed class BuildControl : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly Lock gate = new();
    private bool disposed;

    public CancellationToken Token => cancel.Token;

    /// <summary>STOPPED or TIMED_OUT once ended from outside.</summary>
    public string? EndStatus { get; private set; }

    public string? Reason { get; private set; }

    public void End(string status, string? reason = null)
    {
        lock (gate)
        {
            if (EndStatus is null && !disposed)
            {
                EndStatus = status;
                Reason = reason;
                cancel.Cancel();
            }
        }
    }

    public void EndAfter(TimeSpan delay) => Task.Delay(delay, Token).ContinueWith(t =>
    {
        if (!t.IsCanceled)
        {
            End("TIMED_OUT");
        }
    }, TaskScheduler.Default);

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            cancel.Cancel(); // ends the timeout's delay
            cancel.Dispose();
        }
    }
}
