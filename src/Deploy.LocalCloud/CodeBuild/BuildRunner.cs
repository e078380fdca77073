using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Docker;
using Deploy.LocalCloud.Ecr;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Logs;
using Docker.DotNet.Models;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// Runs one build through its phases: PROVISIONING (the image), DOWNLOAD_SOURCE (source and buildspec), the buildspec
/// phases in a fresh container (driven by <see cref="BuildDriverScript"/>, followed through its control directory),
/// UPLOAD_ARTIFACTS (when BUILD was reached), FINALIZING, COMPLETED — writing phases to the store and log lines to
/// CloudWatch Logs as they happen.
/// </summary>
internal sealed partial class BuildRunner(
    CodeBuildStore store,
    BuildImage images,
    BuildSource sources,
    BuildArtifacts artifacts,
    DockerEngine docker,
    LogsStore logs,
    LocalCloudOptions options,
    LocalCloudAddress address,
    EcrAuthorizationTokens registryTokens,
    ContainerCredentialsEndpoint credentials,
    BuildServiceRole serviceRole,
    ILogger<BuildRunner> logger)
{
    private static readonly TimeSpan EventPoll = TimeSpan.FromMilliseconds(250);

    private readonly string owner = ContainerLabels.OwnerValue(options.StateDirectory);

    public async Task RunAsync(string buildId, string credentialsToken, BuildControl control)
    {
        var record = store.Read(state => state.Builds[buildId]);
        var build = record.Build.DeepClone().AsObject();
        var uuid = buildId[(buildId.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var directory = Path.Combine(store.Root, "builds", uuid);
        var source = Path.Combine(directory, "src");
        var controlDirectory = Path.Combine(directory, "control");
        var logsInfo = build["logs"] as JsonObject;
        await using var log = new BuildLogWriter(logs, logsInfo?["groupName"]?.GetValue<string>(), logsInfo?["streamName"]?.GetValue<string>() ?? uuid);
        var status = "FAILED";
        string? containerId = null;
        try
        {
            Mutate(buildId, b =>
            {
                BuildPhases.End(b, "SUCCEEDED", store.Now);
                BuildPhases.Start(b, BuildPhases.Provisioning, store.Now);
            });
            var role = serviceRole.Assume(record);
            log.Container("Waiting for agent ping");
            var requested = build["environment"]!["image"]!.GetValue<string>();
            var (image, note) = await ResolveImageAsync(requested, control.Token);
            log.Container(note);
            Directory.CreateDirectory(controlDirectory);
            Mutate(buildId, b =>
            {
                BuildPhases.End(b, "SUCCEEDED", store.Now);
                BuildPhases.Start(b, BuildPhases.DownloadSource, store.Now);
            });
            log.Container("Waiting for DOWNLOAD_SOURCE");
            var (resolved, notes) = sources.Download(record, source, role);
            foreach (var line in notes)
            {
                log.Container(line);
            }

            var spec = ReadBuildspec(record, source);
            Mutate(buildId, b =>
            {
                if (resolved is not null)
                {
                    b["resolvedSourceVersion"] = resolved;
                }

                BuildPhases.End(b, "SUCCEEDED", store.Now);
            });
            BuildDriverScript.Write(controlDirectory, spec);
            var sourceMount = $"/codebuild/output/src{uuid.GetHashCode(StringComparison.Ordinal) & 0x7fffffff}/src";
            var environment = BuildEnvironment.For(store.Read(state => state.Builds[buildId].Build.DeepClone().AsObject()), spec, sourceMount, resolved, credentialsToken, address.Endpoint, options.Region);
            var projectName = build["projectName"]!.GetValue<string>();
            var nuget = Directory.CreateDirectory(Path.Combine(store.Root, "nuget", projectName)).FullName;
            var (cacheMounts, cacheNotes) = BuildCache.Mounts(build["cache"] as JsonObject, spec.CachePaths, BuildCache.ProjectDirectory(store.Root, projectName), source, sourceMount);
            foreach (var line in cacheNotes)
            {
                log.Container(line);
            }

            var inputs = new BuildContainerInputs(image, source, sourceMount, controlDirectory, nuget, cacheMounts, spec.Shell,
                build["environment"]!["privilegedMode"]?.GetValue<bool>() == true, environment, BuildContainer.Labels(owner, buildId, build["projectName"]!.GetValue<string>()));
            var created = await docker.Client.Containers.CreateContainerAsync(BuildContainer.Parameters($"codebuild-{Sanitize(build["projectName"]!.GetValue<string>())}-{uuid[..8]}", inputs), control.Token);
            containerId = created.ID;
            store.Update(state => state.Builds[buildId].ContainerId = created.ID);
            await docker.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), control.Token);
            var following = docker.FollowLogsAsync(created.ID, DateTimeOffset.UtcNow.AddSeconds(-5), lines =>
            {
                log.Add(lines);
                return Task.CompletedTask;
            }, CancellationToken.None);

            var events = new DriverEvents(Path.Combine(controlDirectory, "events"), spec);
            var exitCode = await FollowAsync(buildId, created.ID, events, control);
            await following.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            if (control.EndStatus is { } ended)
            {
                status = ended;
                log.Container(ended == "TIMED_OUT" ? "Build timed out" : $"Build stopped{(control.Reason is null ? string.Empty : ": " + control.Reason)}");
                Mutate(buildId, b => EndFromOutside(b, control));
                return;
            }

            if (!events.Done)
            {
                // The shell itself ended (an `exit` in a command, or a killed container): the command that ran failed.
                var command = events.RunningCommand ?? "(the build driver)";
                log.Container($"Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: {command}. Reason: exit status {exitCode}");
                Mutate(buildId, b => BuildPhases.End(b, "FAILED", store.Now, "COMMAND_EXECUTION_ERROR", $"Error while executing command: {command}. Reason: exit status {exitCode}"));
            }

            var exported = ReadExported(controlDirectory, spec);
            Mutate(buildId, b => b["exportedEnvironmentVariables"] = new JsonArray([.. exported.Select(e => (JsonNode)new JsonObject { ["name"] = e.Key, ["value"] = e.Value })]));
            if (events.ReachedBuild)
            {
                Mutate(buildId, b => BuildPhases.Start(b, BuildPhases.UploadArtifacts, store.Now));
                log.Container("Expanding base directory path: " + (spec.Artifacts?.BaseDirectory ?? "."));
                var location = artifacts.Upload(store.Read(state => state.Builds[buildId]), spec, source, role);
                Mutate(buildId, b =>
                {
                    if (location is not null)
                    {
                        b["artifacts"]!["location"] = location;
                    }

                    BuildPhases.End(b, "SUCCEEDED", store.Now);
                });
                log.Container("Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED");
            }

            status = store.Read(state => BuildPhases.AnyFailed(state.Builds[buildId].Build)) ? "FAILED" : "SUCCEEDED";
        }
        catch (BuildFailure failure)
        {
            var phase = store.Read(state => BuildPhases.InProgress(state.Builds[buildId].Build)) ?? "BUILD";
            log.Container($"Phase complete: {phase} State: FAILED");
            log.Container($"Phase context status code: {failure.StatusCode} Message: {failure.Message}");
            Mutate(buildId, b => BuildPhases.End(b, "FAILED", store.Now, failure.StatusCode, failure.Message));
            status = "FAILED";
        }
        catch (BuildspecException failure)
        {
            log.Container("Phase complete: DOWNLOAD_SOURCE State: FAILED");
            log.Container($"Phase context status code: YAML_FILE_ERROR Message: {failure.Message}");
            Mutate(buildId, b => BuildPhases.End(b, "FAILED", store.Now, "YAML_FILE_ERROR", failure.Message));
            status = "FAILED";
        }
        catch (OperationCanceledException) when (control.EndStatus is { } ended)
        {
            status = ended;
            Mutate(buildId, b => EndFromOutside(b, control));
        }
        catch (Exception error)
        {
            // The local cloud's own failure (Docker refused, disk full): FAULT, with the reason in the phase context.
            LogFault(logger, error, buildId);
            var message = error is global::Docker.DotNet.DockerApiException api ? api.ResponseBody.Trim() : error.Message;
            log.Container($"Phase context status code: CLIENT_ERROR Message: {message}");
            Mutate(buildId, b => BuildPhases.End(b, "FAULT", store.Now, "CLIENT_ERROR", message));
            status = "FAULT";
        }
        finally
        {
            if (containerId is not null)
            {
                await docker.RemoveAsync(containerId, CancellationToken.None);
            }

            credentials.Forget(buildId);
            Mutate(buildId, b => BuildPhases.Complete(b, status, store.Now));
            TryDelete(directory);
        }
    }

    /// <summary>Applies the driver's events as they come until the container exits (or the build is ended from outside).</summary>
    private async Task<long> FollowAsync(string buildId, string containerId, DriverEvents events, BuildControl control)
    {
        while (true)
        {
            foreach (var change in events.ReadNew())
            {
                Mutate(buildId, change);
            }

            if (control.Token.IsCancellationRequested)
            {
                await docker.RemoveAsync(containerId, CancellationToken.None);
                return -1;
            }

            var observed = await docker.ObserveAsync(containerId, CancellationToken.None);
            if (!observed.Running)
            {
                foreach (var change in events.ReadNew())
                {
                    Mutate(buildId, change);
                }

                return observed.ExitCode;
            }

            try
            {
                await Task.Delay(EventPoll, control.Token);
            }
            catch (OperationCanceledException)
            {
                // ended from outside: the loop removes the container
            }
        }
    }

    private async Task<(string Image, string Note)> ResolveImageAsync(string requested, CancellationToken cancellationToken)
    {
        try
        {
            return await images.ResolveAsync(requested, AuthFor(requested), cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw new BuildFailure("CLIENT_ERROR", $"CannotPullContainerError: {requested}: {error.Message.ReplaceLineEndings(" ")}");
        }
    }

    private AuthConfig? AuthFor(string image)
    {
        if (!image.StartsWith(address.RegistryHost + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(registryTokens.Issue().Base64Token));
        return new AuthConfig { Username = EcrAuthorizationTokens.UserName, Password = pair[(pair.IndexOf(':', StringComparison.Ordinal) + 1)..], ServerAddress = address.RegistryHost };
    }

    private static Buildspec ReadBuildspec(BuildRecord record, string source)
    {
        if (record.BuildspecText is { } inline)
        {
            return Buildspec.Parse(inline);
        }

        var path = Path.GetFullPath(Path.Combine(source, record.BuildspecFile));
        return File.Exists(path) && path.StartsWith(source, StringComparison.Ordinal)
            ? Buildspec.Parse(File.ReadAllText(path))
            : throw new BuildspecException($"YAML_FILE_ERROR: stat {record.BuildspecFile}: no such file or directory (the buildspec is read from the source root)");
    }

    private static Dictionary<string, string> ReadExported(string controlDirectory, Buildspec spec)
    {
        var exported = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in spec.ExportedVariables)
        {
            var file = Path.Combine(controlDirectory, "exported", name);
            if (File.Exists(file))
            {
                exported[name] = File.ReadAllText(file);
            }
        }

        return exported;
    }

    /// <summary>The phase in progress ends TIMED_OUT (with CodeBuild's context) or STOPPED (with a context only when the local cloud stopped it).</summary>
    private void EndFromOutside(JsonObject build, BuildControl control)
    {
        if (control.EndStatus == "TIMED_OUT")
        {
            BuildPhases.End(build, "TIMED_OUT", store.Now, "BUILD_TIMED_OUT", "Build has timed out. ");
        }
        else
        {
            BuildPhases.End(build, "STOPPED", store.Now, control.Reason is null ? null : BuildRuns.InterruptedCode, control.Reason);
        }
    }

    private void Mutate(string buildId, Action<JsonObject> change) => store.Update(state => change(state.Builds[buildId].Build));

    private static string Sanitize(string name) => new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-')]);

    private void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException error)
        {
            LogCleanupFailure(logger, directory, error.Message);
        }
        catch (UnauthorizedAccessException error)
        {
            LogCleanupFailure(logger, directory, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Build {BuildId} faulted")]
    private static partial void LogFault(ILogger logger, Exception error, string buildId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove {Directory}: {Message}")]
    private static partial void LogCleanupFailure(ILogger logger, string directory, string message);
}
