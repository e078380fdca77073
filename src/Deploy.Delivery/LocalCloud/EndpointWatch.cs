using Deploy.Engine;

namespace Deploy.Delivery.LocalCloud;

/// <summary>
/// Watches an endpoint's health URL while something long depends on it (a <c>docker push</c> into the local cloud's
/// registry): when it stops answering, the work is cancelled and fails with <see cref="DownMessage"/> instead of riding
/// out the Docker engine's retry countdown (about 50 lines over 80 s before its own "connection refused").
/// </summary>
/// <param name="Health">The URL that answers while the endpoint is up, e.g. the local cloud's <c>/health</c>.</param>
/// <param name="DownMessage">One line: what stopped answering and the command that starts it again.</param>
public sealed record EndpointWatch(Uri Health, string DownMessage)
{
    /// <summary>Between probes.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one probe waits: generous, as a local cloud busy receiving layers on a loaded machine answers late.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Probes in a row without an answer before the endpoint counts as down: a refused connection (a stopped process)
    /// is one within a second, three late answers a hung one within about eight.
    /// </summary>
    public int Misses { get; init; } = 3;

    /// <summary>The one line for the local cloud at <paramref name="endpoint"/> when it is not answering.</summary>
    public static string LocalCloudDown(Uri endpoint) =>
        $"The local cloud at {endpoint.GetLeftPart(UriPartial.Authority)} stopped answering; start it again with ./build.sh LocalCloud, then re-run.";

    /// <summary>The watch for the local cloud at <paramref name="endpoint"/>: its <c>/health</c>.</summary>
    public static EndpointWatch ForLocalCloud(Uri endpoint) => new(new Uri(endpoint, "/health"), LocalCloudDown(endpoint));

    /// <summary>
    /// Runs <paramref name="work"/> with a token that is cancelled when the endpoint stops answering, in which case the
    /// result is a <see cref="BuildFailedException"/> carrying <see cref="DownMessage"/>.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var down = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = WatchAsync(down, stopWatching.Token);
        try
        {
            await work(down.Token);
        }
        catch (Exception e) when (down.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new BuildFailedException(DownMessage, e);
        }
        finally
        {
            await stopWatching.CancelAsync();
            await watching;
        }

        // The work may have ended with the endpoint (its last error swallowed by the caller's own reporting).
        if (down.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new BuildFailedException(DownMessage);
        }
    }

    private async Task WatchAsync(CancellationTokenSource down, CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = ProbeTimeout };
        var missed = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                missed = await AnswersAsync(http, stop) ? 0 : missed + 1;
                if (missed >= Misses)
                {
                    await down.CancelAsync();
                    return;
                }

                await Task.Delay(Interval, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The work ended first.
        }
    }

    private async Task<bool> AnswersAsync(HttpClient http, CancellationToken stop)
    {
        try
        {
            using var response = await http.GetAsync(Health, stop);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!stop.IsCancellationRequested)
        {
            return false;
        }
    }
}
