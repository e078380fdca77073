using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task The_builder_starts_an_instance_whose_health_endpoint_answers_and_dispose_stops_it()
    {
        var cloud = await new LocalCloudBuilder().BuildAsync();
        var endpoint = cloud.Endpoint;
        var state = cloud.Options.StateDirectory;

        await HealthWaitStrategy.WaitUntilHealthyAsync(endpoint, TimeSpan.FromSeconds(5));
        await cloud.DisposeAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => HealthWaitStrategy.WaitUntilHealthyAsync(endpoint, TimeSpan.FromMilliseconds(300)));
        Assert.False(Directory.Exists(state), "a builder-made temporary state directory is removed on dispose");
    }

    [Fact]
    public async Task The_local_cloud_is_reachable_on_loopback_only()
    {
        await using var cloud = await new LocalCloudBuilder().BuildAsync();
        var otherAddresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();

        Assert.Equal("127.0.0.1", cloud.Endpoint.Host);
        foreach (var address in otherAddresses)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, cloud.Endpoint.Port));
        }
    }
}
