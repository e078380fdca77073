using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>An object in the local S3 (a pipeline artifact: a zip).</summary>
internal sealed record S3ObjectLocation(string Bucket, string Key)
{
    /// <summary>The ARN form CodeBuild shows for pipeline artifacts (<c>arn:aws:s3:::bucket/key</c>).</summary>
    public string Arn => $"arn:aws:s3:::{Bucket}/{Key}";
}

/// <summary>
/// What CodePipeline's CodeBuild action asks of CodeBuild. In AWS the pipeline calls StartBuild as its role and passes
/// the artifact locations it manages; the build then shows <c>source.type</c> CODEPIPELINE, <c>initiator</c>
/// <c>codepipeline/&lt;pipeline&gt;</c>, the input artifact's ARN as <c>sourceVersion</c> and the commit as
/// <c>resolvedSourceVersion</c>.
/// </summary>
/// <param name="ProjectName">The action's <c>ProjectName</c>.</param>
/// <param name="PipelineName">Makes the initiator <c>codepipeline/&lt;PipelineName&gt;</c>.</param>
/// <param name="InputArtifacts">Zips to unpack as the source; the first is the primary source (<c>CODEBUILD_SRC_DIR</c>).</param>
/// <param name="OutputArtifact">Where the zip of the buildspec's <c>artifacts</c> goes; null when the action has no output.</param>
/// <param name="ResolvedSourceVersion">The commit the source action read (<c>CODEBUILD_RESOLVED_SOURCE_VERSION</c>).</param>
/// <param name="EnvironmentVariables">The action's <c>EnvironmentVariables</c> (PLAINTEXT), overriding the project's.</param>
internal sealed record PipelineBuildRequest(
    string ProjectName,
    string PipelineName,
    IReadOnlyList<S3ObjectLocation> InputArtifacts,
    S3ObjectLocation? OutputArtifact,
    string? ResolvedSourceVersion,
    IReadOnlyDictionary<string, string> EnvironmentVariables);

/// <summary>
/// The CodeBuild executor as the pipeline executor sees it (the CodeBuild part implements it; the CodePipeline part
/// resolves it from the service provider).
/// </summary>
internal interface ICodeBuildRuns
{
    /// <summary>Starts a build and returns its id (<c>&lt;project&gt;:&lt;uuid&gt;</c>); throws <c>AwsServiceException</c> as
    /// StartBuild does (e.g. <c>ResourceNotFoundException</c> for an unknown project).</summary>
    string StartForPipeline(PipelineBuildRequest request);

    /// <summary>The build as one element of BatchGetBuilds' <c>builds</c> (buildStatus, phases with contexts, logs,
    /// exportedEnvironmentVariables, …), or null when there is no such build.</summary>
    JsonObject? Get(string buildId);

    /// <summary>Stops a running build as StopBuild does (no effect on a finished one).</summary>
    void Stop(string buildId);
}
