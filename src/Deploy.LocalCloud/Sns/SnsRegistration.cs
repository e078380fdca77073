using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>SNS's parts for the composition root: the API, the engines, the EventBridge target, the CloudFormation types,
/// and the signing certificate's URL.</summary>
internal static class SnsRegistration
{
    public static IServiceCollection AddSns(this IServiceCollection services)
    {
        services.AddSingleton<SnsStore>();
        services.AddSingleton<SnsSigner>();
        services.AddSingleton<SnsMessages>();
        services.AddSingleton<SnsDelivery>();
        services.AddSingleton<SnsTopics>();
        services.AddSingleton<SnsSubscriptions>();
        services.AddSingleton<SnsPublisher>();
        services.AddSingleton<IQueryApiService, SnsService>();
        services.AddSingleton<IEventTarget, SnsEventTarget>();
        services.AddSingleton<IResourceProvider, SnsTopicProvider>();
        services.AddSingleton<IResourceProvider, SnsTopicPolicyProvider>();
        services.AddSingleton<IResourceProvider, SnsSubscriptionProvider>();
        return services;
    }

    /// <summary>Serves the signing certificate where messages' SigningCertURL points (a name S3 buckets cannot have).</summary>
    public static void MapSnsSigningCertificate(this WebApplication app)
    {
        var signer = app.Services.GetRequiredService<SnsSigner>();
        app.MapGet(signer.CertificatePath, () => Results.Text(signer.CertificatePem, "application/x-pem-file"));
    }
}
