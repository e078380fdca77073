using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Docker;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// The CodeBuild executor's lifecycle: starts builds (API and pipeline), runs each on its own task with its timeout,
/// stops them, and on start ends the builds a previous process left in progress (FAILED, with the reason in the phase
/// context) and removes their containers. On shutdown the builds in progress are stopped (STOPPED, with the reason).
/// </summary>
internal sealed partial class BuildRuns(
    CodeBuildStore store,
    BuildRunner runner,
    DockerEngine docker,
    LocalCloudOptions options,
    ILogger<BuildRuns> logger) : ICodeBuildRuns, IHostedService
{
    /// <summary>Ends builds of an earlier process that never finished (the local cloud was killed or restarted).</summary>
    public const string InterruptedCode = "BUILD_INTERRUPTED";

    private readonly ConcurrentDictionary<string, (Task Run, BuildControl Control)> running = new(StringComparer.Ordinal);

    /// <summary>StartBuild: the new build's document.</summary>
    public JsonObject Start(BuildStart start)
    {
        var now = store.Now;
        var record = store.Update(state =>
        {
            var record = BuildDocument.Create(store, state, start, options, now);
            var (token, hash) = ContainerCredentialsEndpoint.NewToken();
            record.CredentialsTokenHash = hash;
            state.Builds[record.BuildId] = record;
            return (record.BuildId, Token: token, Document: record.Build.DeepClone().AsObject());
        });
        var control = new BuildControl();
        var timeout = record.Document["timeoutInMinutes"]!.GetValue<int>() * options.CodeBuildMinute;
        control.EndAfter(timeout);
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = Task.Run(async () =>
        {
            await registered.Task;
            try
            {
                await runner.RunAsync(record.BuildId, record.Token, control);
            }
            catch (Exception error)
            {
                LogRunFailure(logger, error, record.BuildId);
            }
            finally
            {
                running.TryRemove(record.BuildId, out _);
                control.Dispose();
            }
        });
        running[record.BuildId] = (task, control);
        registered.SetResult();
        return record.Document;
    }

    public string StartForPipeline(PipelineBuildRequest request) =>
        Start(new BuildStart(request.ProjectName, $"codepipeline/{request.PipelineName}", [], request))["id"]!.GetValue<string>();

    public JsonObject? Get(string buildId) => store.Read(state => CodeBuildStore.Build(state, buildId)?.Build.DeepClone().AsObject());

    public void Stop(string buildId)
    {
        var id = store.Read(state => CodeBuildStore.Build(state, buildId)?.BuildId);
        if (id is not null && running.TryGetValue(id, out var run))
        {
            run.Control.End("STOPPED");
        }
    }

    /// <summary>Waits (bounded) until a stopped build has completed, so StopBuild can answer with its final state when quick.</summary>
    public async Task WaitAsync(string buildId, TimeSpan bound)
    {
        if (running.TryGetValue(buildId, out var run))
        {
            await Task.WhenAny(run.Run, Task.Delay(bound));
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = store.Now;
        var interrupted = store.Update(state =>
        {
            var ended = new List<string>();
            foreach (var record in state.Builds.Values.Where(b => !b.IsComplete))
            {
                var phase = BuildPhases.InProgress(record.Build) ?? BuildPhases.Queued;
                BuildPhases.End(record.Build, "FAILED", now, InterruptedCode,
                    $"The local cloud stopped while the build was in phase {phase}; the build was ended when it started again");
                BuildPhases.Complete(record.Build, "FAILED", now);
                ended.Add(record.BuildId);
            }

            return ended;
        });
        foreach (var id in interrupted)
        {
            LogInterrupted(logger, id);
            var directory = Path.Combine(store.Root, "builds", id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        if (!await docker.AnswersAsync(cancellationToken))
        {
            return;
        }

        var owner = ContainerLabels.OwnerValue(options.StateDirectory);
        foreach (var container in await docker.ListOwnedAsync(owner, cancellationToken))
        {
            if (container.Labels?.ContainsKey(ContainerLabels.Build) == true)
            {
                await docker.RemoveAsync(container.ID, cancellationToken);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, run) in running)
        {
            run.Control.End("STOPPED", "the local cloud was shut down while the build ran");
        }

        await Task.WhenAny(Task.WhenAll(running.Values.Select(r => r.Run)), Task.Delay(TimeSpan.FromSeconds(20), cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Build {BuildId} could not be completed")]
    private static partial void LogRunFailure(ILogger logger, Exception error, string buildId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Build {BuildId} was interrupted by a restart and is marked FAILED")]
    private static partial void LogInterrupted(ILogger logger, string buildId);
}
