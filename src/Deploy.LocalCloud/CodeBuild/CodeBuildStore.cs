using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>CodeBuild's state in <c>codebuild.json</c>: projects (as the API returns them), builds, build numbers.</summary>
internal sealed class CodeBuildStore(LocalCloudOptions options, TimeProvider clock)
{
    private readonly JsonStateFile<CodeBuildState> file = new(options.StateDirectory, "codebuild.json");

    /// <summary>Where builds keep their source, control directory and NuGet cache: <c>&lt;state-dir&gt;/codebuild</c>.</summary>
    public string Root { get; } = Path.Combine(Path.GetFullPath(options.StateDirectory), "codebuild");

    public double Now => clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    public TResult Read<TResult>(Func<CodeBuildState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<CodeBuildState, TResult> change) => file.Update(change);

    public void Update(Action<CodeBuildState> change) => file.Update(state =>
    {
        change(state);
        return true;
    });

    public string ProjectArn(string name) => $"arn:aws:codebuild:{options.Region}:{options.AccountId}:project/{name}";

    public string BuildArn(string id) => $"arn:aws:codebuild:{options.Region}:{options.AccountId}:build/{id}";

    public JsonObject Project(CodeBuildState state, string name) =>
        state.Items.GetValueOrDefault(name)
        ?? throw new AwsServiceException("ResourceNotFoundException", $"Project cannot be found: {ProjectArn(name)}");

    /// <summary>A build by id or ARN.</summary>
    public static BuildRecord? Build(CodeBuildState state, string idOrArn) =>
        state.Builds.GetValueOrDefault(idOrArn.StartsWith("arn:", StringComparison.Ordinal) ? idOrArn[(idOrArn.IndexOf(":build/", StringComparison.Ordinal) + 7)..] : idOrArn);
}

internal sealed class CodeBuildState
{
    /// <summary>Projects by name (the member keeps the name of the file's earlier, projects-only shape).</summary>
    public Dictionary<string, JsonObject> Items { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, BuildRecord> Builds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last <c>buildNumber</c> given per project.</summary>
    public Dictionary<string, long> BuildNumbers { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One build: the document BatchGetBuilds returns, and what only the executor needs.</summary>
internal sealed class BuildRecord
{
    public required JsonObject Build { get; set; }

    /// <summary>The buildspec to run when given inline (project or override); null: read <see cref="BuildspecFile"/> from the source.</summary>
    public string? BuildspecText { get; set; }

    public string BuildspecFile { get; set; } = "buildspec.yml";

    /// <summary>Pipeline builds: the input artifact zips (the first is the primary source) and where the output zip goes.</summary>
    public List<S3ObjectLocation> InputArtifacts { get; set; } = [];

    public S3ObjectLocation? OutputArtifact { get; set; }

    /// <summary>The project's (or overriding) artifacts settings: type, location, path, name, namespaceType, packaging.</summary>
    public JsonObject? ArtifactSettings { get; set; }

    public string? ContainerId { get; set; }

    /// <summary>SHA-256 of the build's container-credentials authorization token (the token itself is only in the container).</summary>
    public string? CredentialsTokenHash { get; set; }

    public string BuildId => Build["id"]!.GetValue<string>();

    public bool IsComplete => Build["buildComplete"]?.GetValue<bool>() == true;
}
