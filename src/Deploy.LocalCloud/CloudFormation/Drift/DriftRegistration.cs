namespace Deploy.LocalCloud.CloudFormation.Drift;

/// <summary>Drift detection and the readers of the resource types the platform template uses.</summary>
internal static class DriftRegistration
{
    public static IServiceCollection AddCloudFormationDrift(this IServiceCollection services)
    {
        services.AddSingleton<DriftDetector>();
        services.AddSingleton<IResourceDriftReader, EcrRepositoryDriftReader>();
        services.AddSingleton<IResourceDriftReader, LogGroupDriftReader>();
        services.AddSingleton<IResourceDriftReader, EcsClusterDriftReader>();
        services.AddSingleton<IResourceDriftReader, CodeCommitRepositoryDriftReader>();
        services.AddSingleton<IResourceDriftReader, CodeBuildProjectDriftReader>();
        services.AddSingleton<IResourceDriftReader, CodePipelineDriftReader>();
        services.AddSingleton<IResourceDriftReader, EventsRuleDriftReader>();
        services.AddSingleton<IResourceDriftReader, IamRoleDriftReader>();
        services.AddSingleton<IResourceDriftReader, S3BucketDriftReader>();
        services.AddSingleton<IResourceDriftReader, SecurityGroupDriftReader>();
        services.AddSingleton<IResourceDriftReader, LoadBalancerDriftReader>();
        services.AddSingleton<IResourceDriftReader, TargetGroupDriftReader>();
        services.AddSingleton<IResourceDriftReader, ListenerDriftReader>();
        return services;
    }
}
