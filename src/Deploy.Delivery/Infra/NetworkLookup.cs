using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Deploy.Aws;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>The VPC and subnets the platform uses when the settings name none.</summary>
/// <param name="VpcId">The VPC.</param>
/// <param name="SubnetIds">Its subnets, sorted (the same parameter value on every run, so an unchanged platform stays unchanged).</param>
public sealed record PlatformNetwork(string VpcId, IReadOnlyList<string> SubnetIds);

/// <summary>Finds the network the platform is placed in when the settings do not name one.</summary>
public interface INetworkLookup
{
    /// <summary>The account's default VPC in the session's region and its default subnets (one per Availability Zone).</summary>
    Task<PlatformNetwork> DefaultVpcAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Looks the default VPC up through EC2 (AWSSDK.EC2), with the session's region, credentials and endpoint overrides
/// (<c>AWS_ENDPOINT_URL_EC2</c>, <c>AWS_ENDPOINT_URL</c>, the profile's <c>endpoint_url</c>) taken from its options,
/// never from the process environment.
/// </summary>
public sealed class Ec2NetworkLookup(AwsSession session, IBuildLog log) : INetworkLookup
{
    public async Task<PlatformNetwork> DefaultVpcAsync(CancellationToken cancellationToken)
    {
        using var ec2 = new AmazonEC2Client(session.Credentials, Config());
        var vpcs = await Call("DescribeVpcs", () => ec2.DescribeVpcsAsync(
            new DescribeVpcsRequest { Filters = [new Filter("is-default", ["true"])] }, cancellationToken));
        var vpc = vpcs.Vpcs?.FirstOrDefault()?.VpcId
            ?? throw new BuildFailedException(
                $"The account has no default VPC in {session.Region}; pass --vpc-id and --subnet-ids (two or more subnets in different Availability Zones).");
        var subnets = await Call("DescribeSubnets", () => ec2.DescribeSubnetsAsync(
            new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpc]), new Filter("default-for-az", ["true"])] }, cancellationToken));
        var ids = (subnets.Subnets ?? []).Select(s => s.SubnetId).Order(StringComparer.Ordinal).ToList();
        if (ids.Count < 2)
        {
            throw new BuildFailedException(
                $"The default VPC {vpc} has {ids.Count} default subnet(s); the load balancer needs two in different Availability Zones. Pass --vpc-id and --subnet-ids.");
        }

        log.Information($"Network: default VPC {vpc}, subnets {string.Join(", ", ids)}");
        return new PlatformNetwork(vpc, ids);
    }

    private AmazonEC2Config Config()
    {
        var config = new AmazonEC2Config
        {
            MaxErrorRetry = Math.Max(0, session.Options.MaxAttempts - 1),
            // Endpoints come from the session's environment below, not from the process's.
            IgnoreConfiguredEndpointUrls = true,
        };
        if (EndpointOverride() is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = session.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(session.Region);
        }

        return config;
    }

    private string? EndpointOverride()
    {
        var environment = session.Options.Environment;
        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        if (string.Equals(Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Get("AWS_ENDPOINT_URL_EC2") ?? Get("AWS_ENDPOINT_URL") ?? session.Options.ProfileEndpointUrl;
    }

    private async Task<T> Call<T>(string operation, Func<Task<T>> call)
    {
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            var result = await call();
            log.Debug($"EC2 {operation} → 200 in {TimeProvider.System.GetElapsedTime(started).TotalMilliseconds:F0} ms");
            return result;
        }
        catch (AmazonEC2Exception e)
        {
            throw new BuildFailedException($"EC2 {operation} failed while looking up the default VPC: {e.ErrorCode}: {e.Message}", e);
        }
    }
}
