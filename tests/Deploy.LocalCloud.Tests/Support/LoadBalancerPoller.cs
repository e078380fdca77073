using System.Collections.Concurrent;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>A client hammering a load balancer in the background (about 20 requests a second), recording every answer and error.</summary>
public sealed class LoadBalancerPoller : IAsyncDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public LoadBalancerPoller(string dnsName)
    {
        loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://{dnsName}/"), stop.Token);
                    var body = (await response.Content.ReadAsStringAsync(stop.Token)).Trim();
                    (response.IsSuccessStatusCode ? Answers : Errors).Enqueue(response.IsSuccessStatusCode ? body : $"HTTP {(int)response.StatusCode}: {body}");
                }
                catch (HttpRequestException error)
                {
                    Errors.Enqueue(error.Message);
                }
                catch (TaskCanceledException) when (!stop.IsCancellationRequested)
                {
                    Errors.Enqueue("timeout");
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                try
                {
                    await Task.Delay(50, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    public ConcurrentQueue<string> Answers { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
        http.Dispose();
    }
}
