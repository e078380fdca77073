namespace Deploy.LocalCloud.Hosting;

/// <summary>Readiness: poll <c>GET /health</c> until it answers 200 or the timeout passes.</summary>
public static class HealthWaitStrategy
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task WaitUntilHealthyAsync(Uri endpoint, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var health = new Uri(endpoint, "/health");
        var deadline = DateTime.UtcNow + timeout;
        string lastProblem = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(health, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                lastProblem = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException error)
            {
                lastProblem = error.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastProblem = "health request timed out";
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"Local cloud at {endpoint} not healthy after {timeout.TotalSeconds:0.#} s ({lastProblem}).");
    }
}
