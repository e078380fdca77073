using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.CodeBuild;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>
/// Build/AWS/CodeBuild through <see cref="ICodeBuildRuns"/> (resolved when the action runs, so the pipeline works without
/// the CodeBuild executor and says so): starts the build with the input artifacts, polls it as BatchGetBuilds shows it,
/// and maps it back: external execution id = build id, the failing phase's context as the error, exported variables as
/// output variables, the output artifact where the build was told to put it. The pipeline's role needs
/// codebuild:StartBuild and codebuild:BatchGetBuilds on the project; the build itself runs as the project's role.
/// </summary>
internal sealed class BuildCodeBuildAction(IServiceProvider services, PipelineArtifacts artifacts, LocalCloudOptions options) : IPipelineAction
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public string Category => "Build";

    public string Provider => "CodeBuild";

    public async Task<ActionOutcome> RunAsync(ActionRun run, CancellationToken cancellationToken)
    {
        var builds = services.GetService<ICodeBuildRuns>() ?? throw new PipelineActionException("CodeBuild executor not available");
        if (run.Setting("BatchEnabled") is "true")
        {
            throw new PipelineActionException("Batch builds (BatchEnabled) are not supported by the local cloud's CodeBuild action.");
        }

        var request = new PipelineBuildRequest(
            run.RequiredSetting("ProjectName"),
            run.PipelineName,
            PrimaryFirst(run),
            run.OutputArtifacts.Count > 0 ? new S3ObjectLocation(run.OutputArtifacts[0].Bucket, run.OutputArtifacts[0].Key) : null,
            run.SourceCommit,
            EnvironmentVariables(run.Setting("EnvironmentVariables")));
        var projectArn = $"arn:aws:codebuild:{options.Region}:{options.AccountId}:project/{request.ProjectName}";
        run.Authorize("codebuild:StartBuild", projectArn);
        string buildId;
        try
        {
            buildId = builds.StartForPipeline(request);
        }
        catch (AwsServiceException failure)
        {
            throw new PipelineActionException($"CodeBuild refused to start project {request.ProjectName}: {failure.Code}: {failure.Message}");
        }

        run.ReportProgress(buildId, null);
        JsonObject build;
        try
        {
            while (true)
            {
                run.Authorize("codebuild:BatchGetBuilds", projectArn);
                build = builds.Get(buildId) ?? throw new PipelineActionException($"The build {buildId} disappeared from CodeBuild.", buildId);
                if (build["buildComplete"]?.GetValue<bool>() == true || Status(build) is not ("IN_PROGRESS" or null))
                {
                    break;
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch (Exception failure) when (failure is OperationCanceledException or PipelineActionException)
        {
            builds.Stop(buildId); // abandoned, denied or the local cloud stops: the build must not run on unattended
            throw;
        }

        var status = Status(build);
        if (status != "SUCCEEDED")
        {
            throw new PipelineActionException(FailureMessage(build, status), buildId);
        }

        var variables = (build["exportedEnvironmentVariables"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(v => v["name"] is not null)
            .ToDictionary(v => v["name"]!.GetValue<string>(), v => v["value"]?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);
        foreach (var output in run.OutputArtifacts.Where(o => !artifacts.Exists(o)))
        {
            throw new PipelineActionException($"The build {buildId} succeeded but did not upload the output artifact {output.Name} (check the buildspec's artifacts section).", buildId);
        }

        return new ActionOutcome(buildId, null, variables);
    }

    /// <summary>The artifact named by <c>PrimarySource</c> first (it becomes CODEBUILD_SRC_DIR), then the others.</summary>
    private static List<S3ObjectLocation> PrimaryFirst(ActionRun run)
    {
        var primary = run.Setting("PrimarySource");
        return [.. run.InputArtifacts
            .OrderBy(a => a.Name == primary ? 0 : 1)
            .Select(a => new S3ObjectLocation(a.Bucket, a.Key))];
    }

    /// <summary>The action's <c>EnvironmentVariables</c>: a JSON array of <c>{name, value, type}</c>; only PLAINTEXT is resolved locally.</summary>
    private static Dictionary<string, string> EnvironmentVariables(string? json)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null)
        {
            return variables;
        }

        JsonArray list;
        try
        {
            list = JsonNode.Parse(json) as JsonArray ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw new PipelineActionException("EnvironmentVariables must be a JSON array of {\"name\", \"value\", \"type\"} objects.");
        }

        foreach (var item in list.OfType<JsonObject>())
        {
            var type = item["type"]?.GetValue<string>() ?? "PLAINTEXT";
            if (type != "PLAINTEXT")
            {
                throw new PipelineActionException($"Environment variable {item["name"]} has type {type}; the local cloud resolves PLAINTEXT only.");
            }

            variables[item["name"]?.GetValue<string>() ?? string.Empty] = item["value"]?.GetValue<string>() ?? string.Empty;
        }

        return variables;
    }

    private static string? Status(JsonObject build) => build["buildStatus"]?.GetValue<string>();

    /// <summary>
    /// CodePipeline's wording: "Build terminated with state: FAILED. Phase: BUILD, Code: …, Message: …", naming the first
    /// phase that failed: a failed BUILD is usually followed by UPLOAD_ARTIFACTS failing for want of its output, which is
    /// a consequence, not the reason.
    /// </summary>
    private static string FailureMessage(JsonObject build, string? status)
    {
        var failed = (build["phases"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(p => p["phaseStatus"]?.GetValue<string>() is { } s && s != "SUCCEEDED");
        if (failed is null)
        {
            return $"Build terminated with state: {status}";
        }

        var context = (failed["contexts"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(c => c["message"]?.GetValue<string>() is { Length: > 0 });
        var phase = failed["phaseType"]?.GetValue<string>();
        return context is null
            ? $"Build terminated with state: {status}. Phase: {phase}"
            : $"Build terminated with state: {status}. Phase: {phase}, Code: {context["statusCode"]?.GetValue<string>()}, Message: {context["message"]!.GetValue<string>()}";
    }
}
