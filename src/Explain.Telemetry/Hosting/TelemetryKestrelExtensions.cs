using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Explain.Telemetry.Hosting;

/// <summary>The metrics port (<c>--http-port</c>): plain HTTP/1.1, beside the HTTP/2-only gRPC endpoint.</summary>
public static class TelemetryKestrelExtensions
{
    public static KestrelServerOptions ListenMetrics(this KestrelServerOptions kestrel, IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http1);
        return kestrel;
    }

    /// <summary>All interfaces (IPv4 and IPv6) on <paramref name="port"/>, as a container or pod needs.</summary>
    public static KestrelServerOptions ListenMetrics(this KestrelServerOptions kestrel, int port)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.ListenAnyIP(port, listen => listen.Protocols = HttpProtocols.Http1);
        return kestrel;
    }
}
