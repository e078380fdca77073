using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Docker;
using Docker.DotNet.Models;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>Host paths and values one build container is made from.</summary>
internal sealed record BuildContainerInputs(
    string Image,
    string SourceDirectory,
    string ContainerSourceDirectory,
    string ControlDirectory,
    string NuGetCacheDirectory,
    IReadOnlyList<CacheMount> CacheMounts,
    string Shell,
    bool Privileged,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// The Docker container of a build: host networking (the build reaches the local cloud and its registry at 127.0.0.1),
/// the source and control directories, the host's .NET SDK read-only on PATH, the host's NuGet packages as a read-only
/// fallback folder plus a writable per-project cache, the project's LOCAL cache directories (<see cref="BuildCache"/>), and — only with PrivilegedMode — the host engine's socket.
/// </summary>
internal static class BuildContainer
{
    public const string DotnetMount = "/usr/share/dotnet";
    public const string NuGetFallbackMount = "/codebuild/nuget-fallback";
    public const string NuGetCacheMount = "/root/.nuget/packages";
    public const string DockerSocketMount = "/var/run/docker.sock";

    public static CreateContainerParameters Parameters(string name, BuildContainerInputs inputs)
    {
        var binds = new List<string>
        {
            $"{inputs.SourceDirectory}:{inputs.ContainerSourceDirectory}",
            $"{inputs.ControlDirectory}:{BuildDriverScript.ControlMount}",
        };
        // A project cache that keeps the NuGet folder takes the place of the per-project one.
        if (inputs.CacheMounts.All(m => m.ContainerPath != NuGetCacheMount))
        {
            binds.Add($"{inputs.NuGetCacheDirectory}:{NuGetCacheMount}");
        }

        binds.AddRange(inputs.CacheMounts.Select(m => $"{m.HostDirectory}:{m.ContainerPath}"));
        var environment = new Dictionary<string, string>(inputs.Environment, StringComparer.Ordinal);
        if (HostDotnetRoot() is { } dotnet)
        {
            binds.Add($"{dotnet}:{DotnetMount}:ro");
        }

        if (HostNuGetPackages() is { } packages)
        {
            binds.Add($"{packages}:{NuGetFallbackMount}:ro");
            environment["NUGET_FALLBACK_PACKAGES"] = NuGetFallbackMount;
        }

        if (inputs.Privileged && HostDockerSocket() is { } socket)
        {
            binds.Add($"{socket}:{DockerSocketMount}");
            environment["DOCKER_HOST"] = "unix://" + DockerSocketMount;
        }

        return new CreateContainerParameters
        {
            Name = name,
            Image = inputs.Image,
            Cmd = [inputs.Shell.EndsWith("sh", StringComparison.Ordinal) && !inputs.Shell.EndsWith("bash", StringComparison.Ordinal) ? "/bin/sh" : "bash", $"{BuildDriverScript.ControlMount}/{BuildDriverScript.FileName}"],
            Env = [.. environment.Select(e => $"{e.Key}={e.Value}")],
            WorkingDir = inputs.ContainerSourceDirectory,
            User = "0:0",
            Labels = inputs.Labels.ToDictionary(l => l.Key, l => l.Value),
            Entrypoint = [],
            HostConfig = new HostConfig { NetworkMode = "host", Binds = binds },
        };
    }

    /// <summary>The .NET root this process runs from when it has an SDK (else the one <c>dotnet</c> on PATH resolves to).</summary>
    public static string? HostDotnetRoot()
    {
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var fromRuntime = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        if (Directory.Exists(Path.Combine(fromRuntime, "sdk")))
        {
            return fromRuntime;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists);
        var resolved = onPath is null ? null : Path.GetDirectoryName(new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath);
        return resolved is not null && Directory.Exists(Path.Combine(resolved, "sdk")) ? resolved : null;
    }

    public static string? HostNuGetPackages()
    {
        var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        var path = !string.IsNullOrEmpty(configured) ? configured : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Directory.Exists(path) ? Path.GetFullPath(path) : null;
    }

    /// <summary>The socket of the engine the local cloud uses (<c>DOCKER_HOST</c> when it is a unix socket).</summary>
    public static string? HostDockerSocket()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var path = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;
        return path is not null && File.Exists(path) ? path : null;
    }

    public static Dictionary<string, string> Labels(string owner, string buildId, string projectName) => new(StringComparer.Ordinal)
    {
        [ContainerLabels.Owner] = owner,
        [ContainerLabels.Build] = buildId,
        [ContainerLabels.Container] = "codebuild-" + projectName,
    };

    public static string Variables(JsonObject build) => string.Join(", ", (build["environment"]?["environmentVariables"] as JsonArray ?? []).OfType<JsonObject>().Select(v => v["name"]?.GetValue<string>()));
}
