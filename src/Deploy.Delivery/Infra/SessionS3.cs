using Amazon;
using Amazon.S3;
using Deploy.Aws;

namespace Deploy.Delivery.Infra;

/// <summary>
/// AWSSDK.S3 clients for a session: its region, credentials and endpoint overrides (<c>AWS_ENDPOINT_URL_S3</c>,
/// <c>AWS_ENDPOINT_URL</c>, the profile's <c>endpoint_url</c>; path-style addressing then, as the local cloud and most
/// emulators serve it) taken from its options, never from the process environment.
/// </summary>
internal static class SessionS3
{
    public static AmazonS3Client Client(AwsSession session) => new(session.Credentials, Config(session));

    private static AmazonS3Config Config(AwsSession session)
    {
        var config = new AmazonS3Config
        {
            MaxErrorRetry = Math.Max(0, session.Options.MaxAttempts - 1),
            IgnoreConfiguredEndpointUrls = true,
        };
        if (EndpointOverride(session) is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = session.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(session.Region);
        }

        return config;
    }

    private static string? EndpointOverride(AwsSession session)
    {
        var environment = session.Options.Environment;
        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        if (string.Equals(Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Get("AWS_ENDPOINT_URL_S3") ?? Get("AWS_ENDPOINT_URL") ?? session.Options.ProfileEndpointUrl;
    }
}
