using Deploy.Engine;

namespace Deploy.Build;

/// <summary>
/// The build: one target graph that runs the same on a laptop, in GitLab CI and in CodeBuild.
/// Each Build.*.cs file holds one target family; the logic lives in src/.
/// </summary>
internal sealed partial class Build : BuildBase
{
    public static int Main(string[] args) => BuildRunner.Main<Build>(args);

    string Solution => Path.Combine(RootDirectory, "Deploy.sln");

    string ArtifactsDirectory => Path.Combine(RootDirectory, "artifacts");
}
