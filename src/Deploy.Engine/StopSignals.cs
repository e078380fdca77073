using System.Runtime.InteropServices;

namespace Deploy.Engine;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a cancellation, so the running target is aborted and assured targets
/// still clean up; the second signal of either kind ends the process at once. GitLab cancels a job with SIGTERM and
/// CodeBuild's StopBuild stops the build's processes the same way.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private readonly TextWriter error;
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private int received;

    public StopSignals(TextWriter error)
    {
        this.error = error;
        // Not Console.CancelKeyPress: subscribing to it initializes the console's terminal handling, a tenth of a warm
        // --help; a signal registration is all a stop needs.
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate);
    }

    public CancellationToken Token => cancellation.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? First { get; private set; }

    /// <summary>
    /// The exit code of a build that ended with <paramref name="exitCode"/>: an aborted build says which signal stopped it,
    /// 128 + its number as shells report it (130 for Ctrl-C, 143 for SIGTERM).
    /// </summary>
    public int ExitCode(int exitCode) =>
        exitCode == BuildSummary.Aborted && First == PosixSignal.SIGTERM ? BuildSummary.Terminated : exitCode;

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        cancellation.Dispose();
    }

    private void OnInterrupt(PosixSignalContext context) => context.Cancel = Stop(PosixSignal.SIGINT, "Ctrl-C");

    private void OnTerminate(PosixSignalContext context) => context.Cancel = Stop(PosixSignal.SIGTERM, "SIGTERM");

    /// <summary>True for the first signal (handled here); false lets the runtime end the process.</summary>
    private bool Stop(PosixSignal signal, string name)
    {
        if (Interlocked.Increment(ref received) != 1)
            return false;
        First = signal;
        error.WriteLine($"{name} received: aborting the running target; clean-up targets still run. Another {name} ends the build at once.");
        cancellation.Cancel();
        return true;
    }
}
