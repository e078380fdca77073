using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>What StartBuild (or a pipeline) asks for, before it becomes a build record.</summary>
internal sealed record BuildStart(string ProjectName, string Initiator, JsonObject Overrides, PipelineBuildRequest? Pipeline);

/// <summary>
/// Makes a new build's record from its project and StartBuild's overrides: the document BatchGetBuilds returns (ids,
/// number, source, environment, logs location, timeout, SUBMITTED and QUEUED phases) and the executor's own settings
/// (buildspec, pipeline artifacts, artifact settings). Input AWS would refuse, or the local cloud cannot run, is refused
/// here with InvalidInputException and one clear line.
/// </summary>
internal static class BuildDocument
{
    public static BuildRecord Create(CodeBuildStore store, CodeBuildState state, BuildStart start, LocalCloudOptions options, double now)
    {
        var project = store.Project(state, start.ProjectName);
        var request = start.Overrides;
        var source = project["source"]?.DeepClone().AsObject() ?? new JsonObject { ["type"] = "NO_SOURCE" };
        var sourceVersion = request["sourceVersion"]?.GetValue<string>() ?? project["sourceVersion"]?.GetValue<string>();
        string? resolvedSourceVersion = null;
        if (request["sourceTypeOverride"]?.GetValue<string>() is { } sourceType)
        {
            source["type"] = sourceType;
        }

        if (request["sourceLocationOverride"]?.GetValue<string>() is { } sourceLocation)
        {
            source["location"] = sourceLocation;
        }

        if (request["buildspecOverride"]?.GetValue<string>() is { } buildspecOverride)
        {
            source["buildspec"] = buildspecOverride;
        }

        if (start.Pipeline is { } pipeline)
        {
            var buildspec = source["buildspec"]?.DeepClone();
            source = new JsonObject { ["type"] = "CODEPIPELINE" };
            if (buildspec is not null)
            {
                source["buildspec"] = buildspec;
            }

            sourceVersion = pipeline.InputArtifacts.Count > 0 ? pipeline.InputArtifacts[0].Arn : null;
            resolvedSourceVersion = pipeline.ResolvedSourceVersion;
        }

        var (buildspecText, buildspecFile) = Buildspec(source);
        var sourceTypeName = source["type"]?.GetValue<string>();
        if (sourceTypeName == "NO_SOURCE" && buildspecText is null)
        {
            throw new AwsServiceException("InvalidInputException", "A NO_SOURCE build needs an inline buildspec (project source.buildspec or buildspecOverride)");
        }

        var environment = project["environment"]!.DeepClone().AsObject();
        Override(environment, request, ("imageOverride", "image"), ("privilegedModeOverride", "privilegedMode"), ("computeTypeOverride", "computeType"),
            ("environmentTypeOverride", "type"), ("imagePullCredentialsTypeOverride", "imagePullCredentialsType"));
        environment["privilegedMode"] ??= false;
        environment["environmentVariables"] = Variables(environment["environmentVariables"] as JsonArray, request["environmentVariablesOverride"] as JsonArray,
            start.Pipeline?.EnvironmentVariables);

        var timeout = request["timeoutInMinutesOverride"]?.GetValue<int>() ?? project["timeoutInMinutes"]?.GetValue<int>() ?? 60;
        if (timeout is < 5 or > 2160)
        {
            throw new AwsServiceException("InvalidInputException", $"timeoutInMinutes must be between 5 and 2160, not {timeout}");
        }

        var number = state.BuildNumbers[start.ProjectName] = state.BuildNumbers.GetValueOrDefault(start.ProjectName) + 1;
        var id = $"{start.ProjectName}:{Guid.NewGuid()}";
        var uuid = id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var build = new JsonObject
        {
            ["id"] = id,
            ["arn"] = store.BuildArn(id),
            ["buildNumber"] = number,
            ["startTime"] = now,
            ["currentPhase"] = BuildPhases.Queued,
            ["buildStatus"] = "IN_PROGRESS",
            ["projectName"] = start.ProjectName,
            ["source"] = source,
            ["secondarySources"] = new JsonArray(),
            ["secondarySourceVersions"] = new JsonArray(),
            ["artifacts"] = new JsonObject { ["location"] = string.Empty },
            ["secondaryArtifacts"] = new JsonArray(),
            ["cache"] = BuildCache.Of(project),
            ["environment"] = environment,
            ["serviceRole"] = RoleArn(project["serviceRole"]!.GetValue<string>(), options.AccountId),
            ["logs"] = Logs(project, start.ProjectName, uuid, options.Region, options.AccountId),
            ["timeoutInMinutes"] = timeout,
            ["queuedTimeoutInMinutes"] = request["queuedTimeoutInMinutesOverride"]?.GetValue<int>() ?? project["queuedTimeoutInMinutes"]?.GetValue<int>() ?? 480,
            ["buildComplete"] = false,
            ["initiator"] = start.Pipeline is { } p ? $"codepipeline/{p.PipelineName}" : start.Initiator,
            ["encryptionKey"] = $"arn:aws:kms:{options.Region}:{options.AccountId}:alias/aws/s3",
        };
        if (sourceVersion is not null)
        {
            build["sourceVersion"] = sourceVersion;
        }

        if (resolvedSourceVersion is not null)
        {
            build["resolvedSourceVersion"] = resolvedSourceVersion;
        }

        BuildPhases.Instant(build, BuildPhases.Submitted, now);
        BuildPhases.Start(build, BuildPhases.Queued, now);
        return new BuildRecord
        {
            Build = build,
            BuildspecText = buildspecText,
            BuildspecFile = buildspecFile,
            InputArtifacts = [.. start.Pipeline?.InputArtifacts ?? []],
            OutputArtifact = start.Pipeline?.OutputArtifact,
            ArtifactSettings = start.Pipeline is not null ? new JsonObject { ["type"] = "CODEPIPELINE" }
                : (request["artifactsOverride"] ?? project["artifacts"])?.DeepClone().AsObject(),
        };
    }

