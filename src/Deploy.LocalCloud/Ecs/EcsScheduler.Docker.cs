using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Docker;
using Deploy.LocalCloud.Ecr;
using Deploy.LocalCloud.Protocols;
using Docker.DotNet.Models;

namespace Deploy.LocalCloud.Ecs;

internal sealed partial class EcsScheduler
{
    private const string EssentialExited = "Essential container in task exited";

    /// <summary>Pull every image, then create and start the containers; any failure stops the task with AWS's reason.</summary>
    private async Task LaunchAsync(string taskArn, CancellationToken cancellationToken)
    {
        var now = store.Now;
        var (task, definition, credentialsToken) = store.Update(state =>
        {
            var task = state.Tasks[taskArn];
            task.LastStatus = "PENDING";
            task.PullStartedAt = now;
            var definition = EcsStore.TaskDefinition(state, task.TaskDefinitionArn).Definition.DeepClone().AsObject();
            string? token = null;
            if (definition.OptionalString("taskRoleArn") is not null)
            {
                // The task role's credentials, served to the containers as ECS's agent serves them (TaskCredentialGrants).
                (token, task.CredentialsTokenHash) = ContainerCredentialsEndpoint.NewToken();
            }

            return (task, definition, token);
        });
        var containers = definition["containerDefinitions"]!.AsArray().OfType<JsonObject>().ToList();
        if (ExecutionRoleDenial(task, definition) is { } denial)
        {
            FailLaunch(taskArn, task.Containers[0].Name, denial, denial);
            return;
        }

        var digests = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var container in task.Containers)
        {
            try
            {
                await docker.PullAsync(container.Image, AuthFor(container.Image), cancellationToken);
                digests[container.Name] = await docker.RepoDigestAsync(container.Image, cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var message = $"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {container.Image}: {DockerMessage(error)}";
                FailLaunch(taskArn, container.Name, message, message);
                return;
            }
        }

        store.Update(state =>
        {
            var record = state.Tasks[taskArn];
            record.PullStoppedAt = store.Now;
            foreach (var container in record.Containers)
            {
                container.ImageDigest = digests.GetValueOrDefault(container.Name);
            }
        });
        var started = new List<(string Name, string Id, int? HostPort)>();
        foreach (var container in task.Containers)
        {
            var containerDefinition = containers.First(c => c.OptionalString("name") == container.Name);
            try
            {
                var (id, hostPort) = await docker.StartAsync(Spec(task, container, containerDefinition, credentialsToken), cancellationToken);
                started.Add((container.Name, id, hostPort));
                StartLogPump(container, id, DateTimeOffset.UtcNow.AddSeconds(-5));
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                foreach (var (_, id, _) in started)
                {
                    await docker.RemoveAsync(id, CancellationToken.None);
                }

                var message = $"CannotStartContainerError: {DockerMessage(error)}";
                FailLaunch(taskArn, container.Name, message, message);
                return;
            }
        }

        var startedAt = store.Now;
        store.Update(state =>
        {
            var record = state.Tasks[taskArn];
            record.LastStatus = "RUNNING";
            record.StartedAt = startedAt;
            foreach (var (name, id, hostPort) in started)
            {
                var container = record.Containers.First(c => c.Name == name);
                container.DockerId = id;
                container.HostPort = hostPort;
                container.LastStatus = "RUNNING";
            }
        });
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>Docker's own message ({"message": ...} of the API error) rather than Docker.DotNet's wrapper text.</summary>
    private static string DockerMessage(Exception error)
    {
        if (error is global::Docker.DotNet.DockerApiException api && !string.IsNullOrEmpty(api.ResponseBody))
        {
            try
            {
                if (JsonNode.Parse(api.ResponseBody)?["message"]?.GetValue<string>() is { } message)
                {
                    return OneLine(message);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // not JSON: fall through
            }
        }

        return OneLine(error.Message);
    }

    private void FailLaunch(string taskArn, string containerName, string containerReason, string stoppedReason)
    {
        var now = store.Now;
        store.Update(state =>
        {
            var task = state.Tasks[taskArn];
            task.PullStoppedAt ??= now;
            task.LastStatus = "STOPPED";
            task.DesiredStatus = "STOPPED";
            task.StoppingAt ??= now;
            task.StoppedAt = now;
            task.StoppedReason = stoppedReason;
            task.StopCode = "TaskFailedToStart";
            foreach (var container in task.Containers)
            {
                container.LastStatus = "STOPPED";
                if (container.Name == containerName)
                {
                    container.Reason = containerReason;
                }
            }
        });
    }

    /// <summary>Registry credentials for the local registry (an internal token, as ECR's task execution role would fetch).</summary>
    private AuthConfig? AuthFor(string image)
    {
        if (!image.StartsWith(address.RegistryHost + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var (token, _) = tokens.Issue();
        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(token));
        return new AuthConfig { Username = EcrAuthorizationTokens.UserName, Password = pair[(pair.IndexOf(':', StringComparison.Ordinal) + 1)..], ServerAddress = address.RegistryHost };
    }

    private TaskContainerSpec Spec(TaskRecord task, TaskContainerRecord container, JsonObject definition, string? credentialsToken)
    {
        var overrides = task.Overrides?.OptionalArray("containerOverrides")?.OfType<JsonObject>().FirstOrDefault(o => o.OptionalString("name") == container.Name);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (definition.OptionalArray("environment") ?? []).Concat(overrides?.OptionalArray("environment") ?? []).OfType<JsonObject>())
        {
            environment[pair.OptionalString("name") ?? string.Empty] = pair.OptionalString("value") ?? string.Empty;
        }

        if (credentialsToken is not null)
        {
            // ECS sets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (its agent's fixed address); locally the full URI and a token.
            environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = address.Endpoint.ToString().TrimEnd('/') + ContainerCredentialsEndpoint.Path;
            environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = credentialsToken;
        }

        var command = overrides?.OptionalArray("command") is not null ? overrides.OptionalStringList("command") : definition.OptionalArray("command") is null ? null : definition.OptionalStringList("command");
        var entryPoint = definition.OptionalArray("entryPoint") is null ? null : definition.OptionalStringList("entryPoint");
        HealthConfig? health = null;
        if (definition.OptionalObject("healthCheck") is { } check)
        {
            health = new HealthConfig
            {
                Test = [.. check.OptionalStringList("command")],
                Interval = TimeSpan.FromSeconds(check.OptionalInt("interval") ?? 30),
                Timeout = TimeSpan.FromSeconds(check.OptionalInt("timeout") ?? 5),
                Retries = check.OptionalInt("retries") ?? 3,
                StartPeriod = (long)TimeSpan.FromSeconds(check.OptionalInt("startPeriod") ?? 0).TotalNanoseconds,
            };
        }

        var family = EcsStore.LastSegment(task.TaskDefinitionArn).Replace(':', '-');
        var name = Sanitize($"ecs-{family}-{container.Name}-{EcsStore.TaskId(task.Arn)[..12]}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ContainerLabels.Owner] = owner,
            [ContainerLabels.Cluster] = task.ClusterArn,
            [ContainerLabels.Service] = task.ServiceArn ?? string.Empty,
            [ContainerLabels.Task] = task.Arn,
            [ContainerLabels.Container] = container.Name,
        };
        var memory = definition.OptionalInt("memory") is { } mib ? mib * 1024L * 1024L : (long?)null;
        return new TaskContainerSpec(name, container.Image, [.. environment.Select(e => $"{e.Key}={e.Value}")], command, entryPoint,
            container.ContainerPort, container.Protocol, health, labels, memory, definition.OptionalString("workingDirectory"), definition.OptionalString("user"));
    }

    [GeneratedRegex("[^a-zA-Z0-9_.-]")]
    private static partial Regex DockerNameInvalid();

    private static string Sanitize(string name) => DockerNameInvalid().Replace(name, "-");

    private void StartLogPump(TaskContainerRecord container, string dockerId, DateTimeOffset since)
    {
        if (container.LogGroup is null || container.LogStream is null)
        {
            return;
        }

        var group = container.LogGroup;
        var stream = container.LogStream;
        logPumps.GetOrAdd(dockerId, id => Task.Run(async () =>
        {
            // Lines are batched (flushed every 500 ms) so a chatty container does not rewrite logs.json per line.
            var pending = new List<(long Timestamp, string Message)>();
            var gate = new Lock();
            void Flush()
            {
                List<(long, string)> batch;
                lock (gate)
                {
                    batch = [.. pending];
                    pending.Clear();
                }

                if (batch.Count > 0)
                {
                    logs.AppendContainerOutput(group, stream, batch);
                }
            }

            using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            var flusher = Task.Run(async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(500, done.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    Flush();
                }
            });
            try
            {
                await docker.FollowLogsAsync(id, since, lines =>
                {
                    lock (gate)
                    {
                        pending.AddRange(lines);
                    }

                    return Task.CompletedTask;
                }, stopping.Token);
            }
            catch (Exception error) when (error is OperationCanceledException || DockerEngine.IsEngineUnavailable(error) || error is global::Docker.DotNet.DockerApiException)
            {
                // The container or the engine went away; what was read is stored.
            }
            finally
            {
                await done.CancelAsync();
                await flusher;
                Flush();
                logPumps.TryRemove(id, out _);
            }
        }));
    }

    /// <summary>
    /// Drain (deregister from target groups and wait until the load balancer reports the target gone), then stop
    /// and remove the containers and record their exit codes.
    /// </summary>
    private async Task StopAsync(string taskArn, CancellationToken cancellationToken)
    {
        var task = store.Update(state =>
        {
            var task = state.Tasks[taskArn];
            if (task.LastStatus == "RUNNING")
            {
                task.LastStatus = "DEACTIVATING";
            }

            return task;
        });
        var ports = task.RegisteredTargetGroups.SelectMany(tg => task.Containers.Where(c => c.HostPort is not null).Select(c => (tg, c.HostPort!.Value))).ToList();
        if (task.RegisteredTargetGroups.Count > 0 && task.ServiceArn is { } serviceArn)
        {
            var now = store.Now;
            store.Update(state =>
            {
                if (state.Services.TryGetValue(serviceArn, out var service))
                {
                    EcsStore.AddEvent(service, now, $"has begun draining connections on 1 tasks.");
                    foreach (var tg in task.RegisteredTargetGroups)
                    {
                        EcsStore.AddEvent(service, now, $"deregistered 1 targets in (target-group {tg})");
                    }
                }
            });
        }

        foreach (var (tg, port) in ports)
        {
            targets.Deregister(tg, port);
        }

        var drainDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (ports.Any(p => targets.State(p.tg, p.Item2) is not null) && DateTime.UtcNow < drainDeadline)
        {
            await Task.Delay(200, cancellationToken);
        }

        store.Update(state => state.Tasks[taskArn].LastStatus = "STOPPING");
        var definitions = store.Read(state => EcsStore.FindTaskDefinition(state, task.TaskDefinitionArn)?.Definition["containerDefinitions"]?.AsArray().OfType<JsonObject>().ToList() ?? []);
        var exits = new Dictionary<string, (long? Code, bool Oom)>(StringComparer.Ordinal);
        foreach (var container in task.Containers.Where(c => c.DockerId is not null))
        {
            var grace = definitions.FirstOrDefault(d => d.OptionalString("name") == container.Name)?.OptionalInt("stopTimeout") ?? 30;
            await docker.StopAsync(container.DockerId!, TimeSpan.FromSeconds(grace), cancellationToken);
            var observed = await docker.ObserveAsync(container.DockerId!, cancellationToken);
            exits[container.Name] = observed.Exists ? (observed.ExitCode, observed.OomKilled) : (null, false);
            await docker.RemoveAsync(container.DockerId!, cancellationToken);
        }

        var stoppedAt = store.Now;
        store.Update(state =>
        {
            var record = state.Tasks[taskArn];
            record.LastStatus = "STOPPED";
            record.StoppedAt = stoppedAt;
            record.RegisteredTargetGroups.Clear();
            foreach (var container in record.Containers)
            {
                container.LastStatus = "STOPPED";
                if (exits.TryGetValue(container.Name, out var exit))
                {
                    container.ExitCode ??= exit.Code is { } code ? (int)code : null;
                    if (exit.Oom)
                    {
                        container.Reason ??= "OutOfMemoryError: Container killed due to memory usage";
                    }
                }
            }
        });
    }

    /// <summary>Reads each running task's containers: exits, health, disappearance.</summary>
    private async Task ObserveAsync(CancellationToken cancellationToken)
    {
        var running = store.Read(state => state.Tasks.Values
            .Where(t => t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING" && !operations.ContainsKey(t.Arn))
            .Select(t => (t.Arn, Containers: t.Containers.Where(c => c.DockerId is not null).Select(c => (c.Name, c.DockerId!)).ToList()))
            .ToList());
        foreach (var (arn, containers) in running)
        {
            var observed = new Dictionary<string, ContainerObservation>(StringComparer.Ordinal);
            foreach (var (name, id) in containers)
            {
                observed[name] = await docker.ObserveAsync(id, cancellationToken);
            }

            // Most ticks change nothing: skip the state write (ecs.json) unless an exit, a disappearance or a health change was seen.
            var changed = store.Read(state => state.Tasks.TryGetValue(arn, out var task) && task.Containers.Any(c =>
                observed.TryGetValue(c.Name, out var seen) && (!seen.Exists || !seen.Running || HealthOf(seen) != c.HealthStatus)));
            if (!changed)
            {
                continue;
            }

            var now = store.Now;
            store.Update(state =>
            {
                if (!state.Tasks.TryGetValue(arn, out var task) || task.DesiredStatus != "RUNNING")
                {
                    return;
                }

                string? stopReason = null;
                string? stopCode = null;
                foreach (var container in task.Containers)
                {
                    if (!observed.TryGetValue(container.Name, out var seen))
                    {
                        continue;
                    }

                    if (!seen.Exists)
                    {
                        container.LastStatus = "STOPPED";
                        container.Reason = "Container no longer exists in Docker (dockerd restarted or the container was removed)";
                        if (container.Essential)
                        {
                            stopReason ??= "Task stopped because an essential container disappeared from Docker (dockerd restarted or the container was removed)";
                            stopCode ??= "TerminationNotice";
                        }

                        continue;
                    }

                    if (!seen.Running)
                    {
                        container.LastStatus = "STOPPED";
                        container.ExitCode = (int)seen.ExitCode;
                        if (seen.OomKilled)
                        {
                            container.Reason = "OutOfMemoryError: Container killed due to memory usage";
                        }

                        if (container.Essential)
                        {
                            stopReason ??= EssentialExited;
                            stopCode ??= "EssentialContainerExited";
                        }

                        continue;
                    }

                    container.HealthStatus = HealthOf(seen);
                }

                var checkedContainers = task.Containers.Where(c => c.HasHealthCheck).ToList();
                var wasHealthy = task.HealthStatus == "HEALTHY";
                task.HealthStatus = checkedContainers.Count == 0 ? "UNKNOWN"
                    : checkedContainers.Any(c => c.Essential && c.HealthStatus == "UNHEALTHY") ? "UNHEALTHY"
                    : checkedContainers.All(c => c.HealthStatus == "HEALTHY") ? "HEALTHY"
                    : "UNKNOWN";
                if (!wasHealthy && task.HealthStatus == "HEALTHY")
                {
                    task.ContainerHealthyAt ??= now;
                }

                if (stopReason is null && task.HealthStatus == "UNHEALTHY")
                {
                    stopReason = "Task failed container health checks";
                    stopCode = "ServiceSchedulerInitiated";
                }

                if (stopReason is not null)
                {
                    task.DesiredStatus = "STOPPED";
                    task.StoppedReason ??= stopReason;
                    task.StopCode ??= stopCode;
                    task.StoppingAt ??= now;
                    // The scheduler's own stops are reported by the planner; a task lost under it (dockerd restarted, the
                    // container removed) gets the event ECS writes when it finds a task gone, before its replacement starts.
                    if (stopCode == "TerminationNotice" && task.LastStatus == "RUNNING"
                        && task.ServiceArn is { } serviceArn && state.Services.TryGetValue(serviceArn, out var service))
                    {
                        EcsStore.AddEvent(service, now, $"has stopped 1 running tasks: (task {EcsStore.TaskId(task.Arn)}).");
                    }
                }
            });
        }
    }

    private static string HealthOf(ContainerObservation seen) => seen.Health switch
    {
        "healthy" => "HEALTHY",
        "unhealthy" => "UNHEALTHY",
        _ => "UNKNOWN",
    };

    /// <summary>
    /// After a (re)start of the local cloud: adopt the containers of running tasks (log pumps, target
    /// registrations), stop tasks whose launch was interrupted, and remove containers no task owns.
    /// </summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var owned = await docker.ListOwnedAsync(owner, cancellationToken);
        var now = store.Now;
        var (adopt, interrupted) = store.Update(state =>
        {
            var interrupted = new List<string>();
            foreach (var task in state.Tasks.Values.Where(t => t.LastStatus is "PROVISIONING" or "PENDING" or "ACTIVATING"))
            {
                task.LastStatus = "STOPPED";
                task.DesiredStatus = "STOPPED";
                task.StoppedReason ??= "Task launch interrupted: the local cloud stopped while the task was starting";
                task.StopCode ??= "TaskFailedToStart";
                task.CountedAsFailure = true;
                task.StoppingAt ??= now;
                task.StoppedAt = now;
                interrupted.Add(task.Arn);
            }

            var adopt = state.Tasks.Values.Where(t => t.LastStatus == "RUNNING").ToList();
            return (adopt, interrupted);
        });
        var alive = store.Read(state => state.Tasks.Values.Where(EcsStore.IsAlive).Select(t => t.Arn).ToHashSet(StringComparer.Ordinal));
        // CodeBuild's build containers carry the owner label too; they are the CodeBuild executor's to clean up.
        foreach (var container in owned.Where(c => c.Labels?.ContainsKey(ContainerLabels.Build) != true))
        {
            var taskArn = container.Labels is { } labels && labels.TryGetValue(ContainerLabels.Task, out var label) ? label : null;
            if (taskArn is null || !alive.Contains(taskArn) || interrupted.Contains(taskArn))
            {
                await docker.RemoveAsync(container.ID, cancellationToken);
            }
        }

        var runningIds = owned.Where(c => c.State == "running").Select(c => c.ID).ToHashSet(StringComparer.Ordinal);
        foreach (var task in adopt.Where(t => t.Containers.Where(c => c.DockerId is not null).All(c => runningIds.Contains(c.DockerId!))))
        {
            foreach (var container in task.Containers.Where(c => c.DockerId is not null))
            {
                StartLogPump(container, container.DockerId!, DateTimeOffset.UtcNow);
            }

            foreach (var tg in task.RegisteredTargetGroups)
            {
                foreach (var container in task.Containers.Where(c => c.HostPort is not null))
                {
                    targets.Register(tg, container.HostPort!.Value);
                }
            }
        }
    }
}
