using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// The <c>phases</c> of a build document as BatchGetBuilds lists them: a phase appears when it starts (type and start
/// time), gets its status, end time, duration and, on failure, a context when it ends; COMPLETED has only a start time.
/// </summary>
internal static class BuildPhases
{
    public const string Submitted = "SUBMITTED";
    public const string Queued = "QUEUED";
    public const string Provisioning = "PROVISIONING";
    public const string DownloadSource = "DOWNLOAD_SOURCE";
    public const string UploadArtifacts = "UPLOAD_ARTIFACTS";
    public const string Finalizing = "FINALIZING";
    public const string Completed = "COMPLETED";

    public static void Start(JsonObject build, string phaseType, double at)
    {
        Phases(build).Add(new JsonObject { ["phaseType"] = phaseType, ["startTime"] = at });
        build["currentPhase"] = phaseType;
    }

    /// <summary>Ends the phase in progress (the last one without an end time) with a status and an optional context.</summary>
    public static void End(JsonObject build, string status, double at, string? contextCode = null, string? contextMessage = null)
    {
        if (Phases(build).OfType<JsonObject>().LastOrDefault(p => p["endTime"] is null && p["phaseType"]?.GetValue<string>() != Completed) is not { } phase)
        {
            return;
        }

        var start = phase["startTime"]!.GetValue<double>();
        phase["phaseStatus"] = status;
        phase["endTime"] = Math.Max(at, start);
        phase["durationInSeconds"] = (long)Math.Round(Math.Max(0, at - start));
        if (contextCode is not null)
        {
            phase["contexts"] = new JsonArray(new JsonObject { ["statusCode"] = contextCode, ["message"] = contextMessage ?? string.Empty });
        }
    }

    public static void Instant(JsonObject build, string phaseType, double at)
    {
        Start(build, phaseType, at);
        End(build, "SUCCEEDED", at);
    }

    public static string? InProgress(JsonObject build) =>
        Phases(build).OfType<JsonObject>().LastOrDefault(p => p["endTime"] is null && p["phaseType"]?.GetValue<string>() != Completed)?["phaseType"]?.GetValue<string>();

    public static bool Ran(JsonObject build, string phaseType) =>
        Phases(build).OfType<JsonObject>().Any(p => p["phaseType"]?.GetValue<string>() == phaseType);

    public static bool AnyFailed(JsonObject build) =>
        Phases(build).OfType<JsonObject>().Any(p => p["phaseStatus"]?.GetValue<string>() is "FAILED" or "FAULT" or "TIMED_OUT" or "STOPPED");

    /// <summary>Ends whatever runs with <paramref name="buildStatus"/>, then FINALIZING and COMPLETED; the build's status and end time.</summary>
    public static void Complete(JsonObject build, string buildStatus, double at)
    {
        if (InProgress(build) is not null)
        {
            End(build, buildStatus == "SUCCEEDED" ? "SUCCEEDED" : buildStatus, at);
        }

        Instant(build, Finalizing, at);
        Phases(build).Add(new JsonObject { ["phaseType"] = Completed, ["startTime"] = at });
        build["currentPhase"] = Completed;
        build["buildStatus"] = buildStatus;
        build["endTime"] = at;
        build["buildComplete"] = true;
    }

    private static JsonArray Phases(JsonObject build) => build["phases"] as JsonArray ?? (JsonArray)(build["phases"] = new JsonArray());
}
