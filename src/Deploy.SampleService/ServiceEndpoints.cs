namespace Deploy.SampleService;

public sealed record ServiceInfo(string Service, string Version, string Commit);

public sealed record HealthStatus(string Status);

public static class ServiceEndpoints
{
    public const string Unknown = "unknown";

    /// <summary>Maps GET / (what is running) and GET /health.</summary>
    public static IEndpointRouteBuilder MapServiceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // The image sets these as environment variables from its build arguments.
        var configuration = endpoints.ServiceProvider.GetRequiredService<IConfiguration>();
        var info = new ServiceInfo(
            configuration["SERVICE_NAME"] ?? Unknown,
            configuration["SERVICE_VERSION"] ?? Unknown,
            configuration["SERVICE_COMMIT"] ?? Unknown);
        endpoints.MapGet("/", () => info);
        endpoints.MapGet("/health", () => new HealthStatus("healthy"));
        return endpoints;
    }
}
