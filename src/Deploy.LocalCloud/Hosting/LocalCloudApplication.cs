using System.Net;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Ecr;
using Deploy.LocalCloud.Logs;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.Registry;
using Deploy.LocalCloud.Sts;

namespace Deploy.LocalCloud.Hosting;

/// <summary>Composition root: Kestrel on loopback, the services, and the three route groups.</summary>
internal static class LocalCloudApplication
{
    public static WebApplication Create(LocalCloudOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel =>
        {
            // Loopback only: the local cloud accepts one well-known key, it must never face a network.
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = null; // registry layers can be large
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LocalCloudAddress>();
        services.AddSingleton(new LocalCredentials(options.AccessKeyId, options.SecretAccessKey, options.Region));
        services.AddSingleton<SigV4Verifier>();
        services.AddSingleton<JsonProtocolEndpoint>();
        services.AddSingleton<QueryProtocolEndpoint>();
        services.AddSingleton<ApiRouter>();

        services.AddSingleton<EcrStore>();
        services.AddSingleton<EcrAuthorizationTokens>();
        services.AddSingleton<ScanFindingsFixture>();
        services.AddSingleton<EcrImageRecorder>();
        services.AddSingleton<IJsonApiService, EcrService>();

        services.AddSingleton<BlobStore>();
        services.AddSingleton<RegistryAuthentication>();
        services.AddSingleton<RegistryEndpoint>();

        services.AddSingleton<IQueryApiService, StsService>();

        services.AddSingleton<LogsStore>();
        services.AddSingleton<IJsonApiService, LogsService>();

        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "healthy" }));
        app.Map("/v2", (HttpContext context, RegistryEndpoint registry) => registry.HandleAsync(context));
        app.Map("/v2/{**path}", (HttpContext context, RegistryEndpoint registry) => registry.HandleAsync(context));
        app.MapMethods("/", ["GET", "POST"], (HttpContext context, ApiRouter router) => router.HandleAsync(context));
        return app;
    }
}
