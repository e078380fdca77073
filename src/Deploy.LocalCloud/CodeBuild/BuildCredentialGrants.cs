using Deploy.LocalCloud.Auth;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>A build in progress holds a grant of its project's service role, session <c>AWSCodeBuild-&lt;build uuid&gt;</c>.</summary>
internal sealed class BuildCredentialGrants(CodeBuildStore store) : IContainerCredentialGrants
{
    public ContainerCredentialGrant? Find(string tokenHash) => store.Read(state =>
        state.Builds.Values.FirstOrDefault(b => !b.IsComplete && ContainerCredentialsEndpoint.Matches(b.CredentialsTokenHash, tokenHash)) is { } build
            ? new ContainerCredentialGrant(build.BuildId, build.Build["serviceRole"]!.GetValue<string>(), SessionName(build.BuildId))
            : null);

    /// <summary>CodeBuild's session name for a build's role session: <c>AWSCodeBuild-&lt;build uuid&gt;</c>.</summary>
    public static string SessionName(string buildId) => "AWSCodeBuild-" + buildId[(buildId.IndexOf(':', StringComparison.Ordinal) + 1)..];
}
