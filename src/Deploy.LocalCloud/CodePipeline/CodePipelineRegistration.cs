using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>CodePipeline's parts for the composition root: the API, the stores, the executor and its action providers.</summary>
internal static class CodePipelineRegistration
{
    public static IServiceCollection AddCodePipeline(this IServiceCollection services)
    {
        services.AddSingleton<PipelineStore>();
        services.AddSingleton<PipelineExecutionStore>();
        services.AddSingleton<PipelineArtifacts>();
        services.AddSingleton<PipelineEvents>();
        services.AddSingleton<IPipelineAction, SourceCodeCommitAction>();
        services.AddSingleton<IPipelineAction, BuildCodeBuildAction>();
        services.AddSingleton<IPipelineAction, DeployEcsAction>();
        services.AddSingleton<PipelineExecutor>();
        services.AddHostedService(provider => provider.GetRequiredService<PipelineExecutor>());
        services.AddSingleton<IEventTarget, PipelineEventTarget>();
        services.AddSingleton<IJsonApiService, CodePipelineService>();
        return services;
    }
}
