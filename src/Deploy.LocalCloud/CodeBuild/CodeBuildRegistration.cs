using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>CodeBuild's parts in the composition root: the API, the executor and the endpoint build containers call.</summary>
internal static class CodeBuildRegistration
{
    public static IServiceCollection AddCodeBuild(this IServiceCollection services)
    {
        services.AddSingleton<CodeBuildStore>();
        services.AddSingleton<BuildImage>();
        services.AddSingleton<ArtifactBucket>();
        services.AddSingleton<BuildSource>();
        services.AddSingleton<BuildArtifacts>();
        services.AddSingleton<ContainerCredentialsEndpoint>();
        services.AddSingleton<BuildRunner>();
        services.AddSingleton<BuildRuns>();
        services.AddSingleton<ICodeBuildRuns>(provider => provider.GetRequiredService<BuildRuns>());
        services.AddHostedService(provider => provider.GetRequiredService<BuildRuns>());
        services.AddSingleton<IJsonApiService, CodeBuildService>();
        return services;
    }

    public static IEndpointRouteBuilder MapCodeBuildCredentials(this IEndpointRouteBuilder app)
    {
        app.MapGet(ContainerCredentialsEndpoint.Path, (HttpContext context, ContainerCredentialsEndpoint endpoint) => endpoint.HandleAsync(context));
        return app;
    }
}
