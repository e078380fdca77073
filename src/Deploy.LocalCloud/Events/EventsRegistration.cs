using Deploy.LocalCloud.CodeCommit;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Events;

/// <summary>EventBridge's parts for the composition root: the API, the default bus, and CodeCommit's events published onto it.
/// Rule targets (<see cref="IEventTarget"/>) are registered by the services they start (CodePipeline).</summary>
internal static class EventsRegistration
{
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddSingleton<EventsStore>();
        services.AddSingleton<RuleInvocations>();
        services.AddSingleton<IEventBus, EventBus>();
        services.AddSingleton<IJsonApiService, EventsService>();
        services.AddHostedService<CodeCommitEventPublisher>();
        return services;
    }
}
