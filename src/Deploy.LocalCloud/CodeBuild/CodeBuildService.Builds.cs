using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>The build operations: StartBuild, BatchGetBuilds, StopBuild, ListBuildsForProject, ListBuilds.</summary>
internal sealed partial class CodeBuildService
{
    private const int PageSize = 100;

    /// <summary>StopBuild answers once the build has completed, or with its state so far after this long.</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    private static readonly string[] Unsupported =
    [
        "secondarySourcesOverride", "secondarySourcesVersionOverride", "secondaryArtifactsOverride", "cacheOverride", "certificateOverride",
        "reportBuildStatusOverride", "buildStatusConfigOverride", "registryCredentialOverride", "fleetOverride", "debugSessionEnabled", "autoRetryLimitOverride",
    ];

    private JsonObject StartBuild(JsonObject request)
    {
        var projectName = request.RequiredString("projectName");
        if (Unsupported.FirstOrDefault(request.ContainsKey) is { } member)
        {
            throw new AwsServiceException("InvalidInputException", $"{member} is not supported by the local cloud's CodeBuild");
        }

        var current = caller.Current;
        var initiator = current.Session is { } session ? $"{session.RoleName}/{session.SessionName}" : current.Arn[(current.Arn.LastIndexOf('/') + 1)..];
        return new JsonObject { ["build"] = runs.Start(new BuildStart(projectName, initiator, request, null)) };
    }

    private JsonObject BatchGetBuilds(JsonObject request)
    {
        var ids = request.OptionalStringList("ids");
        if (ids.Count is 0 or > 100)
        {
            throw new AwsServiceException("InvalidInputException", "ids must name 1 to 100 builds");
        }

        var found = ids.Select(id => (Id: id, Build: runs.Get(id))).ToList();
        return new JsonObject
        {
            ["builds"] = new JsonArray([.. found.Where(f => f.Build is not null).Select(f => (JsonNode)f.Build!)]),
            ["buildsNotFound"] = new JsonArray([.. found.Where(f => f.Build is null).Select(f => (JsonNode)f.Id)]),
        };
    }

    private JsonObject StopBuild(JsonObject request)
    {
        var id = request.RequiredString("id");
        var build = runs.Get(id) ?? throw new AwsServiceException("ResourceNotFoundException", $"Build {id} does not exist");
        var buildId = build["id"]!.GetValue<string>();
        runs.Stop(buildId);
        runs.WaitAsync(buildId, StopWait).GetAwaiter().GetResult();
        return new JsonObject { ["build"] = runs.Get(buildId) };
    }

    private JsonObject ListBuildsForProject(JsonObject request)
    {
        var projectName = request.RequiredString("projectName");
        var ids = file.Read(state =>
        {
            _ = file.Project(state, projectName);
            return Ordered(state.Builds.Values.Where(b => b.Build["projectName"]?.GetValue<string>() == projectName), request);
        });
        return Page(ids, request);
    }

    private JsonObject ListBuilds(JsonObject request) => Page(file.Read(state => Ordered(state.Builds.Values, request)), request);

    private static List<string> Ordered(IEnumerable<BuildRecord> builds, JsonObject request)
    {
        var order = request.OptionalString("sortOrder") ?? "DESCENDING";
        if (order is not ("ASCENDING" or "DESCENDING"))
        {
            throw new AwsServiceException("InvalidInputException", $"sortOrder must be ASCENDING or DESCENDING, not {order}");
        }

        var ascending = builds.OrderBy(b => b.Build["startTime"]!.GetValue<double>()).ThenBy(b => b.Build["buildNumber"]!.GetValue<long>()).Select(b => b.BuildId);
        return order == "ASCENDING" ? [.. ascending] : [.. ascending.Reverse()];
    }

    private static JsonObject Page(List<string> ids, JsonObject request)
    {
        var start = 0;
        if (request.OptionalString("nextToken") is { } token && (!int.TryParse(token, CultureInfo.InvariantCulture, out start) || start < 0 || start > ids.Count))
        {
            throw new AwsServiceException("InvalidInputException", "Invalid nextToken");
        }

        var response = new JsonObject { ["ids"] = new JsonArray([.. ids.Skip(start).Take(PageSize).Select(id => (JsonNode)id)]) };
        if (start + PageSize < ids.Count)
        {
            response["nextToken"] = (start + PageSize).ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }
}
