using Deploy.Delivery.LocalCloud;
using Deploy.Delivery.Machine;
using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    [Parameter("Loopback port of the local cloud (image URIs contain it, so keep it fixed)")]
    readonly int LocalCloudPort = 4566;

    LocalCloudSettings LocalCloudSettings =>
        new() { RootDirectory = RootDirectory, WorkDirectory = Path.Combine(TemporaryDirectory, "local-cloud"), Port = LocalCloudPort };

    LocalCloudLauncher LocalCloudLauncher => new(LocalCloudSettings, Tools, Log);

    /// <summary>The dotnet host running this build, reused to compile and run the local cloud.</summary>
    static string DotnetHost => System.Environment.ProcessPath ?? "dotnet";

    Target LocalCloud => _ => _
        .Description("Ensures the local cloud runs (reuses a healthy one) and writes .nuke/temp/local-cloud/env for the aws CLI")
        .OnlyWhenStatic(() => Cloud == CloudKind.Local)
        .Executes(async ct =>
        {
            var packages = new DebianPackages(Tools, Log);
            await new DockerEngine(Tools, Log, packages, TemporaryDirectory).EnsureRunningAsync(Environment, ct);
            var endpoint = await LocalCloudLauncher.EnsureRunningAsync(DotnetHost, ct);
            Note(endpoint.ToString());
            Log.Information($"Point the aws CLI at it with: set -a; . {Path.GetRelativePath(RootDirectory, Path.Combine(TemporaryDirectory, "local-cloud", "env"))}; set +a");
        });

    Target LocalCloudDown => _ => _
        .Description("Stops the local cloud and removes its containers (state is kept under .nuke/temp/local-cloud/state; it says how much)")
        .Executes(async ct =>
        {
            var stopped = await LocalCloudLauncher.StopAsync(ct);
            var removed = await LocalCloudContainers.RemoveAllAsync(DockerEngine.Endpoint(Environment), LocalCloudSettings.StateDirectory, ct);
            // The state stays for the next start; say how much, so a growing registry is noticed.
            var state = LocalCloudSettings.StateDirectory;
            var kept = LocalCloudDiskUsage.Measure(state).Describe(Path.GetRelativePath(RootDirectory, state));
            Log.Information($"Kept: {kept}");
            Note($"{(stopped ? "stopped" : "was not running")}, {removed} container(s) removed; {kept}");
        });
}
