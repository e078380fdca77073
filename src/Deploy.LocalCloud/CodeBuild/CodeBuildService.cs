using System.Text.Json.Nodes;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// CodeBuild (JSON 1.1, <c>CodeBuild_20161006</c>): projects, and builds run for real by the executor
/// (<see cref="BuildRuns"/>; this file and <c>CodeBuildService.Builds.cs</c> are the API surface only).
/// </summary>
internal sealed partial class CodeBuildService : IJsonApiService
{
    private static readonly string[] ProjectMembers =
    [
        "name", "description", "source", "secondarySources", "sourceVersion", "secondarySourceVersions", "artifacts", "secondaryArtifacts",
        "cache", "environment", "serviceRole", "timeoutInMinutes", "queuedTimeoutInMinutes", "encryptionKey", "tags", "vpcConfig",
        "logsConfig", "fileSystemLocations", "buildBatchConfig", "concurrentBuildLimit", "autoRetryLimit",
    ];

    private readonly CodeBuildStore file;
    private readonly BuildRuns runs;
    private readonly RequestCaller caller;
    private readonly LocalCloudOptions options;
    private readonly TimeProvider clock;
    private readonly JsonOperations operations;

    public CodeBuildService(CodeBuildStore store, BuildRuns runs, RequestCaller caller, LocalCloudOptions options, TimeProvider clock)
    {
        file = store;
        this.runs = runs;
        this.caller = caller;
        this.options = options;
        this.clock = clock;
        operations = new JsonOperations()
            .Add("CreateProject", CreateProject)
            .Add("UpdateProject", UpdateProject)
            .Add("BatchGetProjects", BatchGetProjects)
            .Add("DeleteProject", DeleteProject)
            .Add("ListProjects", _ => new JsonObject { ["projects"] = new JsonArray(file.Read(s => s.Items.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode)k).ToArray())) })
            .Add("StartBuild", StartBuild)
            .Add("BatchGetBuilds", BatchGetBuilds)
            .Add("StopBuild", StopBuild)
            .Add("ListBuildsForProject", ListBuildsForProject)
            .Add("ListBuilds", ListBuilds);
    }

    public string TargetPrefix => "CodeBuild_20161006";

    public string SigningName => "codebuild";

    public JsonObject Handle(string operation, JsonObject request) => operations.Run(operation, request);

    private JsonObject CreateProject(JsonObject request)
    {
        var name = request.RequiredString("name");
        foreach (var member in new[] { "source", "artifacts", "environment" })
        {
            _ = request.OptionalObject(member) ?? throw AwsServiceException.Validation(member);
        }

        _ = request.RequiredString("serviceRole");
        ValidateCache(request);
        if (request["source"]?["type"]?.GetValue<string>() == "NO_SOURCE" && string.IsNullOrWhiteSpace(request["source"]?["buildspec"]?.GetValue<string>()))
        {
            throw new AwsServiceException("InvalidInputException", "Project source buildspec must be set when source type is NO_SOURCE");
        }

        var now = Now;
        var project = file.Update(state =>
        {
            if (state.Items.ContainsKey(name))
            {
                throw new AwsServiceException("ResourceAlreadyExistsException", $"Project already exists: {name}");
            }

            var project = Copy(request, new JsonObject());
            project["arn"] = $"arn:aws:codebuild:{options.Region}:{options.AccountId}:project/{name}";
            project["created"] = now;
            project["lastModified"] = now;
            project["timeoutInMinutes"] ??= 60;
            project["queuedTimeoutInMinutes"] ??= 480;
            project["projectVisibility"] = "PRIVATE";
            project["cache"] ??= new JsonObject { ["type"] = "NO_CACHE" };
            state.Items[name] = project;
            return project.DeepClone();
        });
        return new JsonObject { ["project"] = project };
    }

    private JsonObject UpdateProject(JsonObject request)
    {
        var name = request.RequiredString("name");
        ValidateCache(request);
        var now = Now;
        var project = file.Update(state =>
        {
            var project = state.Items.GetValueOrDefault(name)
                          ?? throw new AwsServiceException("ResourceNotFoundException", $"Project cannot be found: arn:aws:codebuild:{options.Region}:{options.AccountId}:project/{name}");
            Copy(request, project);
            project["lastModified"] = now;
            return project.DeepClone();
        });
        return new JsonObject { ["project"] = project };
    }

    private JsonObject BatchGetProjects(JsonObject request)
    {
        var names = request.OptionalStringList("names");
        if (names.Count == 0)
        {
            throw AwsServiceException.Validation("names");
        }

        return file.Read(state =>
        {
            var key = (string n) => n.StartsWith("arn:", StringComparison.Ordinal) ? n[(n.LastIndexOf('/') + 1)..] : n;
            return new JsonObject
            {
                ["projects"] = new JsonArray(names.Where(n => state.Items.ContainsKey(key(n))).Select(n => (JsonNode)state.Items[key(n)].DeepClone()).ToArray()),
                ["projectsNotFound"] = new JsonArray(names.Where(n => !state.Items.ContainsKey(key(n))).Select(n => (JsonNode)n).ToArray()),
            };
        });
    }

    private JsonObject DeleteProject(JsonObject request)
    {
        var name = request.RequiredString("name");
        file.Update(state => state.Items.Remove(name));
        // The project's LOCAL cache goes with it, as a build host's cache ends with the host.
        var cache = BuildCache.ProjectDirectory(file.Root, name);
        try
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A directory a build container wrote as another user: the next project of that name reuses it.
        }

        return [];
    }

    /// <summary>ProjectCache's enums as the API model gives them (type is required).</summary>
    private static void ValidateCache(JsonObject request)
    {
        if (request["cache"] is not JsonObject cache)
        {
            return;
        }

        var type = cache["type"]?.GetValue<string>();
        if (type is not ("NO_CACHE" or "S3" or "LOCAL"))
        {
            throw new AwsServiceException("InvalidInputException", type is null
                ? "Invalid cache: cache type is required"
                : $"Invalid cache type: {type}; valid values are NO_CACHE, S3 and LOCAL");
        }

        var modes = (cache["modes"] as JsonArray ?? []).Select(m => m?.GetValue<string>()).ToList();
        if (modes.FirstOrDefault(m => m is not ("LOCAL_SOURCE_CACHE" or "LOCAL_DOCKER_LAYER_CACHE" or BuildCache.CustomMode)) is { } unknown)
        {
            throw new AwsServiceException("InvalidInputException", $"Invalid cache mode: {unknown}");
        }
    }

    private static JsonObject Copy(JsonObject request, JsonObject project)
    {
        foreach (var member in ProjectMembers.Where(request.ContainsKey))
        {
            project[member] = request[member]?.DeepClone();
        }

        return project;
    }

    private double Now => clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
}
