using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>CodeBuild's parts in the composition root: the API, the executor and the builds' container credential grants.</summary>
internal static class CodeBuildRegistration
{
    public static IServiceCollection AddCodeBuild(this IServiceCollection services)
    {
        services.AddSingleton<CodeBuildStore>();
        services.AddSingleton<BuildImage>();
        services.AddSingleton<ArtifactBucket>();
        services.AddSingleton<BuildSource>();
        services.AddSingleton<BuildArtifacts>();
        services.AddSingleton<IContainerCredentialGrants, BuildCredentialGrants>();
        services.AddSingleton<BuildServiceRole>();
        services.AddSingleton<BuildRunner>();
        services.AddSingleton<BuildRuns>();
        services.AddSingleton<ICodeBuildRuns>(provider => provider.GetRequiredService<BuildRuns>());
        services.AddHostedService(provider => provider.GetRequiredService<BuildRuns>());
        services.AddSingleton<IJsonApiService, CodeBuildService>();
        return services;
    }
}
