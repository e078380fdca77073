using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Deploy.Aws.Tests.Support;

/// <summary>
/// moto_server on a free loopback port, as an xunit fixture (class fixture, or the shared
/// <see cref="MotoGroup"/>). Call <see cref="ResetAsync"/> before each test (e.g. from the test class's
/// <c>IAsyncLifetime.InitializeAsync</c>). Clients reach it through <see cref="Endpoint"/> and the dummy
/// credentials below, set through the session's options, never through the process environment.
/// </summary>
public sealed class MotoServer : IAsyncLifetime, IDisposable
{
    public const string AccessKeyId = "testing";
    public const string SecretAccessKey = "testing";
    public const string SessionToken = "testing";
    public const string Region = "us-east-1";

    /// <summary>moto's default account.</summary>
    public const string AccountId = "123456789012";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder output = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Process? process;
    private int port;

    /// <summary>http://127.0.0.1:&lt;port&gt;</summary>
    public Uri Endpoint => process is null
        ? throw new InvalidOperationException("moto_server is not started")
        : new Uri($"http://127.0.0.1:{port}");

    public int Port => port;

    /// <summary>What moto_server printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException e)
            {
                last = e;
                Stop();
            }
        }

        throw new InvalidOperationException("moto_server did not start", last);
    }

    /// <summary>Clears all of moto's state (<c>POST /moto-api/reset</c>).</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsync(new Uri(Endpoint, "/moto-api/reset"), null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"moto reset answered {(int)response.StatusCode}");
        }
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Stop();
        http.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var free = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return free;
    }

    private async Task StartAsync()
    {
        port = FreePort();
        // A small bash watchdog runs moto and ends it when the test host goes away without disposing the fixture
        // (an aborted run); Dispose kills the whole tree.
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        const string Watchdog =
            "moto_server -p \"$1\" -H 127.0.0.1 & child=$!; " +
            "while kill -0 \"$2\" 2>/dev/null && kill -0 \"$child\" 2>/dev/null; do sleep 1; done; " +
            "kill \"$child\" 2>/dev/null; wait \"$child\"";
        foreach (var argument in new[] { "-c", Watchdog, "moto-watchdog", port.ToString(CultureInfo.InvariantCulture), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONUNBUFFERED"] = "1";
        var started = Process.Start(start) ?? throw new InvalidOperationException("moto_server could not be started");
        process = started;
        started.OutputDataReceived += (_, e) => Append(e.Data);
        started.ErrorDataReceived += (_, e) => Append(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (started.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with {started.ExitCode}: {Output}");
            }

            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await ResetAsync(probe.Token);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"moto_server did not answer on port {port} within {StartTimeout}: {Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length > 64 * 1024)
            {
                output.Remove(0, output.Length / 2);
            }

            output.AppendLine(line);
        }
    }

    private void Stop()
    {
        var running = process;
        process = null;
        if (running is null)
        {
            return;
        }

        try
        {
            if (!running.HasExited)
            {
                running.Kill(entireProcessTree: true);
                running.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            running.Dispose();
        }
    }
}

/// <summary>One moto_server shared by every test class in the collection (tests in it run one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class MotoGroup : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}

/// <summary>Base of the test classes on the shared moto_server (<see cref="MotoGroup"/>): moto is reset before each test.</summary>
public abstract class MotoTestBase(MotoServer moto) : IAsyncLifetime
{
    protected MotoServer Moto { get; } = moto;

    public Task InitializeAsync() => Moto.ResetAsync();

    public Task DisposeAsync()
    {
        AfterTest();
        return Task.CompletedTask;
    }

    /// <summary>Checks after each test, e.g. that what a recorder saw conforms to the model.</summary>
    protected virtual void AfterTest()
    {
    }
}
