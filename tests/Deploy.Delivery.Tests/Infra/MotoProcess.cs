using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Deploy.Aws;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>
/// moto_server on a free loopback port for this project's CloudFormation tests (the idea of
/// tests/Deploy.Aws.Tests/Support/MotoServer, kept small until a shared test-support project exists).
/// Sessions reach it through AWS_ENDPOINT_URL in the session's own environment, never the process's.
/// </summary>
public sealed class MotoProcess : IAsyncLifetime, IDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Process? process;

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Endpoint = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var start = new ProcessStartInfo("moto_server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-p", port.ToString(CultureInfo.InvariantCulture), "-H", "127.0.0.1"])
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("moto_server could not be started.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await ResetAsync();
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task ResetAsync()
    {
        using var response = await http.PostAsync(new Uri(Endpoint, "/moto-api/reset"), null);
        response.EnsureSuccessStatusCode();
    }

    public AwsSession Session() => new(new AwsSessionOptions
    {
        Region = "us-east-1",
        Credentials = new BasicAWSCredentials("testing", "testing"),
        Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = Endpoint.ToString() },
        MaxAttempts = 2,
    });

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process?.Dispose();
        process = null;
        http.Dispose();
    }
}
