namespace Deploy.LocalCloud.Hosting;

/// <summary>
/// The port Kestrel actually bound. Known only after start (port 0 = free port), so services read it
/// per request instead of storing it: a restart on another port still yields correct URIs.
/// </summary>
internal sealed class LocalCloudAddress
{
    public int Port { get; set; }

    /// <summary>Host and port Docker uses for the registry (loopback, so plain HTTP is accepted).</summary>
    public string RegistryHost => $"127.0.0.1:{Port}";

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");
}
