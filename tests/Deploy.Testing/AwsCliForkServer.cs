using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Deploy.Testing;

/// <summary>
/// Runs the aws CLI forked from a Python process that imported it once. Each call is still a fresh process running
/// the CLI's own <c>awscli.clidriver.main()</c> with its own arguments, environment, working directory and exit code —
/// only the import (half a second of CPU of the CLI's ~0.9 s, paid by every one of the tests' thousands of calls on a
/// 2-core machine) is shared. Where the aws command is not a Python script this can read, <see cref="TryRunAsync"/>
/// answers null and the caller starts <c>aws</c> as usual.
/// </summary>
public static class AwsCliForkServer
{
    private const string Script = """
        import importlib, json, os, socketserver, sys
        import awscli, awscli.clidriver

        parent = os.getppid()

        class Call(socketserver.StreamRequestHandler):
            # Runs in the forked child: it becomes the aws process of one call.
            def handle(self):
                request = json.loads(self.rfile.readline())
                self.wfile.write(f"{os.getpid()}\n".encode()); self.wfile.flush()
                os.environ.clear(); os.environ.update(request["env"])
                importlib.reload(awscli)  # its import reads the environment (AWS_DATA_PATH): read this call's
                os.chdir(request["cwd"])
                for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
                    os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                sys.argv = ["aws"] + request["args"]
                try:
                    code = awscli.clidriver.main()
                except SystemExit as e:
                    code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
                sys.stdout.flush(); sys.stderr.flush()
                self.wfile.write(f"{code or 0}\n".encode()); self.wfile.flush()

        class Server(socketserver.ForkingMixIn, socketserver.UnixStreamServer):
            max_children = 64
            def service_actions(self):
                super().service_actions()
                if os.getppid() != parent:
                    os._exit(0)  # the test process is gone

        server = Server(sys.argv[1], Call)
        print("ready", flush=True)
        server.serve_forever(poll_interval=1)
        """;

    private static readonly Lazy<Task<string?>> Socket = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Runs <c>aws <paramref name="arguments"/></c>; null when no fork server can run here.</summary>
    public static async Task<ProcessResult?> TryRunAsync(
        IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, bool inheritEnvironment, string? workingDirectory, TimeSpan timeout)
    {
        if (await Socket.Value.ConfigureAwait(false) is not { } socketPath)
        {
            return null;
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (inheritEnvironment)
        {
            foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            {
                env[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
            }
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            env[name] = value;
        }

        var directory = Directory.CreateTempSubdirectory("aws-call-").FullName;
        try
        {
            var stdout = Path.Combine(directory, "stdout");
            var stderr = Path.Combine(directory, "stderr");
            var request = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["args"] = arguments,
                ["env"] = env,
                ["cwd"] = workingDirectory ?? System.Environment.CurrentDirectory,
                ["stdout"] = stdout,
                ["stderr"] = stderr,
            });
            using var client = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)).ConfigureAwait(false);
            await using var stream = new NetworkStream(client, ownsSocket: false);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request + "\n")).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            using var cancel = new CancellationTokenSource(timeout);
            var pid = 0;
            string? exit;
            try
            {
                pid = int.Parse(await reader.ReadLineAsync(cancel.Token).ConfigureAwait(false) ?? "0", CultureInfo.InvariantCulture);
                exit = await reader.ReadLineAsync(cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(pid);
                throw new TimeoutException($"aws {string.Join(' ', arguments)} timed out");
            }

            var code = int.TryParse(exit, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 255;
            return new ProcessResult(code, await ReadAsync(stdout).ConfigureAwait(false), await ReadAsync(stderr).ConfigureAwait(false));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> ReadAsync(string path) => File.Exists(path) ? await File.ReadAllTextAsync(path).ConfigureAwait(false) : string.Empty;

    private static void Kill(int pid)
    {
        if (pid <= 0)
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // already gone
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static async Task<string?> StartAsync()
    {
        if (System.Environment.GetEnvironmentVariable("DEPLOY_TESTS_AWS_CLI_FORK") == "0" || await PythonOfAwsCliAsync().ConfigureAwait(false) is not { } python)
        {
            return null;
        }

        var directory = Directory.CreateTempSubdirectory("aws-cli-server-").FullName;
        var script = Path.Combine(directory, "server.py");
        var socketPath = Path.Combine(directory, "socket");
        await File.WriteAllTextAsync(script, Script).ConfigureAwait(false);
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(socketPath);
        info.Environment["PYTHONIOENCODING"] = "utf-8";
        var server = Process.Start(info);
        if (server is null)
        {
            return null;
        }

        _ = server.StandardError.ReadToEndAsync();
        var ready = server.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false) != ready || await ready.ConfigureAwait(false) != "ready")
        {
            server.Kill(entireProcessTree: true);
            return null;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.Kill(entireProcessTree: true);
            Directory.Delete(directory, recursive: true);
        };
        return socketPath;
    }

    /// <summary>The interpreter on the first line of the aws script PATH finds (through a pyenv shim when there is one).</summary>
    private static async Task<string?> PythonOfAwsCliAsync()
    {
        var onPath = (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "aws")).FirstOrDefault(File.Exists);
        return Interpreter(onPath) ?? Interpreter(await PyenvWhichAsync().ConfigureAwait(false));
    }

    private static string? Interpreter(string? script) =>
        script is not null && File.ReadLines(script).FirstOrDefault() is { } first && first.StartsWith("#!", StringComparison.Ordinal)
        && first[2..].Trim() is var interpreter && Path.GetFileName(interpreter).StartsWith("python", StringComparison.Ordinal) && File.Exists(interpreter)
            ? interpreter
            : null;

    private static async Task<string?> PyenvWhichAsync()
    {
        try
        {
            var result = await ProcessRunner.RunAsync("pyenv", ["which", "aws"]).ConfigureAwait(false);
            var path = result.Stdout.Trim();
            return result.ExitCode == 0 && File.Exists(path) ? path : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no pyenv
        }
    }
}
