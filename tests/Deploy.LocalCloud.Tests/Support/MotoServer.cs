using System.Diagnostics;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>moto_server on a free loopback port: an independent oracle for AWS error codes.</summary>
public sealed class MotoServer : IAsyncDisposable
{
    private readonly Process process;

    private MotoServer(Process process, int port)
    {
        this.process = process;
        Endpoint = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Endpoint { get; }

    public AwsCli Cli => new(Endpoint.ToString().TrimEnd('/'), "testing", "testing");

    public static async Task<MotoServer> StartAsync()
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("moto_server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-H");
        info.ArgumentList.Add("127.0.0.1");
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(info) ?? throw new InvalidOperationException("moto_server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new MotoServer(process, port);
        try
        {
            // moto answers /moto-api/ without auth once it is up.
            await WaitForAsync(new Uri(server.Endpoint, "/moto-api/"), TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private static async Task WaitForAsync(Uri url, TimeSpan timeout)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(url);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"moto_server not answering at {url}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
