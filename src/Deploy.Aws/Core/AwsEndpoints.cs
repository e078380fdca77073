using Amazon;

namespace Deploy.Aws;

/// <summary>Where a service is reached, following the precedence the aws CLI and the SDKs share.</summary>
public static class AwsEndpoints
{
    /// <summary>
    /// <c>AWS_ENDPOINT_URL_&lt;SERVICEID&gt;</c>, then <c>AWS_ENDPOINT_URL</c>, then the profile's <c>endpoint_url</c>,
    /// then the standard endpoint. <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c> skips the overrides.
    /// </summary>
    public static Uri Resolve(
        AwsService service,
        string region,
        IReadOnlyDictionary<string, string?> environment,
        string? profileEndpointUrl = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(environment);

        if (!IsTrue(Get(environment, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))
        {
            var configured = Get(environment, service.EndpointVariable)
                ?? Get(environment, "AWS_ENDPOINT_URL")
                ?? NullIfEmpty(profileEndpointUrl);
            if (configured is not null)
            {
                return Uri.TryCreate(configured, UriKind.Absolute, out var uri)
                    ? uri
                    : throw new ArgumentException($"The configured endpoint '{configured}' for {service.ServiceId} is not an absolute URL.", nameof(environment));
            }
        }

        return Standard(service, region);
    }

    /// <summary>The public AWS endpoint of a service in a region.</summary>
    public static Uri Standard(AwsService service, string region)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        var dnsSuffix = DnsSuffix(region);
        if (service.IsGlobal)
        {
            // IAM has one endpoint per partition.
            return PartitionOf(region) switch
            {
                "aws-cn" => new Uri($"https://{service.EndpointPrefix}.cn-north-1.{dnsSuffix}/"),
                "aws-us-gov" => new Uri($"https://{service.EndpointPrefix}.us-gov.{dnsSuffix}/"),
                _ => new Uri($"https://{service.EndpointPrefix}.{dnsSuffix}/"),
            };
        }

        return new Uri($"https://{service.EndpointPrefix}.{region}.{dnsSuffix}/");
    }

    /// <summary>The region a request is signed for: the partition's home region for global services.</summary>
    public static string SigningRegion(AwsService service, string region)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!service.IsGlobal)
        {
            return region;
        }

        return PartitionOf(region) switch
        {
            "aws-cn" => "cn-north-1",
            "aws-us-gov" => "us-gov-west-1",
            _ => "us-east-1",
        };
    }

    private static string PartitionOf(string region) => RegionEndpoint.GetBySystemName(region).PartitionName ?? "aws";

    private static string DnsSuffix(string region) => RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix ?? "amazonaws.com";

    internal static string? Get(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) ? NullIfEmpty(value) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