    /// <summary>Inline YAML (it has a line break or starts with <c>version</c>) or a file name in the source (default <c>buildspec.yml</c>).</summary>
    private static (string? Text, string File) Buildspec(JsonObject source)
    {
        var value = source["buildspec"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, "buildspec.yml");
        }

        if (value.Contains('\n', StringComparison.Ordinal) || value.TrimStart().StartsWith("version", StringComparison.Ordinal))
        {
            return (value, "buildspec.yml");
        }

        if (value.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw new AwsServiceException("InvalidInputException", $"A buildspec in S3 ({value}) is not supported by the local cloud: give a file name in the source or inline YAML");
        }

        return (null, value);
    }

    private static void Override(JsonObject target, JsonObject request, params (string From, string To)[] members)
    {
        foreach (var (from, to) in members)
        {
            if (request[from] is { } value)
            {
                target[to] = value.DeepClone();
            }
        }
    }

    /// <summary>Project variables, replaced by name by StartBuild's overrides, then by the pipeline action's; PLAINTEXT only.</summary>
    private static JsonArray Variables(JsonArray? project, JsonArray? overrides, IReadOnlyDictionary<string, string>? pipeline)
    {
        var merged = new List<JsonObject>();
        foreach (var variable in (project ?? []).Concat(overrides ?? []).OfType<JsonObject>())
        {
            var type = variable["type"]?.GetValue<string>() ?? "PLAINTEXT";
            var name = variable["name"]?.GetValue<string>() ?? throw AwsServiceException.Validation("environmentVariables.name");
            if (type != "PLAINTEXT")
            {
                throw new AwsServiceException("InvalidInputException", $"Environment variable {name} is of type {type}: the local cloud has no Parameter Store or Secrets Manager (PLAINTEXT only)");
            }

            merged.RemoveAll(v => v["name"]!.GetValue<string>() == name);
            merged.Add(new JsonObject { ["name"] = name, ["value"] = variable["value"]?.GetValue<string>() ?? string.Empty, ["type"] = type });
        }

        foreach (var (name, value) in pipeline ?? new Dictionary<string, string>())
        {
            merged.RemoveAll(v => v["name"]!.GetValue<string>() == name);
            merged.Add(new JsonObject { ["name"] = name, ["value"] = value, ["type"] = "PLAINTEXT" });
        }

        return new JsonArray([.. merged]);
    }

    private static string RoleArn(string role, string accountId) => role.StartsWith("arn:", StringComparison.Ordinal) ? role : $"arn:aws:iam::{accountId}:role/{role}";

    /// <summary>CodeBuild's log location: group <c>/aws/codebuild/&lt;project&gt;</c> unless set, stream the build's UUID (after the prefix when set).</summary>
    private static JsonObject Logs(JsonObject project, string projectName, string uuid, string region, string accountId)
    {
        var config = project["logsConfig"]?["cloudWatchLogs"] as JsonObject;
        var status = config?["status"]?.GetValue<string>() ?? "ENABLED";
        if (status != "ENABLED")
        {
            return new JsonObject { ["cloudWatchLogs"] = new JsonObject { ["status"] = status }, ["s3Logs"] = new JsonObject { ["status"] = "DISABLED" } };
        }

        var group = config?["groupName"]?.GetValue<string>() ?? $"/aws/codebuild/{projectName}";
        var stream = config?["streamName"]?.GetValue<string>() is { Length: > 0 } prefix ? $"{prefix}/{uuid}" : uuid;
        var cloudWatch = new JsonObject { ["status"] = "ENABLED" };
        if (config?["groupName"] is not null)
        {
            cloudWatch["groupName"] = group;
        }

        if (config?["streamName"] is not null)
        {
            cloudWatch["streamName"] = config["streamName"]!.DeepClone();
        }

        return new JsonObject
        {
            ["groupName"] = group,
            ["streamName"] = stream,
            ["deepLink"] = $"https://console.aws.amazon.com/cloudwatch/home?region={region}#logEvent:group={Uri.EscapeDataString(group)};stream={Uri.EscapeDataString(stream)}",
            ["cloudWatchLogsArn"] = $"arn:aws:logs:{region}:{accountId}:log-group:{group}:log-stream:{stream}",
            ["cloudWatchLogs"] = cloudWatch,
            ["s3Logs"] = new JsonObject { ["status"] = "DISABLED" },
        };
    }
}
