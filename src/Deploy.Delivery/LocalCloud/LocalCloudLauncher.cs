using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.Engine;

namespace Deploy.Delivery.LocalCloud;

/// <summary>
/// Ensures one local cloud runs for this checkout: reuses a healthy one started from the same sources,
/// else compiles src/Deploy.LocalCloud (only when its sources changed), starts it in the background,
/// waits for /health, and writes the env file that points the aws CLI and our clients at it.
/// </summary>
public sealed class LocalCloudLauncher(LocalCloudSettings settings, ToolRunner tools, IBuildLog log)
{
    private static readonly HttpClient Health = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>The variables that point AWS tools at the running local cloud (the aws CLI v1 reads AWS_DEFAULT_REGION).</summary>
    public IReadOnlyDictionary<string, string> Environment() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ENDPOINT_URL"] = settings.Endpoint.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = LocalCloudSettings.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = Secret(),
        ["AWS_REGION"] = LocalCloudSettings.Region,
        ["AWS_DEFAULT_REGION"] = LocalCloudSettings.Region,
    };

    /// <summary>The secret the running local cloud made for its state directory on first start.</summary>
    private string Secret()
    {
        var secret = File.Exists(settings.SecretFile) ? File.ReadAllText(settings.SecretFile).Trim() : "";
        return secret.Length > 0
            ? secret
            : throw new BuildFailedException($"The local cloud runs but its secret file {settings.SecretFile} is missing or empty: run ./build.sh LocalCloudDown, then ./build.sh LocalCloud.");
    }

    public async Task<Uri> EnsureRunningAsync(string dotnet, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkDirectory);
        var sourceHash = SourceHash(settings.ProjectDirectory);
        var running = LocalCloudInstance.Read(settings.InstanceFile);
        if (running is not null && IsAlive(running.ProcessId) && await IsHealthyAsync(cancellationToken))
        {
            if (running.SourceHash == sourceHash && running.Port == settings.Port)
            {
                log.Information($"Local cloud already running at {settings.Endpoint} (pid {running.ProcessId})");
                WriteEnvFile();
                return settings.Endpoint;
            }

            log.Information("Local cloud sources changed since it started: restarting it");
            await StopProcessAsync(running.ProcessId, cancellationToken);
        }
        else if (await HealthAsync(cancellationToken) is { } health)
        {
            // A local cloud this checkout did not start says whose state it serves; anything else is a stranger.
            throw new BuildFailedException(Text(health["service"]) == HealthService && Text(health["stateDirectory"]) is { } otherState
                ? $"Port {settings.Port} is taken by the local cloud of another checkout (state: {otherState}): run './build.sh LocalCloudDown' in that checkout, or pass --local-cloud-port <free port> here."
                : $"Port {settings.Port} already answers /health but not as our local cloud: stop that process or pass --local-cloud-port <free port>.");
        }

        var dll = await CompileAsync(dotnet, sourceHash, cancellationToken);
        var processId = await StartAsync(dotnet, dll, cancellationToken);
        new LocalCloudInstance(processId, settings.Port, sourceHash).Write(settings.InstanceFile);
        WriteEnvFile();
        return settings.Endpoint;
    }

    /// <summary>Stops the recorded process (its ECS containers are removed by the caller through Docker).</summary>
    public async Task<bool> StopAsync(CancellationToken cancellationToken)
    {
        var running = LocalCloudInstance.Read(settings.InstanceFile);
        // A fresh checkout has no work directory yet; File.Delete throws for a missing directory.
        if (!Directory.Exists(Path.GetDirectoryName(settings.EnvFile)))
            return false;
        File.Delete(settings.EnvFile);
        if (running is null || !IsAlive(running.ProcessId))
        {
            File.Delete(settings.InstanceFile);
            return false;
        }

        await StopProcessAsync(running.ProcessId, cancellationToken);
        File.Delete(settings.InstanceFile);
        return true;
    }

    private async Task<string> CompileAsync(string dotnet, string sourceHash, CancellationToken cancellationToken)
    {
        var output = Path.Combine(settings.WorkDirectory, "bin", sourceHash[..16]);
        var dll = Path.Combine(output, "Deploy.LocalCloud.dll");
        if (File.Exists(dll))
        {
            return dll;
        }

        log.Information("Compiling the local cloud (its sources changed)");
        var partial = output + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        await tools.RunAsync(dotnet, ["build", Path.Combine(settings.ProjectDirectory, "Deploy.LocalCloud.csproj"), "-c", "Release", "-o", partial, "-nologo", "-v", "q", "-clp:NoSummary"],
            new ToolOptions { CaptureOutput = true, EchoOutput = false }, cancellationToken);
        Directory.Move(partial, output);
        return dll;
    }

    private async Task<int> StartAsync(string dotnet, string dll, CancellationToken cancellationToken)
    {
        log.Information($"Starting the local cloud at {settings.Endpoint} (state: {settings.StateDirectory}, log: {settings.LogFile})");
        // setsid + nohup detach it from this build (and from Ctrl-C) so it keeps serving between builds; $! is its pid.
        var command = $"setsid nohup {Quote(dotnet)} {Quote(dll)} --port {settings.Port} --state-dir {Quote(settings.StateDirectory)} >>{Quote(settings.LogFile)} 2>&1 & echo $!";
        var result = await tools.RunAsync("bash", ["-c", command], new ToolOptions { CaptureOutput = true, EchoOutput = false }, cancellationToken);
        var processId = int.Parse(result.Output[^1].Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var deadline = DateTimeOffset.UtcNow + settings.StartTimeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await IsHealthyAsync(cancellationToken))
            {
                return processId;
            }

            if (!IsAlive(processId))
            {
                throw new BuildFailedException($"The local cloud exited during start-up: {LastLogLine()} (log: {settings.LogFile})");
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new BuildFailedException($"The local cloud did not answer {settings.Endpoint}health within {settings.StartTimeout.TotalSeconds:0} s (log: {settings.LogFile}).");
    }

    private string LastLogLine() =>
        File.Exists(settings.LogFile) ? File.ReadLines(settings.LogFile).LastOrDefault(l => l.Trim().Length > 0) ?? "no output" : "no output";

    /// <summary>The local cloud's /health names itself with this (LocalCloudApplication.HealthService, another process).</summary>
    public const string HealthService = "deploy-local-cloud";

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private async Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => await HealthAsync(cancellationToken) is not null;

    /// <summary>What <c>/health</c> answered with a success status (an empty object when not JSON); null when it did not.</summary>
    private async Task<JsonNode?> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Health.GetAsync(new Uri(settings.Endpoint, "/health"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                return JsonNode.Parse(body) as JsonObject ?? new JsonObject();
            }
            catch (JsonException)
            {
                return new JsonObject();
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task StopProcessAsync(int processId, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Written owner-only (it holds the secret), through a temp file so a reader never sees half of it.</summary>
    private void WriteEnvFile()
    {
        var temp = $"{settings.EnvFile}.{System.Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(temp); // the mode applies only to a file being created
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temp, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(string.Concat(Environment().Select(p => $"{p.Key}={p.Value}\n")));
        }

        File.Move(temp, settings.EnvFile, overwrite: true);
    }

    /// <summary>Content hash of the local cloud's sources: a change means recompile and restart.</summary>
    internal static string SourceHash(string projectDirectory)
    {
        var files = Directory.EnumerateFiles(projectDirectory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Where(f => !Path.GetRelativePath(projectDirectory, f).Split(Path.DirectorySeparatorChar).Any(s => s is "bin" or "obj"))
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(projectDirectory, file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
