using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Auth;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// The environment of a build container, lowest precedence first: the buildspec's <c>env/variables</c>, the project's
/// variables (with StartBuild's overrides), then what CodeBuild sets (<c>CODEBUILD_*</c>, the region, the container
/// credentials endpoint and its per-build token) and <c>AWS_ENDPOINT_URL</c> pointing at the local cloud. No access key,
/// secret or session token is ever in it: the SDKs fetch the role's credentials from the endpoint.
/// </summary>
internal static class BuildEnvironment
{
    public static Dictionary<string, string> For(JsonObject build, Buildspec spec, string sourceDirectory, string? resolvedVersion, string credentialsToken, Uri endpoint, string region)
    {
        var environment = new Dictionary<string, string>(spec.Variables, StringComparer.Ordinal);
        foreach (var variable in (build["environment"]?["environmentVariables"] as JsonArray ?? []).OfType<JsonObject>())
        {
            environment[variable["name"]!.GetValue<string>()] = variable["value"]?.GetValue<string>() ?? string.Empty;
        }

        var id = build["id"]!.GetValue<string>();
        var logs = build["logs"] as JsonObject;
        var local = endpoint.ToString().TrimEnd('/');
        environment["CODEBUILD_BUILD_ID"] = id;
        environment["CODEBUILD_BUILD_ARN"] = build["arn"]!.GetValue<string>();
        environment["CODEBUILD_BUILD_NUMBER"] = build["buildNumber"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture);
        environment["CODEBUILD_INITIATOR"] = build["initiator"]?.GetValue<string>() ?? string.Empty;
        environment["CODEBUILD_SRC_DIR"] = sourceDirectory;
        environment["CODEBUILD_BUILD_SUCCEEDING"] = "1";
        environment["CODEBUILD_BUILD_IMAGE"] = build["environment"]!["image"]!.GetValue<string>();
        environment["CODEBUILD_START_TIME"] = ((long)(build["startTime"]!.GetValue<double>() * 1000)).ToString(CultureInfo.InvariantCulture);
        environment["CODEBUILD_LOG_PATH"] = logs?["streamName"]?.GetValue<string>() ?? id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..];
        if (build["sourceVersion"]?.GetValue<string>() is { } sourceVersion)
        {
            environment["CODEBUILD_SOURCE_VERSION"] = sourceVersion;
        }

        if ((resolvedVersion ?? build["resolvedSourceVersion"]?.GetValue<string>()) is { } resolved)
        {
            environment["CODEBUILD_RESOLVED_SOURCE_VERSION"] = resolved;
        }

        if (build["source"]?["type"]?.GetValue<string>() == "CODECOMMIT" && build["source"]?["location"]?.GetValue<string>() is { } repository)
        {
            environment["CODEBUILD_SOURCE_REPO_URL"] = repository;
        }

        environment["AWS_REGION"] = region;
        environment["AWS_DEFAULT_REGION"] = region;
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = local + ContainerCredentialsEndpoint.Path;
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = credentialsToken;
        environment["AWS_ENDPOINT_URL"] = local;
        return environment;
    }
}
