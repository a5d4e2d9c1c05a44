using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Explain.Telemetry.Hosting;

/// <summary>The metrics port (<c>--http-port</c>): plain HTTP/1.1, beside the HTTP/2-only gRPC endpoint.</summary>
public static class TelemetryKestrelExtensions
{
    public static KestrelServerOptions ListenMetrics(this KestrelServerOptions kestrel, IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var port = kestrel.ApplicationServices.GetRequiredService<MetricsPort>();
        kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            port.Add(listen);
        });
        return kestrel;
    }
}
