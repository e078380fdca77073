using System.Net;
using System.Net.Sockets;

namespace Deploy.Testing;

/// <summary>Free TCP ports on the loopback interface.</summary>
public static class FreePort
{
    /// <summary>
    /// A port on 127.0.0.1 that the system just handed out and nothing listens on now. Another process may still take
    /// it before the caller binds it, so callers that start a server on it retry on a bind failure where it matters.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
