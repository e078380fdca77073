using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit;

namespace Deploy.Testing.Moto;

/// <summary>
/// moto_server (an AWS emulator nobody here wrote, so an independent oracle) on a free loopback port. Use it as an xunit
/// fixture (class or collection fixture: xunit starts it through <see cref="InitializeAsync"/>) or start one for a single
/// test with <c>await using var moto = await MotoServer.StartAsync();</c>. <see cref="ResetAsync"/> clears moto's state
/// between tests that share one. Clients reach it through <see cref="Endpoint"/> with the dummy credentials below, set
/// through their own options or child environment, never through the test process's environment.
/// </summary>
public sealed class MotoServer : IAsyncLifetime, IAsyncDisposable, IDisposable
{
    public const string AccessKeyId = "testing";
    public const string SecretAccessKey = "testing";
    public const string SessionToken = "testing";
    public const string Region = "us-east-1";

    /// <summary>moto's default account.</summary>
    public const string AccountId = "123456789012";

    private const int StartAttempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder output = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Process? process;
    private int port;

    /// <summary>http://127.0.0.1:&lt;port&gt;</summary>
    public Uri Endpoint => process is null
        ? throw new InvalidOperationException("moto_server is not started")
        : new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    public int Port => port;

    /// <summary>What moto_server printed so far (the last 32-64 KiB), for failure messages.</summary>
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

    /// <summary>Starts a moto_server that answers; dispose it to stop it.</summary>
    public static async Task<MotoServer> StartAsync()
    {
        var server = new MotoServer();
        try
        {
            await server.InitializeAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts moto_server and waits until it answers; a start that fails (e.g. the port was taken meanwhile) is retried on another port.</summary>
    public async Task InitializeAsync()
    {
        Exception? last = null;
        for (var attempt = 0; attempt < StartAttempts; attempt++)
        {
            try
            {
                await StartOnceAsync();
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

    /// <summary>Kills moto_server (its whole process tree).</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Stop();
        http.Dispose();
    }

    private async Task StartOnceAsync()
    {
        port = FreePort.Next();
        // A small bash watchdog runs moto and ends it when the test host goes away without disposing the server
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
                // The reset doubles as the readiness probe: it answers once moto serves, and leaves a fresh state.
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
